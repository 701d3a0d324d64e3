"""The signed-in person's own account (any role): the account page, a new password, signing out
here or everywhere."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from app.accounts import signin
from app.accounts.forms import ChangePasswordForm
from app.accounts.operations import change_password as set_new_password
from app.accounts.views.public import bp
from app.core.htmx import render
from app.core.permissions import require
from app.core.transaction import domain_errors, form_status


@bp.route("/dang-xuat", methods=["POST"])
@require()
def logout():
    """Signed out here, then at the identity provider when this browser signed in there."""
    signin.sign_out()
    flash("Bạn đã đăng xuất.", "info")
    home = url_for("public.home")
    return redirect(signin.provider_sign_out(home) or home, 303)


@bp.route("/tai-khoan/dang-xuat-moi-noi", methods=["POST"])
@require()
def logout_everywhere():
    """Every device signed in to this account (a phone lent, a PC at the village hall) is
    signed out, this one too."""
    signin.sign_out_everywhere(current_user._get_current_object())  # type: ignore[attr-defined]
    flash("Đã đăng xuất khỏi mọi thiết bị. Hãy đăng nhập lại trên thiết bị bạn dùng.", "info")
    return redirect(url_for("accounts.login"), 303)


@bp.route("/tai-khoan")
@require()
def account():
    return render("accounts/account.html", user=current_user)


@bp.route("/tai-khoan/doi-mat-khau", methods=["GET", "POST"])
@require()
def change_password():
    """Anyone signed in; staff replace the one-time password the administrator gave them. Every
    other device signed in to the account is signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with domain_errors(form):
            others = set_new_password(
                current_user,
                form.current.data,
                form.password.data,
                session_key=signin.session_key(),
            )
            ended = f" {others} thiết bị khác đã bị đăng xuất." if others else ""
            flash(f"Đã đổi mật khẩu.{ended}", "success")
            return redirect(url_for("accounts.account"), 303)
    return render("accounts/change_password.html", status=form_status(form), form=form)
