"""Claiming an account someone opened for you: what this browser's session keeps between the
two steps (the phone, then the code and a password).

Whatever the phone (a claimable account, an account with a password, no account at all), the
pages answer the same way, so they never tell whether a phone has an account. The session
keeps only the pending code's id, sealed (below), when the code stops working, how many tries
were made and when codes were asked for: never the code, never the phone. When nothing was
sent, the same fields hold a stand-in that behaves like a code no one can type.
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
from app.accounts.operations import send_claim_code
from app.core import clock
from app.extensions import db

CLAIM_KEY = "claim"


def state() -> dict | None:
    """What the session keeps of this browser's claim, or None before step 1."""
    return session.get(CLAIM_KEY)


def forget() -> None:
    session.pop(CLAIM_KEY, None)


def _keyed(label: bytes, data: bytes) -> bytes:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, b"claim-" + label + b"\0" + data, hashlib.sha256).digest()


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


def pending_code(claim: dict) -> OneTimeCode | None:
    row = db.session.get(OneTimeCode, _unseal(claim.get("ref", "")) or 0)
    if row is None or row.purpose != "claim" or row.user_id is None:
        return None
    return row


def _recent_sends() -> list[str]:
    """When this browser asked for codes in the last hour (a phone's own limit is in codes)."""
    claim = state() or {}
    hour_ago = clock.now() - timedelta(hours=1)
    return [at for at in claim.get("sent", []) if datetime.fromisoformat(at) > hour_ago]


def over_hourly_limit() -> bool:
    """This browser asked for as many codes as it may in an hour."""
    return len(_recent_sends()) >= current_app.config["OTP_PER_HOUR"]


def send_code(phone: str) -> str | None:
    """Send a code if ``phone`` may claim an account and remember it; the demo hint, or None
    over this browser's hourly limit (the same for every phone)."""
    if over_hourly_limit():
        return None
    sent = _recent_sends()
    row, code = send_claim_code(phone)
    now = clock.now()
    session[CLAIM_KEY] = {
        "ref": _seal(row.id if row else None),
        "tries": 0,
        "until": (now + timedelta(minutes=current_app.config["OTP_MINUTES"])).isoformat(),
        "sent": [*sent, now.isoformat()],
    }
    return codes.demo_hint(code) if row else ""


def check_code(claim: dict, typed: str) -> OneTimeCode:
    """The pending code if ``typed`` matches it; :class:`codes.CodeRefused` otherwise.

    When nothing was sent, a stand-in that no code matches (never added to the database) goes
    through the same check, so that its refusals, its count of tries and its expiry read
    exactly like a real code's."""
    row = pending_code(claim) or OneTimeCode(
        code_hash="",
        attempts=claim.get("tries", 0),
        expires_at=datetime.fromisoformat(claim["until"]),
        used_at=None,
    )
    try:
        return codes.check(row, typed)
    finally:
        # Kept for both, so that the cookie counts tries the same way for both.
        session[CLAIM_KEY] = {**claim, "tries": row.attempts}
