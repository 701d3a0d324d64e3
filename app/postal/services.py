"""Pickup booking, slots, closed days and item numbers. Services flush; the caller commits.

Capacity is never exceeded: a place is taken with one guarded UPDATE
(``booked = booked + 1 WHERE id = … AND booked < capacity AND NOT is_closed``). On PostgreSQL
concurrent bookings of the last place queue on the row lock; exactly ``capacity`` of them
match, the others see zero rows and are offered another slot. A check constraint backs it up.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.accounts.models import User
from app.core import clock
from app.core.errors import Conflict, Invalid
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import WorkingCalendar
from app.dossiers.events import log_event
from app.dossiers.models import Dossier
from app.dossiers.notices import notify
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.postal import s10
from app.postal.flow import Leg, ShipmentStatus
from app.postal.models import (
    PickupSlot,
    PostOffice,
    PostOfficeClosure,
    PostOfficeCommune,
    S10Serial,
    Shipment,
)
from app.postal.schedule import SlotTemplate, generate_slots

PICKUP_BOOKED = ShipmentStatus.PICKUP_REQUESTED
# A pickup may be booked or moved while the dossier is being written or waits for intake.
BOOKABLE_DOSSIER_STATUSES = frozenset({DossierStatus.DRAFT, DossierStatus.SUBMITTED})


class PostalError(Invalid):
    """A refusal with a polite Vietnamese message (shown beside the form)."""


class SlotFull(Conflict):
    """The slot has no place left (or was closed); ``alternatives`` are open slots to offer."""

    def __init__(self, alternatives: list[PickupSlot]) -> None:
        super().__init__("Khung giờ này vừa hết chỗ. Vui lòng chọn khung giờ khác.", "slot")
        self.alternatives = alternatives


def _insert(table):  # type: ignore[no-untyped-def]
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def post_office_for(commune_code: str) -> PostOffice | None:
    row = db.session.get(PostOfficeCommune, commune_code)
    if row is None or not row.post_office.is_active:
        return None
    return row.post_office


def slot_when(slot: PickupSlot) -> str:
    """Short enough for one SMS: ``08:00-11:00 24/11``."""
    return f"{slot.start:%H:%M}-{slot.end:%H:%M} {slot.day:%d/%m}"


def pickup_shipment(dossier: Dossier) -> Shipment | None:
    return shipment_of(dossier, Leg.PICKUP)


def shipment_of(dossier: Dossier, leg: Leg) -> Shipment | None:
    return db.session.scalar(select(Shipment).filter_by(dossier_id=dossier.id, leg=leg))


def ensure_slots(office: PostOffice, first_day: date, days: int, calendar: WorkingCalendar) -> int:
    """Create the dated slots of the coming days from the office's templates (idempotent).

    Days the office closed get none; slots already created keep their bookings."""
    specs = generate_slots(
        [SlotTemplate(t.weekday, t.start, t.end, t.capacity) for t in office.templates],
        first_day,
        days,
        calendar,
        frozenset(c.day for c in office.closures),
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


def offered_slots(office: PostOffice) -> list[PickupSlot]:
    """What a citizen may pick: the coming days' open slots, created on first sight.

    Today is not offered: the worker plans the day's round in the morning."""
    today = clock.today()
    ensure_slots(office, today, current_app.config["POSTAL_SLOT_DAYS"], working_calendar())
    return open_slots(office, today, exclude_day=today)


