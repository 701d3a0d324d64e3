"""The signed-in person's own account (any role): the account page, a new password, signing out."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user, logout_user

from app.accounts.forms import ChangePasswordForm
from app.accounts.operations import change_password as set_new_password
from app.accounts.views.public import bp
from app.core.htmx import render
from app.core.permissions import require
from app.core.transaction import domain_errors, form_status


@bp.route("/dang-xuat", methods=["POST"])
@require()
def logout():
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("public.home"), 303)


@bp.route("/tai-khoan")
@require()
def account():
    return render("accounts/account.html", user=current_user)


@bp.route("/tai-khoan/doi-mat-khau", methods=["GET", "POST"])
@require()
def change_password():
    """Anyone signed in; staff replace the one-time password the administrator gave them."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with domain_errors(form):
            set_new_password(current_user, form.current.data, form.password.data)
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("accounts.account"), 303)
    return render("accounts/change_password.html", status=form_status(form), form=form)
