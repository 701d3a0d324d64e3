"""Claiming an account someone opened for you (a post-office clerk, a community team): the phone,
then the code sent to it and a password. A page for anyone; it answers the same whatever the
phone (app/accounts/pending.py)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from app.accounts import signin
from app.accounts.forms import CodeAndPasswordForm, PhoneForm
from app.accounts.models import User
from app.accounts.operations import claim_by_code, send_claim_code
from app.accounts.pending import PendingCode
from app.accounts.views import steps
from app.accounts.views.public import bp
from app.core.htmx import render
from app.core.limits import limited
from app.core.permissions import public
from app.core.responses import go
from app.core.transaction import domain_errors, form_status

SENT_MESSAGE = (
    "Nếu số này có tài khoản chưa đặt mật khẩu, một mã đã được gửi qua tin nhắn đến số đó."
)
RESENT_MESSAGE = (
    "Nếu số này có tài khoản chưa đặt mật khẩu, một mã mới đã được gửi; mã cũ không còn dùng được."
)
CLAIMED_MESSAGE = "Đã nhận tài khoản. Từ nay bạn đăng nhập bằng số điện thoại và mật khẩu này."
CLAIM = steps.CodeStep(
    PendingCode("claim", "claim"),
    start="accounts.claim",
    code="accounts.claim_code",
    template="accounts/claim_code.html",
    sent=SENT_MESSAGE,
    resent=RESENT_MESSAGE,
)


@bp.route("/nhan-tai-khoan", methods=["GET", "POST"])
@public
@limited("claim", "code-send")
def claim():
    """Step 1: the phone number someone registered the citizen with."""
    form = PhoneForm()
    if form.validate_on_submit():
        hint = steps.send(CLAIM, send_claim_code, form.phone.data, phone=form.phone.data)
        if hint is not None:
            return steps.to_step_two(CLAIM, hint, CodeAndPasswordForm(formdata=None))
        form.phone.errors.append(steps.TOO_MANY_MESSAGE)
    return render("accounts/claim.html", status=form_status(form), form=form)


def _claimed(user: User | None) -> Response:
    CLAIM.pending.forget()
    if user is None:
        flash("Tài khoản này đã có mật khẩu. Hãy đăng nhập bằng mật khẩu đó.", "info")
        return go(url_for("accounts.login"))
    signin.sign_in(user)
    flash(CLAIMED_MESSAGE, "success")
    return go(url_for("dossiers.mine"))


@bp.route("/nhan-tai-khoan/ma", methods=["GET", "POST"])
@public
@limited("code-check")
def claim_code():
    """Step 2: the code from the SMS and a new password; right code → signed in."""
    state = CLAIM.pending.state()
    if state is None:
        return redirect(url_for("accounts.claim"), 303)
    form = CodeAndPasswordForm()
    if form.validate_on_submit() and (row := steps.check(CLAIM, state, form)):
        with domain_errors(form):
            return _claimed(claim_by_code(row, form.password.data))
    return steps.page(CLAIM, form)


def _send_again(row):  # type: ignore[no-untyped-def]
    return send_claim_code(row.phone if row is not None else "")


@bp.route("/nhan-tai-khoan/gui-lai", methods=["POST"])
@public
@limited("code-send")
def claim_resend():
    """ "Gửi lại mã": a new code for the same phone, within the hourly limit."""
    return steps.resend(CLAIM, _send_again, CodeAndPasswordForm(formdata=None))
