"""The working calendar in force: the official one plus the administrator's overrides."""

from __future__ import annotations

from sqlalchemy import select

from app.catalogue.models import CalendarOverride
from app.dossiers.deadlines import WorkingCalendar
from app.extensions import db


def working_calendar() -> WorkingCalendar:
    rows = db.session.scalars(select(CalendarOverride)).all()
    return WorkingCalendar(
        extra_days_off=frozenset(r.day for r in rows if r.kind == "day_off"),
        extra_working_days=frozenset(r.day for r in rows if r.kind == "working_day"),
    )
