"""One-time codes sent by SMS (DOMAIN.md §9: never a fixed code outside demo mode).

A code is 6 random digits; only an HMAC of it (keyed with SECRET_KEY) is stored, it expires
after OTP_MINUTES, allows OTP_ATTEMPTS tries and is used once; a phone gets at most
OTP_PER_HOUR codes an hour. In demo mode the page that asks for the code also shows it, since
the demo's SMS channel only writes to the log. Services flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import OneTimeCode, User
from app.core import clock
from app.core.errors import Invalid
from app.extensions import db
from app.notifications.outbox import notify_phone

DIGITS = 6
# What each code's SMS says: who may hear it, and for how long it works.
TEXTS = {
    "consent": (
        "Mã xác nhận Một Cửa: {code}. Chỉ đọc mã này cho người hỗ trợ nếu Ông/Bà đồng ý để họ "
        "kê khai, nộp hồ sơ thay. Hết hạn sau {minutes} phút."
    ),
    "claim": (
        "Mã nhận tài khoản Một Cửa: {code}. Không đưa mã cho người khác. Hết hạn sau "
        "{minutes} phút."
    ),
}


class CodeRefused(Invalid):
    """No code was sent, or the code typed is wrong, used up or expired."""


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()


def issue(
    purpose: str,
    phone: str,
    *,
    user: User | None = None,
    requested_by: User | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[OneTimeCode, str]:
    """A new code for ``phone``, its SMS queued; raises :class:`CodeRefused` over the limit.

    Earlier unused codes of the same purpose for this phone stop working."""
    if purpose not in TEXTS:
        raise ValueError(f"unknown purpose {purpose!r}")
    now = clock.now()
    sent = db.session.scalar(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.phone == phone, OneTimeCode.created_at > now - timedelta(hours=1))
    )
    if sent >= current_app.config["OTP_PER_HOUR"]:
        raise CodeRefused(
            "Số điện thoại này đã nhận nhiều mã trong một giờ qua. Vui lòng thử lại sau, hoặc "
            "chọn người dân ký xác nhận trên giấy."
        )
    for earlier in db.session.scalars(
        select(OneTimeCode).where(
            OneTimeCode.phone == phone,
            OneTimeCode.purpose == purpose,
            OneTimeCode.used_at.is_(None),
        )
    ):
        earlier.expires_at = min(earlier.expires_at, now)
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    minutes = current_app.config["OTP_MINUTES"]
    row = OneTimeCode(
        purpose=purpose,
        phone=phone,
        user_id=user.id if user else None,
        requested_by_id=requested_by.id if requested_by else None,
        code_hash=_digest(code),
        payload=payload,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db.session.add(row)
    notify_phone(
        phone,
        f"otp_{purpose}",
        TEXTS[purpose].format(code=code, minutes=minutes),
        user.id if user else None,
    )
    db.session.flush()
    return row, code


def check(row: OneTimeCode | None, typed: str) -> OneTimeCode:
    """The code row if ``typed`` matches it now; each wrong try counts (flush, not commit)."""
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        raise CodeRefused("Mã đã hết hạn hoặc đã được dùng. Hãy gửi mã mới.")
    if row.attempts >= current_app.config["OTP_ATTEMPTS"]:
        raise CodeRefused("Đã nhập sai quá số lần cho phép. Hãy gửi mã mới.")
    digits = "".join(ch for ch in (typed or "") if ch.isdigit())
    if not hmac.compare_digest(_digest(digits), row.code_hash):
        row.attempts += 1
        db.session.flush()
        left = current_app.config["OTP_ATTEMPTS"] - row.attempts
        raise CodeRefused(
            f"Mã chưa đúng. Còn {left} lần thử." if left > 0 else "Mã chưa đúng. Hãy gửi mã mới."
        )
    row.used_at = clock.now()
    db.session.flush()
    return row


def demo_hint(code: str) -> str:
    """What the page may show in demo mode only (the demo SMS goes to the log)."""
    return code if current_app.config.get("DEMO_MODE") else ""
