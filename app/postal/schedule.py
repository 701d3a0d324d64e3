"""Pickup slots from a post office's weekly templates, skipping non-working days. Pure.

A template says "every Tuesday, 08:00–11:00, 6 pickups"; :func:`generate_slots` turns the
templates into dated slots for the coming days. Days the calendar says are not working days
(holidays, weekends that are not make-up days) and days the post office closed get no slots;
a make-up Saturday gets the slots of the weekday it replaces only if a template says Saturday.

A slot is named by its day and window (:func:`slot_key`): the booking form carries that name,
not a row id, because a slot has no row until someone books it (app/postal/queries/slots.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from app.dossiers.deadlines import WorkingCalendar

WEEKDAY_LABELS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class SlotTemplate:
    weekday: int  # 0 = Monday … 6 = Sunday
    start: time
    end: time
    capacity: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")
        if self.end <= self.start:
            raise ValueError("a slot must end after it starts")
        if self.capacity < 1:
            raise ValueError("a slot holds at least one pickup")


@dataclass(frozen=True)
class SlotSpec:
    day: date
    start: time
    end: time
    capacity: int

    @property
    def key(self) -> str:
        return slot_key(self.day, self.start, self.end)

    @property
    def label(self) -> str:
        return (
            f"{WEEKDAY_LABELS[self.day.weekday()]} {self.day:%d/%m/%Y}, "
            f"{self.start:%H:%M}–{self.end:%H:%M}"
        )


def slot_key(day: date, start: time, end: time) -> str:
    """A slot's stable name, e.g. ``2026-11-25T08:00-11:00``."""
    return f"{day.isoformat()}T{start:%H:%M}-{end:%H:%M}"


def parse_slot_key(key: str | None) -> tuple[date, time, time] | None:
    """(day, start, end) of a :func:`slot_key`; None for anything else."""
    day, _, window = (key or "").partition("T")
    start, _, end = window.partition("-")
    try:
        parsed = date.fromisoformat(day), time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        return None
    return parsed if slot_key(*parsed) == key else None


def generate_slots(
    templates: Iterable[SlotTemplate],
    first_day: date,
    days: int,
    calendar: WorkingCalendar,
    closed_days: frozenset[date] = frozenset(),
) -> list[SlotSpec]:
    """Slots for ``days`` days from ``first_day``, in date and time order, without overlaps
    of identical windows (two templates with the same weekday and window are one slot)."""
    by_weekday: dict[int, list[SlotTemplate]] = {}
    for template in templates:
        by_weekday.setdefault(template.weekday, []).append(template)
    slots: dict[tuple[date, time, time], SlotSpec] = {}
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day in closed_days or not calendar.is_working_day(day):
            continue
        for template in by_weekday.get(day.weekday(), []):
            key = (day, template.start, template.end)
            if key not in slots:
                slots[key] = SlotSpec(day, template.start, template.end, template.capacity)
    return [slots[key] for key in sorted(slots)]
