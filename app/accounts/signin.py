"""Signing in and out, and who the signed-in person of a request is.

* A try counts against the phone before its password is checked (operations/signin.py): from
  the LOGIN_FREE_FAILURES-th wrong password in a row the phone waits (backoff.py), and while it
  waits no password is checked at all.
* A phone without an account (or whose account cannot sign in) is checked against a stand-in
  hash made with the same method, so the answer takes as long as for a real account, and it
  is counted and made to wait the same way: nothing tells whether a phone has an account.
* Signing in begins a session on the server (operations/sessions.py); the cookie carries its
  random key. Every request loads the user through that session, so a session ended on the
  server (logout, a new password, an administrator's reset or lock, "sign out everywhere",
  idle sign-out) signs out every copy of its cookie at once.
* Signing in with the identity provider (VNeID) keeps its ID token on the server
  (operations/federation.py); the cookie holds a random key to it, under PROVIDER_KEY, until
  this browser signs out at the provider too (:func:`provider_sign_out`): on our logout and on a
  helper's "Xong, người tiếp theo", so a shared PC never stays signed in there.
* With CITIZEN_PASSWORD_LOGIN off, only staff sign in with a password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, session
from flask_login import login_user, logout_user
from werkzeug.security import generate_password_hash

from app.accounts import backoff, oidc, queries
from app.accounts.models import User, verify_password
from app.accounts.operations import federation, sessions
from app.accounts.operations import signin as counting
from app.core import clock

SESSION_KEY = "sid"
PROVIDER_KEY = "oidc"
AFTER_LOGOUT = "after_logout"
_stand_in_hashes: dict[str, str] = {}


@dataclass(frozen=True)
class Attempt:
    """What a try at signing in came to: ``user`` when it worked; otherwise ``wait_until``
    when the phone must wait (``checked``: whether this try's password was checked at all)."""

    user: User | None = None
    wait_until: datetime | None = None
    checked: bool = True


def _stand_in_hash() -> str:
    """A hash of a random password, made with the installation's method (so checking it costs
    what checking a real one does), once per process."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _stand_in_hashes:
        _stand_in_hashes[method] = generate_password_hash(secrets.token_urlsafe(24), method=method)
    return _stand_in_hashes[method]


def attempt(phone: str, password: str) -> Attempt:
    config = current_app.config
    free, cap = config["LOGIN_FREE_FAILURES"], config["LOGIN_WAIT_MAX_MINUTES"]
    counted = counting.count_try(
        phone, free=free, cap=cap, forget=timedelta(hours=config["LOGIN_FORGET_HOURS"])
    )
    if counted is None:
        return Attempt(wait_until=counting.waiting_until(phone) or clock.now(), checked=False)
    user = queries.user_by_phone(phone)
    can_sign_in = (
        user is not None
        and bool(user.password_hash)
        and user.is_active_account
        and (user.is_staff or config["CITIZEN_PASSWORD_LOGIN"])
    )
    stored = user.password_hash if can_sign_in else _stand_in_hash()  # type: ignore[union-attr]
    if verify_password(stored, password) and can_sign_in:
        counting.forget(phone)
        return Attempt(user=user)
    wait = backoff.wait_after(counted, free, cap)
    return Attempt(wait_until=clock.now() + wait if wait else None)


def sign_in(user: User) -> None:
    key = sessions.begin(user, timedelta(days=current_app.config["SESSION_DAYS"]))
    login_user(user)
    session[SESSION_KEY] = key


def sign_in_with_provider(user: User, id_token: str) -> None:
    """Signed in, as :func:`sign_in`; the ID token kept for signing out at the provider."""
    federation.take_provider_sign_in(session.pop(PROVIDER_KEY, ""))
    sign_in(user)
    session[PROVIDER_KEY] = federation.keep_provider_sign_in(user, id_token)


def provider_sign_out(after: str) -> str | None:
    """Where to send this browser to end its session at the identity provider, or None when it
    has none here to end. The provider sends it back to accounts.provider_logged_out, which
    goes on to ``after``."""
    id_token = federation.take_provider_sign_in(session.pop(PROVIDER_KEY, ""))
    if id_token is None or not oidc.configured():
        return None
    leave = oidc.logout_url(id_token, oidc.external_url("accounts.provider_logged_out"))
    if leave:
        session[AFTER_LOGOUT] = after
    return leave


def session_key() -> str:
    """The key of this browser's session ("" when signed out)."""
    return session.get(SESSION_KEY, "")


def sign_out(reason: str = sessions.LOGOUT) -> None:
    """End this browser's session on the server, then forget it in the cookie."""
    key = session.pop(SESSION_KEY, None)
    if key:
        sessions.end(key, reason)
    logout_user()


def sign_out_everywhere(user: User) -> int:
    """End every session of ``user``, this one too: how many there were."""
    ended = sessions.end_all(user.id, sessions.EVERYWHERE)
    session.pop(SESSION_KEY, None)
    logout_user()
    return ended


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user only while this cookie's session is open."""
    key = session.get(SESSION_KEY)
    if not key or not isinstance(key, str) or not user_id.isdigit():
        return None
    begun_after = clock.now() - timedelta(days=current_app.config["SESSION_DAYS"])
    return queries.signed_in_user(int(user_id), sessions.key_hash(key), begun_after)
