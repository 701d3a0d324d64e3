"""What the app accepts for ids and days typed into a URL or a query string.

Ids are the database's ``INTEGER`` (PostgreSQL's is 32 bits): anything outside 1..2^31-1 names
no row, so it is "not found" before it reaches the database, where it would be an error.
Days are kept between 1900 and 2199: every page adds or subtracts days and weeks to the day
it is given, which near year 1 or 9999 leaves the calendar Python knows (``OverflowError``).

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from datetime import date

from app.core.errors import DomainError

MAX_ID = 2**31 - 1
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")
# Looks like a day (YYYY-MM-DD) whatever the number of digits of its year.
_DAY_LIKE = re.compile(r"\d+-\d{2}-\d{2}")


class DayOutOfRange(DomainError):
    """A day the pages cannot show (400): the message says which days they can."""

    status = 400

    def __init__(self, raw: str, field: str = "") -> None:
        super().__init__(
            f"Ngày “{raw[:20]}” nằm ngoài khoảng hệ thống xử lý được: hãy chọn một ngày từ "
            f"{FIRST_DAY:%d/%m/%Y} đến {LAST_DAY:%d/%m/%Y}.",
            field,
        )


def parse_id(raw: str | None) -> int | None:
    """The id written in ``raw`` (ASCII digits only), or None when it cannot name a row."""
    text = (raw or "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def parse_day(raw: str | None, field: str = "") -> date | None:
    """The day written in ``raw`` (``YYYY-MM-DD``); None when it is not a day at all.

    A day outside :data:`FIRST_DAY`..:data:`LAST_DAY` (year 1, 9999, 10000…) raises
    :class:`DayOutOfRange`, whose message the page shows."""
    text = (raw or "").strip()
    if not _DAY_LIKE.fullmatch(text):
        return None
    year, month, day = (int(part) for part in text.split("-"))
    try:
        parsed = date(year, month, day)
    except (ValueError, OverflowError):
        if 1 <= month <= 12 and 1 <= day <= 31 and not 1 <= year <= 9999:
            raise DayOutOfRange(text, field) from None
        return None
    if not in_range(parsed):
        raise DayOutOfRange(text, field)
    return parsed
