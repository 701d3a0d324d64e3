"""The administrator's calendar overrides: the page's list and the home page's card."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.catalogue.models import CalendarOverride
from app.core import clock
from app.dossiers.calendar import (
    OVERRIDE_KINDS,
    official_day_label,
    override_window,
    upcoming_holidays,
    weekday_name,
)
from app.extensions import db


def list_overrides(today: date) -> list[CalendarOverride]:
    first, last = override_window(today)
    return list(
        db.session.scalars(
            select(CalendarOverride)
            .where(CalendarOverride.day >= first, CalendarOverride.day <= last)
            .order_by(CalendarOverride.day)
        )
    )


def calendar_page(today: date) -> dict[str, Any]:
    """What the calendar page shows besides its form: this year's and next year's overrides,
    the coming official holidays, and how to name a day."""
    first, last = override_window(today)
    return {
        "overrides": list_overrides(today),
        "holidays": upcoming_holidays(today),
        "kinds": OVERRIDE_KINDS,
        "official": official_day_label,
        "weekday": weekday_name,
        "first": first,
        "last": last,
    }


def calendar_card() -> dict[str, Any]:
    """The administration home page's card: how many overrides this year and next."""
    first, last = override_window(clock.today())
    window = CalendarOverride.day.between(first, last)
    count = db.session.scalar(select(func.count()).select_from(CalendarOverride).where(window))
    return {"overrides": int(count or 0), "first": first, "last": last}
