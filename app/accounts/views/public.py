"""Signing in: a page for anyone, signed in or not. The blueprint of every page of accounts
for people (registering, claiming, resetting a password, one's own account)."""

from __future__ import annotations

import math

from flask import Blueprint, current_app, request, url_for
from werkzeug.wrappers import Response

from app.accounts import landing, oidc, signin
from app.accounts.forms import LoginForm
from app.accounts.models import User
from app.core import clock
from app.core.htmx import render
from app.core.limits import limited, wait_words
from app.core.permissions import public
from app.core.responses import go, local_target
from app.core.roles import Permission, has_permission
from app.core.transaction import form_status, keep_changes

bp = Blueprint("accounts", __name__)

WRONG = "Số điện thoại hoặc mật khẩu chưa đúng."
NOW_WAIT = (
    "Bạn đã nhập sai nhiều lần liền: hãy đợi {wait} rồi thử lại, hoặc đặt lại mật khẩu bằng mã "
    "gửi qua tin nhắn (Quên mật khẩu?)."
)
WAITING = (
    "Số điện thoại này đang tạm dừng đăng nhập vì đã nhập sai mật khẩu nhiều lần liền. Vui lòng "
    "thử lại sau {wait}, hoặc đặt lại mật khẩu bằng mã gửi qua tin nhắn (Quên mật khẩu?)."
)


def safe_next(default: str) -> str:
    return local_target(request.args.get("next"), default)


def home(user: User) -> str:
    """Where a person lands after signing in: their own work."""
    if has_permission(user, Permission.POSTAL_WORK):
        return url_for("postal.today")
    if has_permission(user, Permission.VIEW_UNIT_DOSSIERS):
        return url_for("backoffice.queue")
    if has_permission(user, Permission.MANAGE):
        return url_for("accounts_admin.index")
    if has_permission(user, Permission.APPLY_ON_BEHALF):
        return url_for("assist.home")
    return url_for("dossiers.mine")


def _page(form: LoginForm, status: int) -> Response:
    return render(
        "accounts/login.html",
        "accounts/_login_form.html",
        status,
        form=form,
        provider=oidc.configured(),
        citizen_password=current_app.config["CITIZEN_PASSWORD_LOGIN"],
    )


def _refused(form: LoginForm, tried: signin.Attempt) -> Response:
    """A wrong password, or a phone that must wait (429: nothing was checked)."""
    keep_changes()  # the try counts
    if tried.wait_until is None:
        form.password.errors.append(WRONG)
        return _page(form, 422)
    now = clock.now()
    seconds = max(1, math.ceil((tried.wait_until - now).total_seconds()))
    wait = wait_words(seconds, now)
    if tried.checked:
        form.password.errors.append(f"{WRONG} {NOW_WAIT.format(wait=wait)}")
        return _page(form, 422)
    form.password.errors.append(WAITING.format(wait=wait))
    response = _page(form, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
@limited("login-address", "login-phone")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        tried = signin.attempt(form.phone.data, form.password.data)
        if tried.user is None:
            return _refused(form, tried)
        signin.sign_in(tried.user)
        return go(landing.land(tried.user, safe_next(home(tried.user))))
    return _page(form, form_status(form))