def open_slots(
    office: PostOffice, from_day: date, limit: int = 30, exclude_day: date | None = None
) -> list[PickupSlot]:
    """Slots with places left from ``from_day`` on, soonest first."""
    return list(
        db.session.scalars(
            select(PickupSlot)
            .where(
                PickupSlot.post_office_id == office.id,
                PickupSlot.day >= from_day,
                PickupSlot.is_closed.is_(False),
                PickupSlot.booked < PickupSlot.capacity,
                PickupSlot.day != (exclude_day or date.min),
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
    actor: User | None = None,
    ip: str = "",
) -> Shipment:
    """Book (or move) the home pickup of ``dossier`` into ``slot``; raises :class:`SlotFull`.

    Moving to another slot frees the old place in the same transaction. The post office must
    serve the pickup commune. A submitted dossier records the booking on its timeline and the
    citizen gets an SMS; a draft does that when it is submitted (:func:`announce_booking`).
    """
    if dossier.status not in BOOKABLE_DOSSIER_STATUSES:
        raise PostalError("Hồ sơ đã được cơ quan tiếp nhận nên không thể hẹn lịch nhận nữa.")
    office = post_office_for(commune_code)
    if office is None or office.id != slot.post_office_id:
        raise PostalError(
            "Khung giờ này không thuộc bưu điện phục vụ xã đã chọn. Vui lòng chọn lại.", "slot"
        )
    today = clock.today()
    if slot.day <= today:
        raise SlotFull(open_slots(office, today, exclude_day=today))
    shipment = pickup_shipment(dossier)
    if shipment is not None and shipment.status != PICKUP_BOOKED:
        raise PostalError("Bưu điện đã nhận hồ sơ này, không thể đổi lịch nữa.")
    moved_from = shipment.slot_id if shipment is not None else None
    if moved_from != slot.id:
        if not _take_place(slot.id):
            db.session.refresh(slot)
            raise SlotFull(open_slots(office, today, exclude_day=today))
        if moved_from is not None:
            _free_place(moved_from)
    if shipment is None:
        shipment = Shipment(dossier_id=dossier.id, leg=Leg.PICKUP, status=PICKUP_BOOKED)
        db.session.add(shipment)
    shipment.post_office_id = slot.post_office_id
    shipment.slot_id = slot.id
    shipment.planned_day = slot.day
    shipment.at_counter = False
    shipment.recipient_name = dossier.applicant_name
    shipment.commune_code = commune_code
    shipment.village = village.strip()[:120]
    shipment.street = street.strip()[:200]
    shipment.landmark = landmark.strip()[:200]
    shipment.contact_phone = contact_phone
    shipment.reminded_on = None
    dossier.intake_channel = "post_pickup"
    db.session.flush()
    db.session.refresh(slot)
    if not dossier.is_draft and moved_from != slot.id:
        action = "pickup_booked" if moved_from is None else "pickup_rescheduled"
        _log(dossier, actor, action, slot, ip)
        notify(dossier, "pickup_booked", when=slot_when(slot))
    return shipment


def _log(dossier: Dossier, actor: User | None, action: str, slot: PickupSlot, ip: str) -> None:
    log_event(
        dossier,
        actor,
        action,
        note=f"{slot.start:%H:%M}–{slot.end:%H:%M} ngày {slot.day:%d/%m/%Y}",
        ip=ip,
        data={"slot_id": slot.id, "day": slot.day.isoformat()},
    )


def announce_booking(dossier: Dossier, actor: User | None, ip: str = "") -> None:
    """At submit: a pickup booked on the draft goes on the timeline and the SMS goes out."""
    shipment = pickup_shipment(dossier)
    if shipment is None or shipment.slot is None or shipment.status != PICKUP_BOOKED:
        return
    _log(dossier, actor, "pickup_booked", shipment.slot, ip)
    notify(dossier, "pickup_booked", when=slot_when(shipment.slot))


def cancel_pickup(shipment: Shipment, actor: User | None = None, ip: str = "") -> None:
    """Cancel a booked pickup that has not happened; its place is freed."""
    if shipment.status != PICKUP_BOOKED:
        raise PostalError("Bưu điện đã nhận hồ sơ này, không thể hủy lịch nữa.")
    if shipment.slot_id is not None:
        _free_place(shipment.slot_id)
    dossier = shipment.dossier
    if dossier is not None and not dossier.is_draft and shipment.slot is not None:
        _log(dossier, actor, "pickup_cancelled", shipment.slot, ip)
    db.session.delete(shipment)
    db.session.flush()


def close_day(office: PostOffice, day: date, note: str = "") -> PostOfficeClosure:
    """No pickups at ``office`` on ``day``. Refused while citizens are booked that day: they
    must be moved first, so nobody waits at home for a worker who will not come."""
    if day <= clock.today():
        raise PostalError("Chỉ đóng được những ngày sắp tới.", "day")
    booked = db.session.scalar(
        select(func.count())
        .select_from(Shipment)
        .where(
            Shipment.post_office_id == office.id,
            Shipment.planned_day == day,
            Shipment.status == PICKUP_BOOKED,
            Shipment.at_counter.is_(False),
        )
    )
    if booked:
        raise PostalError(
            f"Ngày {day:%d/%m/%Y} đã có {booked} lịch hẹn nhận hồ sơ. Hãy liên hệ người dân đổi "
            "lịch trước khi đóng ngày này.",
            "day",
        )
    closure = db.session.scalar(
        select(PostOfficeClosure).filter_by(post_office_id=office.id, day=day)
    )
    if closure is None:
        closure = PostOfficeClosure(post_office_id=office.id, day=day)
        db.session.add(closure)
    closure.note = note.strip()[:200]
    db.session.execute(
        update(PickupSlot)
        .where(PickupSlot.post_office_id == office.id, PickupSlot.day == day)
        .values(is_closed=True)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return closure


def reopen_day(closure: PostOfficeClosure) -> None:
    db.session.execute(
        update(PickupSlot)
        .where(PickupSlot.post_office_id == closure.post_office_id, PickupSlot.day == closure.day)
        .values(is_closed=False)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(closure)
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
    # Serials are never handed out twice, so no number is reused within 12 months (or ever);
    # the 99,999,999th item of a prefix ends it, and a province then configures a new prefix.
    return s10.item_number(prefix, serial)


def send_pickup_reminders(today: date) -> int:
    """Queue the "pickup tomorrow" SMS for every pickup booked for the day after ``today``
    (once per pickup, however often this runs)."""
    tomorrow = today + timedelta(days=1)
    due = db.session.scalars(
        select(Shipment)
        .join(Dossier, Dossier.id == Shipment.dossier_id)
        .where(
            Shipment.leg == Leg.PICKUP,
            Shipment.status == PICKUP_BOOKED,
            Shipment.at_counter.is_(False),
            Shipment.planned_day == tomorrow,
            Shipment.reminded_on.is_(None),
            Dossier.status == DossierStatus.SUBMITTED,
        )
    ).all()
    for shipment in due:
        notify(shipment.dossier, "pickup_reminder", when=slot_when(shipment.slot))
        shipment.reminded_on = today
    db.session.flush()
    return len(due)
