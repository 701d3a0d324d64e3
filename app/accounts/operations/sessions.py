"""Signed-in sessions kept on the server (app/accounts/models.py, UserSession): begun at sign-in,
ended by signing out, a new password, an administrator's reset or lock, "sign out everywhere"
or the idle sign-out of shared devices. Flush only.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, or_, update

from app.accounts.models import User, UserSession
from app.core import clock
from app.extensions import db

# Why a session ended (UserSession.end_reason).
LOGOUT = "logout"
EVERYWHERE = "everywhere"
NEW_PASSWORD = "new_password"
ADMIN_RESET = "admin_reset"
LOCKED = "locked"
IDLE = "idle"
# Ended and expired rows are kept this long (who was signed in when), then deleted.
KEPT = timedelta(days=30)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def begin(user: User, lifetime: timedelta) -> str:
    """A new session for ``user``: the key its cookie carries (only a hash is stored). The
    user's sessions that ended or expired long ago go at the same time."""
    now = clock.now()
    db.session.execute(
        delete(UserSession)
        .where(
            UserSession.user_id == user.id,
            or_(UserSession.ended_at < now - KEPT, UserSession.created_at < now - lifetime - KEPT),
        )
        .execution_options(synchronize_session=False)
    )
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=key_hash(key), created_at=now))
    db.session.flush()
    return key


def end(key: str, reason: str) -> None:
    """End the session whose cookie carries ``key`` (nothing if it has ended already)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.key_hash == key_hash(key), UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )


def end_all(user_id: int, reason: str, *, keep: str = "") -> int:
    """End every open session of the user but the one whose cookie carries ``keep``; how many."""
    query = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None)
    )
    if keep:
        query = query.where(UserSession.key_hash != key_hash(keep))
    ended = db.session.execute(
        query.values(ended_at=clock.now(), end_reason=reason).execution_options(
            synchronize_session=False
        )
    )
    return ended.rowcount
