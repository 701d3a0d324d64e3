"""Secrets shown once to the administrator who made them (app/accounts/shown_once.py shows
them): kept XOR a random pad that only that administrator's session holds, deleted by the
showing, and gone after :data:`LIFETIME` if never shown. Flush only."""

from __future__ import annotations

import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode
from binascii import Error as Base64Error
from datetime import timedelta

from sqlalchemy import delete

from app.accounts.models import PendingSecret
from app.core import clock
from app.extensions import db

LIFETIME = timedelta(minutes=10)


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def keep(owner_id: int, kind: str, subject_id: int, secret: str) -> tuple[int, str]:
    """Keep ``secret`` for its showing: ``(row id, pad)``, the pad for the session only.

    Secrets of this owner never shown in time go now."""
    now = clock.now()
    db.session.execute(
        delete(PendingSecret)
        .where(PendingSecret.owner_id == owner_id, PendingSecret.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    plain = secret.encode("utf-8")
    pad = secrets.token_bytes(len(plain))  # a one-time pad: the row alone tells nothing
    row = PendingSecret(
        owner_id=owner_id,
        kind=kind,
        subject_id=subject_id,
        sealed=urlsafe_b64encode(_xor(plain, pad)).decode("ascii"),
        expires_at=now + LIFETIME,
    )
    db.session.add(row)
    db.session.flush()
    return row.id, urlsafe_b64encode(pad).decode("ascii")


def take(owner_id: int, kind: str, subject_id: int, row_id: int, pad: str) -> str | None:
    """The secret, once: one DELETE … RETURNING, so two requests never both get it; None when
    it was shown already, has expired, or is not this owner's."""
    sealed = db.session.execute(
        delete(PendingSecret)
        .where(
            PendingSecret.id == row_id,
            PendingSecret.owner_id == owner_id,
            PendingSecret.kind == kind,
            PendingSecret.subject_id == subject_id,
        )
        .returning(PendingSecret.sealed, PendingSecret.expires_at)
        .execution_options(synchronize_session=False)
    ).first()
    if sealed is None or sealed.expires_at <= clock.now():
        return None
    try:
        data = _xor(urlsafe_b64decode(sealed.sealed), urlsafe_b64decode(pad.encode("ascii")))
        return data.decode("utf-8")
    except (Base64Error, ValueError, UnicodeError):
        return None


def purge() -> int:
    """Secrets never shown in time (``flask accounts purge``)."""
    gone = db.session.execute(delete(PendingSecret).where(PendingSecret.expires_at <= clock.now()))
    return gone.rowcount
