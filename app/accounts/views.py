from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_user, logout_user

from app.accounts.forms import ChangePasswordForm, LoginForm, RegisterForm
from app.accounts.models import User
from app.accounts.services import AccountExists, authenticate, register_citizen
from app.core.htmx import render
from app.core.permissions import Permission, has_permission, public, require
from app.core.responses import go
from app.extensions import db, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _home(user: User) -> str:
    """Where a person lands after signing in: their own work."""
    if has_permission(user, Permission.POSTAL_WORK):
        return url_for("postal.today")
    if has_permission(user, Permission.VIEW_UNIT_DOSSIERS):
        return url_for("backoffice.queue")
    if has_permission(user, Permission.MANAGE):
        return url_for("admin.index")
    return url_for("dossiers.mine")


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.phone.data, form.password.data)
        if user is not None:
            login_user(user)
            return go(_safe_next(_home(user)))
        form.password.errors.append("Số điện thoại hoặc mật khẩu chưa đúng.")
    status = 422 if form.errors else 200
    return render("accounts/login.html", "accounts/_login_form.html", status, form=form)


@bp.route("/dang-ky", methods=["GET", "POST"])
@public
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_citizen(
                full_name=form.full_name.data,
                phone=form.phone.data,
                id_number=form.id_number.data,
                date_of_birth=form.date_of_birth.data,
                sex=form.sex.data,
                email=form.email.data or "",
                password=form.password.data,
            )
        except AccountExists as exists:
            form[exists.field].errors.append(exists.message)
        else:
            db.session.commit()
            login_user(user)
            flash("Đã tạo tài khoản. Bạn có thể nộp hồ sơ ngay.", "success")
            return go(_safe_next(url_for("catalogue.index")))
    status = 422 if form.errors else 200
    return render("accounts/register.html", "accounts/_register_form.html", status, form=form)


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
        if not current_user.check_password(form.current.data):
            form.current.errors = ["Mật khẩu hiện tại chưa đúng."]
        elif form.password.data == form.current.data:
            form.password.errors = ["Mật khẩu mới phải khác mật khẩu hiện tại."]
        else:
            current_user.set_password(form.password.data)
            db.session.commit()
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("accounts.account"), 303)
    status = 422 if form.errors else 200
    return render("accounts/change_password.html", status=status, form=form)
