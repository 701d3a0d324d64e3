"""Pickup booking and item numbers. Services flush; the caller commits.

Capacity is never exceeded: a place is taken with one guarded UPDATE
(``booked = booked + 1 WHERE id = … AND booked < capacity AND NOT is_closed``). On PostgreSQL
concurrent bookings of the last place queue on the row lock; exactly ``capacity`` of them
match, the others see zero rows and are offered another slot. A check constraint backs it up.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.core import clock
from app.dossiers.deadlines import WorkingCalendar
from app.dossiers.models import Dossier
from app.extensions import db
from app.postal import s10
from app.postal.models import (
    PickupSlot,
    PostOffice,
    PostOfficeCommune,
    S10Serial,
    Shipment,
)
from app.postal.schedule import SlotTemplate, generate_slots

PICKUP_BOOKED = "pickup_requested"


class SlotFull(Exception):
    """The slot has no place left (or was closed); ``alternatives`` are open slots to offer."""

    def __init__(self, alternatives: list[PickupSlot]) -> None:
        super().__init__("Khung giờ này vừa hết chỗ. Vui lòng chọn khung giờ khác.")
        self.message = str(self.args[0])
        self.alternatives = alternatives


def _insert(table):  # type: ignore[no-untyped-def]
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def post_office_for(commune_code: str) -> PostOffice | None:
    row = db.session.get(PostOfficeCommune, commune_code)
    if row is None or not row.post_office.is_active:
        return None
    return row.post_office


def ensure_slots(office: PostOffice, first_day: date, days: int, calendar: WorkingCalendar) -> int:
    """Create the dated slots of the coming days from the office's templates (idempotent)."""
    specs = generate_slots(
        [SlotTemplate(t.weekday, t.start, t.end, t.capacity) for t in office.templates],
        first_day,
        days,
        calendar,
    )
    if not specs:
        return 0
    table = PickupSlot.__table__
    stmt = _insert(table).values(
        [
            {
                "post_office_id": office.id,
                "day": spec.day,
                "start": spec.start,
                "end": spec.end,
                "capacity": spec.capacity,
                "booked": 0,
                "is_closed": False,
            }
            for spec in specs
        ]
    )
    stmt = stmt.on_conflict_do_nothing(
        index_elements=[table.c.post_office_id, table.c.day, table.c.start, table.c.end]
    ).returning(table.c.id)
    return len(db.session.execute(stmt).all())


def open_slots(office: PostOffice, from_day: date, limit: int = 30) -> list[PickupSlot]:
    """Slots with places left from ``from_day`` on, soonest first."""
    return list(
        db.session.scalars(
            select(PickupSlot)
            .where(
                PickupSlot.post_office_id == office.id,
                PickupSlot.day >= from_day,
                PickupSlot.is_closed.is_(False),
                PickupSlot.booked < PickupSlot.capacity,
            )
            .order_by(PickupSlot.day, PickupSlot.start, PickupSlot.id)
            .limit(limit)
        )
    )


def _take_place(slot_id: int) -> bool:
    taken = db.session.execute(
        update(PickupSlot)
        .where(
            PickupSlot.id == slot_id,
            PickupSlot.booked < PickupSlot.capacity,
            PickupSlot.is_closed.is_(False),
        )
        .values(booked=PickupSlot.booked + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def _free_place(slot_id: int) -> None:
    db.session.execute(
        update(PickupSlot)
        .where(PickupSlot.id == slot_id, PickupSlot.booked > 0)
        .values(booked=PickupSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )


def book_pickup(
    dossier: Dossier,
    slot: PickupSlot,
    *,
    commune_code: str,
    village: str,
    street: str = "",
    landmark: str = "",
    contact_phone: str,
) -> Shipment:
    """Book (or move) the home pickup of ``dossier`` into ``slot``; raises :class:`SlotFull`.

    Moving to another slot frees the old place in the same transaction.
    """
    if slot.day < clock.today():
        raise SlotFull(open_slots(slot.post_office, clock.today()))
    shipment = db.session.scalar(select(Shipment).filter_by(dossier_id=dossier.id, leg="pickup"))
    if shipment is None or shipment.slot_id != slot.id:
        if not _take_place(slot.id):
            db.session.refresh(slot)
            raise SlotFull(open_slots(slot.post_office, slot.day))
        if shipment is not None and shipment.slot_id is not None:
            _free_place(shipment.slot_id)
    if shipment is None:
        shipment = Shipment(dossier_id=dossier.id, leg="pickup", status=PICKUP_BOOKED)
        db.session.add(shipment)
    shipment.post_office_id = slot.post_office_id
    shipment.slot_id = slot.id
    shipment.commune_code = commune_code
    shipment.village = village.strip()[:120]
    shipment.street = street.strip()[:200]
    shipment.landmark = landmark.strip()[:200]
    shipment.contact_phone = contact_phone
    db.session.flush()
    db.session.refresh(slot)
    return shipment


def cancel_pickup(shipment: Shipment) -> None:
    """Cancel a booked pickup that has not happened; its place is freed."""
    if shipment.status != PICKUP_BOOKED:
        raise ValueError("only a pickup not yet made can be cancelled")
    if shipment.slot_id is not None:
        _free_place(shipment.slot_id)
    db.session.delete(shipment)
    db.session.flush()


def next_item_number(prefix: str) -> str:
    """A new S10 item number: the next serial for ``prefix``, taken atomically."""
    table = S10Serial.__table__
    stmt = (
        _insert(table)
        .values(prefix=prefix, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.prefix], set_={"last_value": table.c.last_value + 1}
        )
        .returning(table.c.last_value)
    )
    serial = int(db.session.execute(stmt).scalar_one())
    return s10.item_number(prefix, serial)
