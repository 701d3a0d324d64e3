"""Whole days as moments (pure): a day's first moment, the first moment after it, and a span of
days from ``first`` to ``last`` included as the half-open range ``[start, end)`` that queries
take, so that something at 23:59 on the last day counts and something at 00:00 the next day
does not.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def day_end(day: date) -> datetime:
    """The first moment after ``day`` (an exclusive bound)."""
    return datetime.combine(day + timedelta(days=1), time.min)


class DaySpan:
    """``first`` to ``last`` included (fields of the dataclass that takes this in)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        """The first moment after the span (exclusive bound)."""
        return day_end(self.last)
