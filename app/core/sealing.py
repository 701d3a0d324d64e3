"""Secrets kept encrypted for a short while (a one-time code waiting in the SMS outbox).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under a key derived from
SECRET_KEY with HKDF-SHA256, one key per ``purpose``: a token sealed for one use opens for no
other, and SECRET_KEY itself is never the cipher key. Pure: the caller passes the key and the
moment (Fernet stamps its tokens with the time; the app has one clock).

Rotating SECRET_KEY makes tokens sealed before unreadable (:class:`Unreadable`): they are meant
to live minutes, not across a rotation.
"""

from __future__ import annotations

import base64
import calendar
from datetime import datetime
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SALT = b"motcua-sealing-v1"


class Unreadable(Exception):
    """The token was not sealed with this SECRET_KEY for this purpose, or was altered."""


@lru_cache(maxsize=16)
def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose.encode("utf-8")
    ).derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plain: str, *, secret_key: str, purpose: str, at: datetime) -> str:
    """``plain`` encrypted and authenticated, as ASCII text for a database column."""
    stamp = calendar.timegm(at.timetuple())  # the same number whatever the host's time zone
    token = _fernet(secret_key, purpose).encrypt_at_time(plain.encode("utf-8"), stamp)
    return token.decode("ascii")


def unseal(token: str, *, secret_key: str, purpose: str) -> str:
    """What :func:`seal` sealed; :class:`Unreadable` for anything else."""
    try:
        return _fernet(secret_key, purpose).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as error:
        raise Unreadable(f"sealed {purpose} cannot be opened with this SECRET_KEY") from error
