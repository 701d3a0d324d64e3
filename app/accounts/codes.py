"""One-time codes sent by SMS (DOMAIN.md §9: never a fixed code outside demo mode).

A code is 6 random digits; only an HMAC of it (keyed with SECRET_KEY) is stored, it expires
after OTP_MINUTES, allows OTP_ATTEMPTS tries and is used once; a phone gets at most
OTP_PER_HOUR messages from these pages an hour (codes, and the notices of registration that
carry no code). In demo mode the page that asks for the code also shows it, since the demo's
SMS channel only writes to the log, and the log shows the code masked
(the outbox keeps it sealed until it is sent: app/notifications/outbox.py). Flush only; the
request commits.

A try is counted before the code is compared, by one guarded ``UPDATE … SET attempts =
attempts + 1 WHERE … AND attempts < OTP_ATTEMPTS RETURNING attempts``: however many tries
arrive at once, at most OTP_ATTEMPTS of them are ever compared. Using the code is another
guarded UPDATE (``… WHERE used_at IS NULL``), so a code opens one door once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, null, select, update

from app.accounts.models import OneTimeCode, User
from app.core import clock
from app.core.errors import Invalid
from app.extensions import db
from app.notifications.outbox import forget_expired_secrets, notify_phone
from app.notifications.queries import code_message_undeliverable
from app.notifications.sms import SECRET

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
    "register": (
        "Mã đăng ký tài khoản Một Cửa: {code}. Không đưa mã cho người khác. Hết hạn sau "
        "{minutes} phút."
    ),
    "reset": (
        "Mã đặt lại mật khẩu Một Cửa: {code}. Không đưa mã cho người khác. Hết hạn sau "
        "{minutes} phút."
    ),
}
# A message with no code (registration's "you already have an account") is kept as a code no
# one can type, so that it counts against the phone's hourly limit like a code.
NOTICE = "notice"

EXPIRED = "Mã đã hết hạn hoặc đã được dùng. Hãy gửi mã mới."
USED_UP = "Đã nhập sai quá số lần cho phép. Hãy gửi mã mới."
TOO_MANY_FOR_PHONE = (
    "Số điện thoại này đã nhận nhiều mã trong một giờ qua. Vui lòng thử lại sau, hoặc "
    "chọn người dân ký xác nhận trên giấy."
)


# "Gửi lại mã" sends again once this long has passed since the code was sent (the page says so;
# no script counts down), or at once when its SMS is known not to arrive.
RESEND_AFTER = timedelta(minutes=1)
RESEND_TOO_SOON = (
    "Mã vừa được gửi, tin nhắn thường đến trong vài giây. Sau 1 phút chưa nhận được mã, hãy bấm "
    "Gửi lại mã (còn {seconds} giây)."
)


class CodeRefused(Invalid):
    """No code was sent, or the code typed is wrong, used up or expired."""


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def _sent_last_hour(phone: str, now: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.phone == phone, OneTimeCode.created_at > now - timedelta(hours=1))
    )


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
    if _sent_last_hour(phone, now) >= current_app.config["OTP_PER_HOUR"]:
        raise CodeRefused(TOO_MANY_FOR_PHONE)
    db.session.execute(
        update(OneTimeCode)
        .where(
            OneTimeCode.phone == phone,
            OneTimeCode.purpose == purpose,
            OneTimeCode.used_at.is_(None),
            OneTimeCode.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session="fetch")
    )
    code = _new_code()
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
    # The outbox keeps the SMS with the code masked and the code sealed until it is sent.
    notify_phone(
        phone,
        f"otp_{purpose}",
        TEXTS[purpose].format(code=SECRET, minutes=minutes),
        secret=code,
        secret_expires_at=row.expires_at,
        user_id=user.id if user else None,
    )
    db.session.flush()
    return row, code


def notify(phone: str, template: str, text: str, user: User | None = None) -> bool:
    """An SMS with no code to ``phone``, within the same hourly limit as codes; False (and
    nothing sent) over it."""
    now = clock.now()
    if _sent_last_hour(phone, now) >= current_app.config["OTP_PER_HOUR"]:
        return False
    db.session.add(
        OneTimeCode(
            purpose=NOTICE,
            phone=phone,
            user_id=user.id if user else None,
            code_hash="",  # no code's digest is empty: nothing can ever match it
            created_at=now,
            expires_at=now,
            used_at=now,
        )
    )
    notify_phone(phone, template, text, user_id=user.id if user else None)
    db.session.flush()
    return True


def _wrong(left: int) -> CodeRefused:
    message = f"Mã chưa đúng. Còn {left} lần thử." if left > 0 else "Mã chưa đúng. Hãy gửi mã mới."
    return CodeRefused(message, "code")


def _matches(typed: str, code_hash: str) -> bool:
    digits = "".join(ch for ch in (typed or "") if ch.isdigit())
    return bool(code_hash) and hmac.compare_digest(_digest(digits), code_hash)


def check(row: OneTimeCode | None, typed: str, *, use_now: bool = True) -> OneTimeCode:
    """The code row if ``typed`` matches it now; :class:`CodeRefused` otherwise. Every try
    counts, the right one too (flush, not commit: the caller keeps a refused try's count with
    ``keep_changes``). ``use_now=False`` leaves the code unused until :func:`use`, for a step
    that may still refuse something else (a new password) without costing the code."""
    if row is None or row.id is None:
        raise CodeRefused(EXPIRED, "code")
    limit = current_app.config["OTP_ATTEMPTS"]
    now = clock.now()
    tries = db.session.execute(
        update(OneTimeCode)
        .where(
            OneTimeCode.id == row.id,
            OneTimeCode.used_at.is_(None),
            OneTimeCode.expires_at > now,
            OneTimeCode.attempts < limit,
        )
        .values(attempts=OneTimeCode.attempts + 1)
        .returning(OneTimeCode.attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.refresh(row)
    if tries is None:
        raise CodeRefused(EXPIRED if row.used_at or row.expires_at <= now else USED_UP, "code")
    if not _matches(typed, row.code_hash):
        raise _wrong(limit - tries)
    if use_now:
        use(row)
    return row


def use(row: OneTimeCode) -> None:
    """Mark a code that matched as used: :class:`CodeRefused` if another request used it
    first (two tabs, a replayed cookie)."""
    used = db.session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == row.id, OneTimeCode.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise CodeRefused(EXPIRED, "code")
    db.session.refresh(row)


def stand_in_refusal(tries: int, until: datetime) -> tuple[CodeRefused, int]:
    """What :func:`check` answers for a code that was never sent (the pages answer alike whether
    a phone has an account): it never matches. The refusal a real code would give after
    ``tries`` earlier tries, and the count of tries to remember with this one."""
    limit = current_app.config["OTP_ATTEMPTS"]
    if until <= clock.now():
        return CodeRefused(EXPIRED, "code"), tries
    if tries >= limit:
        return CodeRefused(USED_UP, "code"), tries
    return _wrong(limit - tries - 1), tries + 1


def resend_wait(sent_at: datetime | None, *, undeliverable: bool = False) -> int:
    """Seconds before "Gửi lại mã" may send a new code: 0 once :data:`RESEND_AFTER` has passed
    since ``sent_at`` (or nothing is known of it), or when the SMS will not arrive."""
    if sent_at is None or undeliverable:
        return 0
    left = sent_at + RESEND_AFTER - clock.now()
    return max(0, -(-int(left.total_seconds() * 1000) // 1000))


def undeliverable(row: OneTimeCode | None) -> bool:
    """The SMS that carries the code ``row`` will not arrive: the gateway or the carrier
    rejected it, or it failed for good (the delivery report, app/notifications/reports.py).
    Only for pages that send a code to every phone (registering, a volunteer's consent): the
    claim and reset pages must not answer differently for a phone with an account."""
    if row is None or row.id is None:
        return False
    return code_message_undeliverable(row.phone, f"otp_{row.purpose}", row.created_at)


def demo_hint(code: str) -> str:
    """What the page may show in demo mode only (the demo SMS goes to the log)."""
    return code if current_app.config.get("DEMO_MODE") else ""


def purge(older_than: timedelta) -> dict[str, int]:
    """The details waiting in codes that expired unused (a registration's name, ID number and
    password hash) are dropped, so are the sealed codes of their SMS still in the outbox; codes
    older than ``older_than`` go (``flask accounts purge``)."""
    now = clock.now()
    sealed, _ = forget_expired_secrets(now)
    cleared = db.session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.expires_at <= now, OneTimeCode.payload.is_not(None))
        .values(payload=null())
        .execution_options(synchronize_session=False)
    )
    gone = db.session.execute(
        delete(OneTimeCode)
        .where(OneTimeCode.created_at < now - older_than)
        .execution_options(synchronize_session=False)
    )
    return {
        "code details": cleared.rowcount,
        "codes": gone.rowcount,
        "codes sealed in messages": sealed,
    }
