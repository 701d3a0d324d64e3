"""A forgotten password ("Quên mật khẩu?" on the login page): the phone, then the code sent to it
and a new password. A page for anyone; the same answer for every phone (app/accounts/pending.py).
The new password signs out every other device."""

from __future__ import annotations

from flask import flash, redirect, url_for

from app.accounts import signin
from app.accounts.forms import CodeAndPasswordForm, PhoneForm
from app.accounts.operations import reset_by_code, send_reset_code
from app.accounts.pending import PendingCode
from app.accounts.views import steps
from app.accounts.views.public import bp, home
from app.core.htmx import render
from app.core.limits import limited
from app.core.permissions import public
from app.core.responses import go
from app.core.transaction import domain_errors, form_status

RESET = steps.CodeStep(
    PendingCode("reset", "reset"),
    start="accounts.forgot",
    code="accounts.reset_code",
    template="accounts/reset_code.html",
    sent="Nếu số này có tài khoản, một mã đã được gửi qua tin nhắn đến số đó.",
    resent="Nếu số này có tài khoản, một mã mới đã được gửi; mã cũ không còn dùng được.",
)
DONE = "Đã đặt mật khẩu mới. Các thiết bị khác đang đăng nhập tài khoản này đã bị đăng xuất."


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
@public
@limited("password-reset", "code-send")
def forgot():
    """Step 1: the phone number of the account."""
    form = PhoneForm()
    if form.validate_on_submit():
        hint = steps.send(RESET, send_reset_code, form.phone.data, phone=form.phone.data)
        if hint is not None:
            return steps.to_step_two(RESET, hint, CodeAndPasswordForm(formdata=None))
        form.phone.errors.append(steps.TOO_MANY_MESSAGE)
    return render("accounts/forgot.html", status=form_status(form), form=form)


@bp.route("/quen-mat-khau/ma", methods=["GET", "POST"])
@public
@limited("code-check")
def reset_code():
    """Step 2: the code from the SMS and a new password; right code → signed in."""
    state = RESET.pending.state()
    if state is None:
        return redirect(url_for("accounts.forgot"), 303)
    form = CodeAndPasswordForm()
    if form.validate_on_submit() and (row := steps.check(RESET, state, form)):
        with domain_errors(form):
            user = reset_by_code(row, form.password.data)
            RESET.pending.forget()
            signin.sign_in(user)
            flash(DONE, "success")
            return go(home(user))
    return steps.page(RESET, form)


def _send_again(row):  # type: ignore[no-untyped-def]
    return send_reset_code(row.phone if row is not None else "")


@bp.route("/quen-mat-khau/gui-lai", methods=["POST"])
@public
@limited("code-send")
def reset_resend():
    return steps.resend(RESET, _send_again, CodeAndPasswordForm(formdata=None))
