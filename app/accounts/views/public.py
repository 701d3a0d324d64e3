from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode
from binascii import Error as Base64Error
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import codes
from app.accounts.forms import (
    ChangePasswordForm,
    ClaimCodeForm,
    ClaimPhoneForm,
    LoginForm,
    RegisterForm,
)
from app.accounts.models import OneTimeCode, User
from app.accounts.services import (
    AccountExists,
    authenticate,
    claim_account,
    register_citizen,
    send_claim_code,
)
from app.core import clock
from app.core.htmx import render
from app.core.permissions import public, require
from app.core.responses import go
from app.core.roles import Permission, has_permission
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


# --- claiming an account someone opened for you (issue 5) -----------------------------------
#
# Whatever the phone (a claimable account, an account with a password, no account at all), the
# pages answer the same way, so they never tell whether a phone has an account. The session
# keeps only the pending code's id, sealed (below), when the code stops working, how many tries
# were made and when codes were asked for: never the code, never the phone. When nothing was
# sent, the same fields hold a stand-in that behaves like a code no one can type.

CLAIM_KEY = "claim"
SENT_MESSAGE = (
    "Nếu số này có tài khoản chưa đặt mật khẩu, một mã đã được gửi qua tin nhắn đến số đó."
)
RESENT_MESSAGE = (
    "Nếu số này có tài khoản chưa đặt mật khẩu, một mã mới đã được gửi; mã cũ không còn dùng được."
)
TOO_MANY_MESSAGE = (
    "Bạn đã yêu cầu nhiều mã trong một giờ qua. Vui lòng đợi rồi thử lại, hoặc hỏi Bộ phận "
    "Một cửa xã."
)


def _claim_state() -> dict | None:
    return session.get(CLAIM_KEY)


def _keyed(label: bytes, data: bytes) -> bytes:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, b"claim-" + label + b"\0" + data, hashlib.sha256).digest()


def _mask(nonce: bytes, data: bytes) -> bytes:
    """``data`` (8 bytes) XOR a keyed pad of ``nonce``: applied twice, ``data`` again."""
    return bytes(a ^ b for a, b in zip(data, _keyed(b"pad", nonce)[:8], strict=True))


def _seal(code_id: int | None) -> str:
    """The pending code's id as the session stores it: 24 bytes that look random whether or
    not a code was sent. A Flask session cookie is signed, not encrypted, so a plain id (or
    none) would tell its holder whether the phone has an account."""
    nonce = secrets.token_bytes(8)
    if code_id is None:
        raw = nonce + secrets.token_bytes(16)
    else:
        plain = code_id.to_bytes(8, "big")
        hidden = _mask(nonce, plain)
        raw = nonce + hidden + _keyed(b"tag", nonce + plain)[:8]
    return urlsafe_b64encode(raw).decode("ascii")


def _unseal(sealed: str) -> int | None:
    """The code id :func:`_seal` hid, or None for a stand-in (or anything else)."""
    try:
        raw = urlsafe_b64decode(sealed.encode("ascii"))
    except (Base64Error, UnicodeEncodeError, ValueError):
        return None
    if len(raw) != 24:
        return None
    nonce, hidden, tag = raw[:8], raw[8:16], raw[16:]
    plain = _mask(nonce, hidden)
    if not hmac.compare_digest(tag, _keyed(b"tag", nonce + plain)[:8]):
        return None
    return int.from_bytes(plain, "big")


def _pending_code(state: dict) -> OneTimeCode | None:
    row = db.session.get(OneTimeCode, _unseal(state.get("ref", "")) or 0)
    if row is None or row.purpose != "claim" or row.user_id is None:
        return None
    return row


def _recent_sends() -> list[str]:
    """When this browser asked for codes in the last hour (a phone's own limit is in codes)."""
    state = _claim_state() or {}
    hour_ago = clock.now() - timedelta(hours=1)
    return [at for at in state.get("sent", []) if datetime.fromisoformat(at) > hour_ago]


def _send_claim_code(phone: str) -> str | None:
    """Send a code if ``phone`` may claim an account and remember it; the demo hint, or None
    over this browser's hourly limit (the same for every phone)."""
    sent = _recent_sends()
    if len(sent) >= current_app.config["OTP_PER_HOUR"]:
        return None
    row, code = send_claim_code(phone)
    db.session.commit()
    now = clock.now()
    session[CLAIM_KEY] = {
        "ref": _seal(row.id if row else None),
        "tries": 0,
        "until": (now + timedelta(minutes=current_app.config["OTP_MINUTES"])).isoformat(),
        "sent": [*sent, now.isoformat()],
    }
    return codes.demo_hint(code) if row else ""


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


def _check_claim_code(state: dict, typed: str) -> OneTimeCode:
    """The pending code if ``typed`` matches it; :class:`codes.CodeRefused` otherwise.

    When nothing was sent, a stand-in that no code matches (never added to the database) goes
    through the same check, so that its refusals, its count of tries and its expiry read
    exactly like a real code's."""
    row = _pending_code(state) or OneTimeCode(
        code_hash="",
        attempts=state.get("tries", 0),
        expires_at=datetime.fromisoformat(state["until"]),
        used_at=None,
    )
    try:
        return codes.check(row, typed)
    finally:
        # Kept for both, so that the cookie counts tries the same way for both.
        session[CLAIM_KEY] = {**state, "tries": row.attempts}


@bp.route("/nhan-tai-khoan", methods=["GET", "POST"])
@public
def claim():
    """Step 1: the phone number someone registered the citizen with."""
    form = ClaimPhoneForm()
    if form.validate_on_submit():
        hint = _send_claim_code(form.phone.data)
        if hint is not None:
            return _to_step_two(hint)
        form.phone.errors.append(TOO_MANY_MESSAGE)
    status = 422 if form.errors else 200
    return render("accounts/claim.html", status=status, form=form)


@bp.route("/nhan-tai-khoan/ma", methods=["GET", "POST"])
@public
def claim_code():
    """Step 2: the code from the SMS and a new password; right code → signed in."""
    state = _claim_state()
    if state is None:
        return redirect(url_for("accounts.claim"), 303)
    form = ClaimCodeForm()
    if form.validate_on_submit():
        try:
            row = _check_claim_code(state, form.code.data)
        except codes.CodeRefused as refused:
            db.session.commit()  # the wrong try counts
            form.code.errors.append(refused.message)
        else:
            user = claim_account(row, form.password.data)
            db.session.commit()
            session.pop(CLAIM_KEY, None)
            if user is None:
                flash("Tài khoản này đã có mật khẩu. Hãy đăng nhập bằng mật khẩu đó.", "info")
                return go(url_for("accounts.login"))
            login_user(user)
            flash(
                "Đã nhận tài khoản. Từ nay bạn đăng nhập bằng số điện thoại và mật khẩu này.",
                "success",
            )
            return go(url_for("dossiers.mine"))
    return _claim_code_page(form, status=422 if form.errors else 200)


@bp.route("/nhan-tai-khoan/gui-lai", methods=["POST"])
@public
def claim_resend():
    """ "Gửi lại mã": a new code for the same phone, within the hourly limit."""
    state = _claim_state()
    if state is None:
        return redirect(url_for("accounts.claim"), 303)
    if len(_recent_sends()) >= current_app.config["OTP_PER_HOUR"]:
        flash(TOO_MANY_MESSAGE, "error")
        return go(url_for("accounts.claim_code"))
    row = _pending_code(state)
    hint = _send_claim_code(row.phone if row is not None else "")
    flash(RESENT_MESSAGE, "info")
    return _to_step_two(hint or "")
