"""The period a report covers: a week, a month, a quarter, a year or chosen days (pure).

Every period is whole days, ``first`` to ``last`` included; queries take the half-open range
``[start, end)`` of datetimes so that a dossier submitted at 23:59 on the last day counts and
one submitted at 00:00 the next day does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.core.bounds import DayOutOfRange, parse_day
from app.core.days import DaySpan

WEEK, MONTH, QUARTER, YEAR, CUSTOM = "tuan", "thang", "quy", "nam", "tuy-chon"
KIND_LABELS = {
    WEEK: "Tuần",
    MONTH: "Tháng",
    QUARTER: "Quý",
    YEAR: "Năm",
    CUSTOM: "Tùy chọn",
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# A chosen range is at most this long (a year and a bit: the same as the longest kind).
MAX_CUSTOM_DAYS = 400


@dataclass(frozen=True)
class Period(DaySpan):
    kind: str
    first: date
    last: date

    @property
    def label(self) -> str:
        if self.kind == WEEK:
            iso = self.first.isocalendar()
            return f"Tuần {iso.week}/{iso.year} ({self.first:%d/%m}–{self.last:%d/%m/%Y})"
        if self.kind == MONTH:
            return f"Tháng {self.first.month:02d}/{self.first.year}"
        if self.kind == QUARTER:
            return f"Quý {ROMAN[(self.first.month - 1) // 3 + 1]}/{self.first.year}"
        if self.kind == YEAR:
            return f"Năm {self.first.year}"
        return f"Từ ngày {self.first:%d/%m/%Y} đến ngày {self.last:%d/%m/%Y}"

    @property
    def short_label(self) -> str:
        """A chart's axis label: a few characters."""
        if self.kind == WEEK:
            return f"T{self.first.isocalendar().week}"
        if self.kind == MONTH:
            return f"{self.first:%m/%y}"
        if self.kind == QUARTER:
            return f"Q{(self.first.month - 1) // 3 + 1}/{self.first:%y}"
        if self.kind == YEAR:
            return str(self.first.year)
        return f"{self.first:%d/%m}"

    def as_args(self) -> dict[str, str]:
        """The filter form's values that ask for this period again."""
        if self.kind == CUSTOM:
            return {"ky": CUSTOM, "tu": self.first.isoformat(), "den": self.last.isoformat()}
        return {"ky": self.kind, "ngay": self.first.isoformat()}

    def evaluation_day(self, today: date) -> date:
        """The day the still-running dossiers are judged at: the period's last day, or today
        while the period is not over."""
        return min(self.last, today)

    def previous(self) -> Period:
        """The period of the same kind just before this one (a chosen range: the same length)."""
        if self.kind == CUSTOM:
            length = self.last - self.first
            last = self.first - timedelta(days=1)
            return Period(CUSTOM, last - length, last)
        return period_for(self.kind, self.first - timedelta(days=1))


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_for(kind: str, day: date) -> Period:
    """The week (Monday to Sunday), month, quarter or year that holds ``day``."""
    if kind == WEEK:
        first = day - timedelta(days=day.weekday())
        return Period(WEEK, first, first + timedelta(days=6))
    if kind == MONTH:
        return Period(MONTH, day.replace(day=1), _month_end(day.year, day.month))
    if kind == QUARTER:
        month = (day.month - 1) // 3 * 3 + 1
        return Period(QUARTER, date(day.year, month, 1), _month_end(day.year, month + 2))
    if kind == YEAR:
        return Period(YEAR, date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(kind)


def trend(period: Period, count: int) -> list[Period]:
    """``count`` periods of the same kind ending with ``period``, oldest first."""
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]


def _day(raw: str | None) -> tuple[date | None, str]:
    """The day in ``raw`` (None when absent or unusable) and why it cannot be used: a day out
    of the calendar the pages count in (``app.core.bounds``) says which days they can."""
    try:
        day = parse_day(raw)
    except DayOutOfRange as error:
        return None, error.message
    if day is None and (raw or "").strip():
        return None, "Ngày không hợp lệ."
    return day, ""


def period_asked(args: Mapping[str, str], today: date) -> tuple[Period, str]:
    """:func:`period_from` of the filter form's query string (``ky``, ``ngay``, ``tu``, ``den``)."""
    return period_from(args.get("ky"), args.get("ngay"), args.get("tu"), args.get("den"), today)


def period_from(
    kind: str | None, raw_day: str | None, raw_first: str | None, raw_last: str | None, today: date
) -> tuple[Period, str]:
    """The period asked for in the filter form, and a polite note when it had to be changed.

    Unknown kinds fall back to a month; unreadable days, and days out of 1900–2199 (whose
    periods and trends would leave Python's calendar), to today; a chosen range is put in order
    and cut to :data:`MAX_CUSTOM_DAYS`.
    """
    kind = kind if kind in KIND_LABELS else MONTH
    if kind != CUSTOM:
        day, problem = _day(raw_day)
        return period_for(kind, day or today), f"{problem} Đã dùng hôm nay." if problem else ""
    (first, first_problem), (last, last_problem) = _day(raw_first), _day(raw_last)
    if first is None or last is None:
        problem = first_problem or last_problem
        note = f"{problem} Đã dùng tháng này." if problem else ""
        return period_for(MONTH, today), note or "Vui lòng chọn đủ ngày bắt đầu và ngày kết thúc."
    note = ""
    if first > last:
        first, last = last, first
        note = "Ngày bắt đầu sau ngày kết thúc: đã đổi chỗ hai ngày."
    if (last - first).days + 1 > MAX_CUSTOM_DAYS:
        first = last - timedelta(days=MAX_CUSTOM_DAYS - 1)
        note = f"Mỗi lần xem được tối đa {MAX_CUSTOM_DAYS} ngày: số liệu tính từ {first:%d/%m/%Y}."
    return Period(CUSTOM, first, last), note
