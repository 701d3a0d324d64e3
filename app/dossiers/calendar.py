"""The working calendar in force (the official one plus the administrator's overrides), and
what the calendar page says about a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import select

from app.catalogue.models import CalendarOverride
from app.dossiers.deadlines import WorkingCalendar
from app.extensions import db

OVERRIDE_KINDS: Final = {"day_off": "Nghỉ bù / nghỉ thêm", "working_day": "Làm bù"}
_WEEKDAYS: Final = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def working_calendar() -> WorkingCalendar:
    rows = db.session.scalars(select(CalendarOverride)).all()
    return WorkingCalendar(
        extra_days_off=frozenset(r.day for r in rows if r.kind == "day_off"),
        extra_working_days=frozenset(r.day for r in rows if r.kind == "working_day"),
    )


def override_window(today: date) -> tuple[date, date]:
    """The dates an administrator manages: this year and next."""
    return date(today.year, 1, 1), date(today.year + 1, 12, 31)


def weekday_name(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def official_day_label(day: date) -> str:
    """What the official calendar (without overrides) says about ``day``."""
    official = WorkingCalendar()
    name = official.holiday_name(day)
    if name:
        return f"Nghỉ lễ: {name}"
    if official.is_working_day(day):
        return "Làm bù theo lịch" if day.weekday() >= 5 else "Ngày làm việc"
    return "Nghỉ cuối tuần"


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


def upcoming_holidays(today: date, count: int = 10) -> list[Holiday]:
    """The next ``count`` official public holidays (observed days included) from ``today``,
    as the ``holidays`` package knows them, without the administrator's overrides."""
    official = WorkingCalendar()
    found: list[Holiday] = []
    day = today
    last = today + timedelta(days=3 * 366)
    while len(found) < count and day <= last:
        name = official.holiday_name(day)
        if name is not None:
            found.append(Holiday(day, name))
        day += timedelta(days=1)
    return found
