"""The administrator's calendar overrides: a day off or a make-up working day announced after
the official calendar, one row per date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.catalogue.models import CalendarOverride
from app.core.errors import Invalid
from app.core.text import normalise_spaces
from app.dossiers.calendar import OVERRIDE_KINDS, override_window
from app.extensions import db


def upsert_override(day: date, kind: str, note: str, today: date) -> tuple[CalendarOverride, bool]:
    """Record ``kind`` for ``day`` (one row per date). Returns the row and whether it is new."""
    first, last = override_window(today)
    if not first <= day <= last:
        raise Invalid(
            f"Chỉ nhập ngày trong năm {first.year} hoặc năm {last.year} "
            f"(từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}).",
            "day",
        )
    if kind not in OVERRIDE_KINDS:
        raise Invalid("Vui lòng chọn loại ngày.", "kind")
    return record_override(day, kind, normalise_spaces(note)[:200])


def record_override(day: date, kind: str, note: str) -> tuple[CalendarOverride, bool]:
    """``kind`` for ``day`` as given, any date (``flask calendar-override``)."""
    row = db.session.scalar(select(CalendarOverride).filter_by(day=day))
    created = row is None
    if row is None:
        row = CalendarOverride(day=day)
        db.session.add(row)
    row.kind = kind
    row.note = note
    db.session.flush()
    return row, created


def delete_override(row: CalendarOverride) -> None:
    db.session.delete(row)
    db.session.flush()
