"""A date typed as three boxes, day / month / year (the GOV.UK date-input pattern), checked with
Vietnamese messages that say which box is wrong. Pure module: no Flask, no database.

A native ``<input type=date>`` shows mm/dd/yyyy on an English-locale PC, so day and month swap
unnoticed; three labelled boxes cannot be read the wrong way round.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

# The suffixes of the three inputs' names: "date_of_birth-ngay", "…-thang", "…-nam".
PARTS = ("ngay", "thang", "nam")
PART_WORDS = {"ngay": "ngày", "thang": "tháng", "nam": "năm"}
EARLIEST_YEAR = 1900

_DIGITS = re.compile(r"[0-9]{1,4}", re.ASCII)
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_SLASHED = re.compile(r"([^/]*)/([^/]*)/([^/]*)")


class DatePartsError(ValueError):
    """A Vietnamese message and the boxes it is about (a subset of PARTS)."""

    def __init__(self, message: str, parts: tuple[str, ...]) -> None:
        super().__init__(message)
        self.parts = parts


def typed_parts(form: Mapping[str, Any], name: str) -> tuple[str, str, str]:
    """What was typed in the three boxes named ``name-ngay``, ``name-thang``, ``name-nam``."""
    values = [form.get(f"{name}-{part}") for part in PARTS]
    return tuple("" if v is None else str(v).replace("\x00", "").strip() for v in values)  # type: ignore[return-value]


def split_value(value: Any) -> tuple[str, str, str]:
    """The boxes' contents for a stored value: an ISO date, a ``date``, or what was typed
    (three parts joined by "/", kept as they were when the answer was wrong)."""
    if isinstance(value, date):
        return f"{value.day:02d}", f"{value.month:02d}", str(value.year)
    text = "" if value is None else str(value)
    iso = _ISO.fullmatch(text)
    if iso:
        return iso[3].zfill(2), iso[2].zfill(2), iso[1]
    slashed = _SLASHED.fullmatch(text)
    if slashed:
        return slashed[1], slashed[2], slashed[3]
    return "", "", ""


def joined(parts: tuple[str, str, str]) -> str:
    """The three boxes as one answer "d/m/y" ("" when all are empty)."""
    return "/".join(parts) if any(parts) else ""


def parse_parts(
    parts: tuple[str, str, str],
    *,
    what: str = "Ngày",
    year_word: str = "Năm",
    latest: date | None = None,
) -> date | None:
    """The date the three boxes make, None when all are empty; DatePartsError otherwise.

    ``what`` names the date in messages ("Ngày sinh"), ``year_word`` its year ("Năm sinh");
    ``latest`` (today, for a date of birth) refuses a later date.
    """
    if not any(parts):
        return None
    missing = tuple(p for p, v in zip(PARTS, parts, strict=True) if not v)
    if missing:
        words = " và ".join(PART_WORDS[p] for p in missing)
        raise DatePartsError(f"{what} phải có {words}.", missing)
    not_numbers = tuple(p for p, v in zip(PARTS, parts, strict=True) if not _DIGITS.fullmatch(v))
    if not_numbers:
        raise DatePartsError(f"{what} phải là một ngày có thật, ghi bằng chữ số.", not_numbers)
    day, month, year = parts
    if len(year) != 4:
        raise DatePartsError(f"{year_word} phải có 4 chữ số, ví dụ 1990.", ("nam",))
    return _checked(int(day), int(month), int(year), what, year_word, latest)


def _checked(
    day: int, month: int, year: int, what: str, year_word: str, latest: date | None
) -> date:
    if not 1 <= month <= 12:
        raise DatePartsError(f"{what} phải là một ngày có thật: tháng từ 1 đến 12.", ("thang",))
    try:
        result = date(year, month, day)
    except ValueError as error:
        raise DatePartsError(f"{what} phải là một ngày có thật.", ("ngay",)) from error
    if year < EARLIEST_YEAR:
        raise DatePartsError(f"{year_word} phải từ {EARLIEST_YEAR} trở đi.", ("nam",))
    if latest is not None and result > latest:
        raise DatePartsError(f"{what} phải là một ngày trong quá khứ.", PARTS)
    return result
