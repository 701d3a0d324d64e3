"""The two steps every "we sent a code to your phone" page shares (registering, claiming an
account, resetting a password): send a code (or not, the same answer either way), ask for it
back, send it again. The views of register.py, claim.py and reset.py put them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from app.accounts import codes
from app.accounts.codes import CodeRefused
from app.accounts.models import OneTimeCode
from app.accounts.pending import PendingCode
from app.core.htmx import is_htmx, render
from app.core.responses import go
from app.core.transaction import form_status, keep_changes, put_on_form

TOO_MANY_MESSAGE = (
    "Bạn đã yêu cầu nhiều mã trong một giờ qua. Vui lòng đợi rồi thử lại, hoặc hỏi Bộ phận "
    "Một cửa xã."
)
Sender = Callable[..., tuple[OneTimeCode | None, str]]


@dataclass(frozen=True)
class CodeStep:
    pending: PendingCode
    start: str  # the endpoint of step 1 (where to go back to)
    code: str  # the endpoint of step 2
    template: str  # step 2's page
    sent: str  # what step 2 says was sent (the same whether or not anything was)
    resent: str
    # May the page tell that the code's SMS will not arrive (and offer "Gửi lại mã" at once)?
    # Only where every phone gets a code (registering): claim and reset answer alike for a
    # phone with no account, so they keep to the one-minute rule (README, Security).
    reports: bool = False


def send(step: CodeStep, sender: Sender, *args: Any, phone: str) -> str | None:
    """Ask ``sender`` to send a code to ``phone`` (it sends one or not, and says nothing of
    why): the demo hint ("" outside demo mode), or None when this browser asked for too many
    codes."""
    if step.pending.over_hourly_limit():
        return None
    row, code = sender(*args)
    return step.pending.remember(row, code, phone)


def _undeliverable(step: CodeStep, state: dict) -> bool:
    return step.reports and codes.undeliverable(step.pending.pending_code(state))


def page(step: CodeStep, form: Any, hint: str = "", **context: Any) -> Response:
    state = step.pending.state() or {}
    return render(
        step.template,
        status=form_status(form),
        form=form,
        hint=hint,
        sent_message=step.sent,
        masked_phone=state.get("to", ""),
        undeliverable=bool(state) and _undeliverable(step, state),
        **context,
    )


def to_step_two(step: CodeStep, hint: str, form: Any, **context: Any) -> Response:
    """Step 2. In demo mode the code is shown once, on this very response: it is never stored
    anywhere, not even in a flash message of the session cookie (htmx is told to show this
    page in place of the whole one)."""
    if not hint:
        return go(url_for(step.code, **context))
    response = page(step, form, hint, **context)
    if is_htmx():
        response.headers["HX-Retarget"] = "body"
        response.headers["HX-Reswap"] = "innerHTML show:top"
    return response


def check(step: CodeStep, state: dict, form: Any) -> OneTimeCode | None:
    """The pending code if the one typed matches (not used yet); else None with the refusal on
    the form. The try counts either way, even when the page answers 422."""
    keep_changes()
    try:
        return step.pending.check(state, form.code.data)
    except CodeRefused as refused:
        put_on_form(form, refused)
        return None


def resend(
    step: CodeStep,
    sender: Callable[[OneTimeCode | None], tuple[OneTimeCode | None, str]],
    form: Any,
) -> Response:
    """ "Gửi lại mã": a new code for the same phone, within the hourly limit."""
    state = step.pending.state()
    if state is None:
        return redirect(url_for(step.start), 303)
    wait = codes.resend_wait(step.pending.sent_at(state), undeliverable=_undeliverable(step, state))
    if wait:
        flash(codes.RESEND_TOO_SOON.format(seconds=wait), "info")
        return go(url_for(step.code))
    if step.pending.over_hourly_limit():
        flash(TOO_MANY_MESSAGE, "error")
        return go(url_for(step.code))
    row, code = sender(step.pending.pending_code(state))
    hint = step.pending.remember(row, code)
    flash(step.resent, "info")
    return to_step_two(step, hint, form)
