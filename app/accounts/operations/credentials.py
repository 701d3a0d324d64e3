"""Passwords: changing one's own, and setting one with a code sent to the phone (claiming an
account someone opened for you, resetting a forgotten one). A new password ends the account's
other sessions and forgets its wrong tries. Flush only.
"""

from __future__ import annotations

from sqlalchemy import update

from app.accounts import codes, passwords
from app.accounts.models import OneTimeCode, User, hash_password
from app.accounts.operations import sessions, signin
from app.accounts.queries import account_to_reset, claimable_account
from app.core.errors import Invalid
from app.extensions import db


def refuse_weak(user: User, password: str, field: str = "password") -> None:
    """:class:`Invalid` on ``field`` when ``password`` will not do for ``user`` (too short, too
    common, their own phone, name, birth date or ID number…)."""
    problem = passwords.problem(
        password,
        phone=user.phone,
        full_name=user.full_name,
        id_number=user.id_number or "",
        date_of_birth=user.date_of_birth,
    )
    if problem:
        raise Invalid(problem, field)


def change_password(user: User, current: str, new: str, *, session_key: str = "") -> int:
    """Anyone signed in; staff replace the one-time password the administrator gave them.
    Every other session of the account ends (the one with ``session_key`` stays): how many."""
    if not user.check_password(current):
        raise Invalid("Mật khẩu hiện tại chưa đúng.", "current")
    if new == current:
        raise Invalid("Mật khẩu mới phải khác mật khẩu hiện tại.", "password")
    refuse_weak(user, new)
    user.set_password(new)
    signin.forget(user.phone)
    db.session.flush()
    return sessions.end_all(user.id, sessions.NEW_PASSWORD, keep=session_key)


def _send(purpose: str, user: User | None) -> tuple[OneTimeCode | None, str]:
    if user is None:
        return None, ""
    try:
        return codes.issue(purpose, user.phone, user=user)
    except codes.CodeRefused:
        return None, ""


def send_claim_code(phone: str) -> tuple[OneTimeCode | None, str]:
    """Send a claim code to ``phone`` if it has a claimable account: ``(row, code)``.

    ``(None, "")`` when nothing was sent: no account, an account with a password, or a phone
    over its hourly limit. The caller answers the same in every case, so that the page never
    tells whether a phone has an account.
    """
    return _send("claim", claimable_account(phone))


def send_reset_code(phone: str) -> tuple[OneTimeCode | None, str]:
    """Send a code to reset the password of ``phone``'s active account (one opened by a helper
    and never claimed too): ``(row, code)``, or ``(None, "")`` as :func:`send_claim_code`."""
    return _send("reset", account_to_reset(phone))


def _set_by_code(row: OneTimeCode, password: str, *, first: bool) -> User | None:
    user = db.session.get(User, row.user_id)
    if user is None or not user.is_active_account:
        raise codes.CodeRefused(codes.EXPIRED, "code")
    refuse_weak(user, password)
    codes.use(row)
    query = update(User).where(User.id == user.id)
    if first:
        query = query.where(User.password_hash.is_(None))
    changed = db.session.execute(
        query.values(password_hash=hash_password(password)).execution_options(
            synchronize_session=False
        )
    )
    if changed.rowcount != 1:
        return None
    db.session.refresh(user)
    sessions.end_all(user.id, sessions.NEW_PASSWORD)
    signin.forget(user.phone)
    return user


def claim_by_code(row: OneTimeCode, password: str) -> User | None:
    """The first password of an account someone opened for its citizen, once the code ``row``
    has matched (``codes.check(…, use_now=False)``). A password that will not do for this person
    is refused (:class:`Invalid` on "password") before the code is used, so it can be typed
    again. A guarded UPDATE sets it only if the account still has none, so two claims cannot
    both set it: None (the code used, nothing changed) when it got one in the meantime."""
    return _set_by_code(row, password, first=True)


def reset_by_code(row: OneTimeCode, password: str) -> User:
    """A new password for the code's account, as :func:`claim_by_code` but whatever password it
    had. Every session of the account ends and its wrong tries are forgotten."""
    user = _set_by_code(row, password, first=False)
    assert user is not None  # an unguarded UPDATE of an account that exists
    return user
