"""Signing in, registering, and claiming an account someone opened for you (issue 5): pages for
anyone, signed in or not."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from app.accounts import claim as claiming
from app.accounts import codes
from app.accounts.forms import ClaimCodeForm, ClaimPhoneForm, LoginForm, RegisterForm
from app.accounts.models import User
from app.accounts.operations import claim_account, register_citizen
from app.accounts.queries import authenticate
from app.core.htmx import render
from app.core.permissions import public
from app.core.responses import go
from app.core.roles import Permission, has_permission
from app.core.transaction import domain_errors, form_status, keep_changes
from app.extensions import db, login_manager

bp = Blueprint("accounts", __name__)

SENT_MESSAGE = (
    "Nếu số này có tài khoản chưa đặt mật khẩu, một mã đã được gửi qua tin nhắn đến số đó."
)
RESENT_MESSAGE = (
    "Nếu số này có tài khoản chưa đặt mật khẩu, một mã mới đã được gửi; mã cũ không còn dùng được."
)
CLAIMED_MESSAGE = "Đã nhận tài khoản. Từ nay bạn đăng nhập bằng số điện thoại và mật khẩu này."
TOO_MANY_MESSAGE = (
    "Bạn đã yêu cầu nhiều mã trong một giờ qua. Vui lòng đợi rồi thử lại, hoặc hỏi Bộ phận "
    "Một cửa xã."
)


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
        return url_for("accounts_admin.index")
    if has_permission(user, Permission.APPLY_ON_BEHALF):
        return url_for("assist.home")
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
    return render("accounts/login.html", "accounts/_login_form.html", form_status(form), form=form)


@bp.route("/dang-ky", methods=["GET", "POST"])
@public
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        with domain_errors(form):
            user = register_citizen(
                full_name=form.full_name.data,
                phone=form.phone.data,
                id_number=form.id_number.data,
                date_of_birth=form.date_of_birth.data,
                sex=form.sex.data,
                email=form.email.data or "",
                password=form.password.data,
            )
            login_user(user)
            flash("Đã tạo tài khoản. Bạn có thể nộp hồ sơ ngay.", "success")
            return go(_safe_next(url_for("catalogue.index")))
    status = form_status(form)
    return render("accounts/register.html", "accounts/_register_form.html", status, form=form)


# --- claiming an account someone opened for you (app/accounts/claim.py) ----------------------


def _to_step_two(hint: str) -> Response:
    """The code page. In demo mode the code is shown once, on this very response: it is never
    stored anywhere, not even in a flash message of the session cookie."""
    if hint:
        return _claim_code_page(ClaimCodeForm(formdata=None), hint=hint)
    return go(url_for("accounts.claim_code"))


def _claim_code_page(form: ClaimCodeForm, status: int = 200, hint: str = "") -> Response:
    return render(
        "accounts/claim_code.html", status=status, form=form, hint=hint, sent_message=SENT_MESSAGE
    )


@bp.route("/nhan-tai-khoan", methods=["GET", "POST"])
@public
def claim():
    """Step 1: the phone number someone registered the citizen with."""
    form = ClaimPhoneForm()
    if form.validate_on_submit():
        hint = claiming.send_code(form.phone.data)
        if hint is not None:
            return _to_step_two(hint)
        form.phone.errors.append(TOO_MANY_MESSAGE)
    return render("accounts/claim.html", status=form_status(form), form=form)


@bp.route("/nhan-tai-khoan/ma", methods=["GET", "POST"])
@public
def claim_code():
    """Step 2: the code from the SMS and a new password; right code → signed in."""
    state = claiming.state()
    if state is None:
        return redirect(url_for("accounts.claim"), 303)
    form = ClaimCodeForm()
    if form.validate_on_submit():
        try:
            row = claiming.check_code(state, form.code.data)
        except codes.CodeRefused as refused:
            keep_changes()  # the wrong try counts
            form.code.errors.append(refused.message)
        else:
            user = claim_account(row, form.password.data)
            claiming.forget()
            if user is None:
                flash("Tài khoản này đã có mật khẩu. Hãy đăng nhập bằng mật khẩu đó.", "info")
                return go(url_for("accounts.login"))
            login_user(user)
            flash(CLAIMED_MESSAGE, "success")
            return go(url_for("dossiers.mine"))
    return _claim_code_page(form, status=form_status(form))


@bp.route("/nhan-tai-khoan/gui-lai", methods=["POST"])
@public
def claim_resend():
    """ "Gửi lại mã": a new code for the same phone, within the hourly limit."""
    state = claiming.state()
    if state is None:
        return redirect(url_for("accounts.claim"), 303)
    if claiming.over_hourly_limit():
        flash(TOO_MANY_MESSAGE, "error")
        return go(url_for("accounts.claim_code"))
    row = claiming.pending_code(state)
    hint = claiming.send_code(row.phone if row is not None else "")
    flash(RESENT_MESSAGE, "info")
    return _to_step_two(hint or "")
