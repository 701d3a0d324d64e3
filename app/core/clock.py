"""The only reader of the clock: tests freeze time by calling ``freeze``."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

# The one time zone of the product. Vietnam has kept UTC+7 all year since 1975 (no daylight
# saving time), so a fixed offset is exact for every date this product deals with.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
_frozen: datetime | None = None


def now() -> datetime:
    """Local wall-clock time in Vietnam, naive (every stored time is Vietnam local time)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(VIETNAM_TZ).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()


def epoch() -> float:
    """Real seconds since 1970, never frozen: for libraries that count real time themselves (the
    rate limits of app/core/limits.py) and for saying how long until they let go."""
    return time.time()


def monotonic() -> float:
    """Seconds on a clock that only goes forward, never frozen: for measuring how long something
    took (a request's duration in the logs and the metrics)."""
    return time.perf_counter()


def freeze(moment: datetime | None) -> None:
    """Freeze the clock at ``moment``; ``None`` lets it run again."""
    global _frozen
    _frozen = moment
