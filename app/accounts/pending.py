"""A code sent to a phone, waiting in this browser to be typed back: registering (the phone
is proved before the account exists), claiming an account someone opened for you, resetting a
forgotten password. What this browser's session keeps between the two steps.

Whatever the phone (an account or none, with a password or without), the pages answer the same
way, so they never tell whether a phone has an account. The session keeps only the pending
code's id, sealed (below), when the code stops working, how many tries were made and when codes
were asked for, and the number typed masked (``0912***001``, for the page to say where the code
went): never the code, never the whole phone. When nothing was sent, the same fields hold a
stand-in that behaves like a code no one can type.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode
from binascii import Error as Base64Error
from datetime import datetime, timedelta

from flask import current_app, session

from app.accounts import codes
from app.accounts.models import OneTimeCode
from app.core import clock
from app.core.identity import mask_phone
from app.extensions import db


def _keyed(label: bytes, data: bytes) -> bytes:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, b"pending-code-" + label + b"\0" + data, hashlib.sha256).digest()


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


class PendingCode:
    """One kind of code conversation: ``key`` in the session, codes of ``purpose``."""

    def __init__(self, key: str, purpose: str) -> None:
        self.key = key
        self.purpose = purpose

    def state(self) -> dict | None:
        """What the session keeps of this browser's conversation, or None before step 1."""
        return session.get(self.key)

    def forget(self) -> None:
        session.pop(self.key, None)

    def _recent_sends(self) -> list[str]:
        """When this browser asked for codes in the last hour (a phone's own limit is in codes)."""
        state = self.state() or {}
        hour_ago = clock.now() - timedelta(hours=1)
        return [at for at in state.get("sent", []) if datetime.fromisoformat(at) > hour_ago]

    def over_hourly_limit(self) -> bool:
        """This browser asked for as many codes as it may in an hour."""
        return len(self._recent_sends()) >= current_app.config["OTP_PER_HOUR"]

    def remember(self, row: OneTimeCode | None, code: str, phone: str = "") -> str:
        """After a code was sent (``row``) or not (None) to ``phone`` (the number typed; kept
        masked, for the page to say where the code went, alike for every phone; a resend keeps
        the one of step 1): what the next step needs; returns the demo hint ("" outside demo
        mode or when nothing was sent)."""
        now = clock.now()
        shown = mask_phone(phone) if phone else (self.state() or {}).get("to", "")
        session[self.key] = {
            "to": shown,
            "ref": _seal(row.id if row else None),
            "tries": 0,
            "until": (now + timedelta(minutes=current_app.config["OTP_MINUTES"])).isoformat(),
            "sent": [*self._recent_sends(), now.isoformat()],
        }
        return codes.demo_hint(code) if row else ""

    def sent_at(self, state: dict) -> datetime | None:
        """When the last code was asked for (a code, or the stand-in of a phone with none)."""
        sent = state.get("sent") or []
        return datetime.fromisoformat(sent[-1]) if sent else None

    def pending_code(self, state: dict) -> OneTimeCode | None:
        row = db.session.get(OneTimeCode, _unseal(state.get("ref", "")) or 0)
        if row is None or row.purpose != self.purpose:
            return None
        return row

    def check(self, state: dict, typed: str) -> OneTimeCode:
        """The pending code if ``typed`` matches it, not used yet (the caller uses it once the
        rest of the step is accepted: :func:`codes.use`); :class:`codes.CodeRefused` otherwise.

        When nothing was sent, a stand-in that no code matches answers instead, with the same
        refusals, count of tries and expiry as a real code."""
        row = self.pending_code(state)
        if row is None:
            refused, tries = codes.stand_in_refusal(
                state.get("tries", 0), datetime.fromisoformat(state["until"])
            )
            session[self.key] = {**state, "tries": tries}
            raise refused
        try:
            return codes.check(row, typed, use_now=False)
        finally:
            # Kept for both, so that the cookie counts tries the same way for both.
            session[self.key] = {**state, "tries": row.attempts}
