"""Registering (a page for anyone): the details and a password, then the code sent to the phone
proves it and makes the account. A phone or an ID number that already has an account gets the
same pages; only that account's phone hears of it, by SMS (operations/registration.py)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from app.accounts import landing, signin
from app.accounts.forms import CodeForm, RegisterForm
from app.accounts.operations.citizens import AccountExists
from app.accounts.operations.registration import finish_registration, resend, start_registration
from app.accounts.pending import PendingCode
from app.accounts.views import steps
from app.accounts.views.public import bp, safe_next
from app.core.htmx import render
from app.core.limits import limited
from app.core.permissions import public
from app.core.responses import go
from app.core.transaction import domain_errors, form_status

REGISTER = steps.CodeStep(
    PendingCode("register", "register"),
    start="accounts.register",
    code="accounts.register_code",
    template="accounts/register_code.html",
    sent="Chúng tôi đã gửi một mã gồm 6 chữ số qua tin nhắn đến số điện thoại bạn vừa nhập. "
    "Nhập mã để tạo tài khoản.",
    resent="Đã gửi mã mới; mã cũ không còn dùng được.",
    reports=True,
)
CREATED = "Đã tạo tài khoản. Bạn có thể nộp hồ sơ ngay."


def _next() -> dict[str, str]:
    return {"next": request.args["next"]} if request.args.get("next") else {}


@bp.route("/dang-ky", methods=["GET", "POST"])
@public
@limited("register", "code-send")
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        hint = steps.send(
            REGISTER,
            start_registration,
            form.details(),
            form.password.data,
            phone=form.phone.data,
        )
        if hint is not None:
            return steps.to_step_two(REGISTER, hint, CodeForm(formdata=None), **_next())
        form.phone.errors.append(steps.TOO_MANY_MESSAGE)
    status = form_status(form)
    return render("accounts/register.html", "accounts/_register_form.html", status, form=form)


@bp.route("/dang-ky/ma", methods=["GET", "POST"])
@public
@limited("code-check")
def register_code():
    """Step 2: the code from the SMS; the right one makes the account and signs in."""
    state = REGISTER.pending.state()
    if state is None:
        return redirect(url_for("accounts.register"), 303)
    form = CodeForm()
    if form.validate_on_submit() and (row := steps.check(REGISTER, state, form)):
        with domain_errors(form, AccountExists):
            user = finish_registration(row)
            REGISTER.pending.forget()
            signin.sign_in(user)
            flash(CREATED, "success")
            return go(landing.land(user, safe_next(url_for("catalogue.index"))))
    return steps.page(REGISTER, form, **_next())


@bp.route("/dang-ky/gui-lai", methods=["POST"])
@public
@limited("code-send")
def register_resend():
    return steps.resend(REGISTER, resend, CodeForm(formdata=None))
