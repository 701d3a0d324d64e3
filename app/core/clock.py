"""The only reader of the clock: tests freeze time by calling ``freeze``."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_frozen: datetime | None = None


def now() -> datetime:
    """Local wall-clock time in Vietnam, naive (every stored time is Vietnam local time)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(_TZ).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()


def freeze(moment: datetime | None) -> None:
    """Freeze the clock at ``moment``; ``None`` lets it run again."""
    global _frozen
    _frozen = moment
