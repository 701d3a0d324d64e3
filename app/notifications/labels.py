"""What the administrator reads about the outbox: the statuses as shown (a held message apart
from a queued one), the gateways' refusals in Vietnamese, and the SMS budget. Pure rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# The statuses as the administrator's page shows them: "pending" is split in two, queued (due,
# or waiting for its next try) and held (the gateway refuses our account; attempts not counted).
SHOWN_STATUSES: dict[str, str] = {
    "queued": "Đang chờ gửi",
    "held": "Chờ vì cổng gửi từ chối tài khoản",
    "sent": "Đã gửi đến cổng",
    "delivered": "Đã đến máy",
    "rejected": "Bị từ chối",
    "failed": "Gửi không được",
}
CHANNELS: dict[str, str] = {"sms": "SMS", "email": "E-mail"}
GATEWAY_NAMES: dict[str, str] = {"sms": "Cổng SMS", "email": "Máy chủ e-mail"}

# eSMS's codes for a refused account (app/notifications/esms.py REFUSED), as the administrator
# reads them; another code (an SMTP login's 535…) shows the gateway's own reason.
REFUSAL_REASONS: dict[str, str] = {
    "101": "sai ApiKey hoặc SecretKey",
    "102": "tài khoản chưa có bảng giá",
    "103": "số dư tài khoản không đủ",
    "104": "tên thương hiệu (brandname) chưa đăng ký hoặc chưa kích hoạt",
}

# Statuses "Gửi lại" applies to: messages that will never arrive as they stand.
SENDABLE_AGAIN: frozenset[str] = frozenset({"failed", "rejected"})


def shown_status(status: str, held_reason: str) -> str:
    """The key of :data:`SHOWN_STATUSES` of a message."""
    if status == "pending":
        return "held" if held_reason else "queued"
    return status


def refusal_text(code: str, reason: str) -> str:
    """``mã 103: số dư tài khoản không đủ``; the gateway's reason for a code not listed."""
    said = REFUSAL_REASONS.get(code, reason)
    return f"mã {code}: {said}" if code else said


@dataclass(frozen=True)
class MonthCost:
    month: date  # the first day of the month
    messages: int  # SMS accepted by the gateway (charged)
    segments: int

    def cost(self, price_per_segment: int) -> int:
        return self.segments * price_per_segment


def last_months(today: date, count: int = 12) -> list[date]:
    """The first days of the ``count`` months ending with ``today``'s, newest first."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def monthly(rows: list[tuple[date, int, int]], today: date, count: int = 12) -> list[MonthCost]:
    """(day, messages, segments) per day → one :class:`MonthCost` per month, newest first,
    months with nothing sent included (a budget line reads zero, not missing)."""
    totals: dict[date, list[int]] = {month: [0, 0] for month in last_months(today, count)}
    for day, messages, segments in rows:
        key = date(day.year, day.month, 1)
        if key in totals:
            totals[key][0] += messages
            totals[key][1] += segments
    return [MonthCost(month, *totals[month]) for month in totals]


def as_date(value: date | datetime | str) -> date:
    """A day as the database returns ``date(...)``: a date (PostgreSQL) or text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
