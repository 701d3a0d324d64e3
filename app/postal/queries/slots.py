"""The pickup slots a citizen may choose, computed rather than stored, so showing them writes
nothing.

An office's weekly windows on the coming working days that it did not close
(:func:`app.postal.schedule.generate_slots`) are merged with the dated slot rows that exist:
a row is made when a slot is first booked (app/postal/operations/booking.py) or ahead by
``flask postal slots``, and it carries the places taken and whether its day was closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from flask import current_app
from sqlalchemy import select

from app.core import clock
from app.dossiers.calendar import working_calendar
from app.extensions import db
from app.postal.models import PickupSlot, PostOffice
from app.postal.schedule import SlotTemplate, generate_slots, parse_slot_key, slot_key

# What a citizen is offered at most: the soonest slots with places left.
OFFERED_AT_MOST = 30

Window = tuple[date, time, time]


@dataclass(frozen=True)
class OfferedSlot:
    """A slot as offered: from the office's templates, or from its row once it has one."""

    post_office_id: int
    day: date
    start: time
    end: time
    capacity: int
    booked: int = 0
    is_closed: bool = False
    id: int | None = None  # the row's id, once the slot has a row

    @property
    def key(self) -> str:
        """The slot's name in the booking form (a slot has no id until it is booked)."""
        return slot_key(self.day, self.start, self.end)

    @property
    def places_left(self) -> int:
        return 0 if self.is_closed else max(self.capacity - self.booked, 0)

    @classmethod
    def of(cls, row: PickupSlot) -> OfferedSlot:
        return cls(
            row.post_office_id,
            row.day,
            row.start,
            row.end,
            row.capacity,
            row.booked,
            row.is_closed,
            row.id,
        )


def _from_templates(office: PostOffice, first_day: date) -> dict[Window, OfferedSlot]:
    """The slots the office's templates give from ``first_day`` on, for the configured days."""
    specs = generate_slots(
        [SlotTemplate(t.weekday, t.start, t.end, t.capacity) for t in office.templates],
        first_day,
        current_app.config["POSTAL_SLOT_DAYS"],
        working_calendar(),
        frozenset(c.day for c in office.closures),
    )
    return {
        (s.day, s.start, s.end): OfferedSlot(office.id, s.day, s.start, s.end, s.capacity)
        for s in specs
    }


def _rows(office: PostOffice, *where) -> list[OfferedSlot]:  # type: ignore[no-untyped-def]
    """The office's slot rows as they are in the database now (not as loaded earlier: places
    are taken by UPDATE statements that do not refresh loaded rows)."""
    columns = PickupSlot.__table__.c
    stmt = select(
        columns.post_office_id,
        columns.day,
        columns.start,
        columns.end,
        columns.capacity,
        columns.booked,
        columns.is_closed,
        columns.id,
    ).where(columns.post_office_id == office.id, *where)
    return [OfferedSlot(*row) for row in db.session.execute(stmt)]


def offered_slots(office: PostOffice) -> list[OfferedSlot]:
    """What a citizen may pick: the coming days' open slots with places left, soonest first.

    Today is not offered: the worker plans the day's round in the morning."""
    today = clock.today()
    slots = _from_templates(office, today)
    for row in _rows(office, PickupSlot.day >= today):
        slots[(row.day, row.start, row.end)] = row
    offered = [s for s in slots.values() if s.day != today and s.places_left > 0]
    return sorted(offered, key=lambda s: (s.day, s.start, s.end))[:OFFERED_AT_MOST]


def find_slot(office: PostOffice | None, key: str | None) -> OfferedSlot | None:
    """The slot named ``key`` at ``office``, full or not; None if the office has no such slot
    (a name that does not parse, a window no longer offered, another day)."""
    window = parse_slot_key(key)
    if office is None or window is None:
        return None
    day, start, end = window
    rows = _rows(office, PickupSlot.day == day, PickupSlot.start == start, PickupSlot.end == end)
    if rows:
        return rows[0]
    return _from_templates(office, clock.today()).get(window)


def booking_choices(office: PostOffice | None, booked: PickupSlot | None) -> list[OfferedSlot]:
    """The booking page's list: the offered slots, and first the slot booked already when it
    is not among them (it may be full because of this very booking)."""
    slots = offered_slots(office) if office is not None else []
    if booked is not None and (booked.post_office_id, booked.key) not in {
        (s.post_office_id, s.key) for s in slots
    }:
        slots = [OfferedSlot.of(booked), *slots]
    return slots
