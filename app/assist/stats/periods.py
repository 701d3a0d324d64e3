"""The period the teams' numbers cover and its ISO weeks (pure: dates in, dates out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.core.bounds import DayOutOfRange, parse_day

DEFAULT_WEEKS = 8
# A calendar year touches 54 ISO weeks at most; a little more keeps the CASE short anyway.
MAX_WEEKS = 60
WEEK = timedelta(days=7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day_month(day: date) -> str:
    return day.strftime("%d/%m")


@dataclass(frozen=True)
class Week:
    """One ISO week (Monday to Sunday), cut to the days of the period it belongs to."""

    index: int
    first: date
    last: date

    @property
    def number(self) -> int:
        return self.first.isocalendar().week

    @property
    def year(self) -> int:
        return self.first.isocalendar().year

    @property
    def label(self) -> str:
        """``Tuần 48 (23/11–29/11/2026)``; the year twice when the week straddles New Year."""
        if self.first.year == self.last.year:
            days = f"{_day_month(self.first)}–{self.last:%d/%m/%Y}"
        else:
            days = f"{self.first:%d/%m/%Y}–{self.last:%d/%m/%Y}"
        return f"Tuần {self.number} ({days})"


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def weeks(self) -> tuple[Week, ...]:
        weeks = []
        start = monday_of(self.first)
        while start <= self.last:
            first = max(start, self.first)
            last = min(start + timedelta(days=6), self.last)
            weeks.append(Week(len(weeks), first, last))
            start += WEEK
        return tuple(weeks)

    @property
    def label(self) -> str:
        return f"từ ngày {self.first:%d/%m/%Y} đến ngày {self.last:%d/%m/%Y}"


def default_period(today: date) -> Period:
    """The last eight weeks up to today: this week and the seven before it."""
    return Period(monday_of(today) - (DEFAULT_WEEKS - 1) * WEEK, today)


def _parse_date(raw: str | None) -> tuple[date | None, str]:
    """The day in ``raw`` (None if none) and a note when it cannot be used."""
    try:
        day = parse_day(raw)
    except DayOutOfRange as error:
        return None, f"{error.message} Đã dùng khoảng thời gian mặc định."
    if (raw or "").strip() and day is None:
        return None, "Ngày không hợp lệ, đã dùng khoảng thời gian mặc định."
    return day, ""


def period_from(raw_first: str | None, raw_last: str | None, today: date) -> tuple[Period, str]:
    """The period asked for in the filter form, and a note when it had to be changed."""
    default = default_period(today)
    (first, first_note), (last, last_note) = _parse_date(raw_first), _parse_date(raw_last)
    note = first_note or last_note
    if first is None and last is None:
        return default, note
    last = last or max(today, first or today)
    first = first or monday_of(last) - (DEFAULT_WEEKS - 1) * WEEK
    if first > last:
        first, last = last, first
        note = "Ngày bắt đầu sau ngày kết thúc: đã đổi chỗ hai ngày."
    earliest = monday_of(last) - (MAX_WEEKS - 1) * WEEK
    if first < earliest:
        first = earliest
        note = f"Mỗi lần xem được tối đa {MAX_WEEKS} tuần: số liệu tính từ ngày {first:%d/%m/%Y}."
    return Period(first, last), note
