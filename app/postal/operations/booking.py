"""The citizen's home pickup: booking or moving it into a slot, cancelling it, announcing it
when the dossier is submitted, and the reminder the day before (DOMAIN.md §6, leg A step 1).

Capacity is never exceeded. The chosen slot gets its row if it had none (INSERT … ON CONFLICT
DO NOTHING, app/postal/operations/slots.py), then a place is taken with one guarded UPDATE
(``booked = booked + 1 WHERE id = … AND booked < capacity AND NOT is_closed``). On PostgreSQL
concurrent bookings of the last place queue on the row lock; exactly ``capacity`` of them
match, the others see zero rows and are offered another slot. A check constraint backs it up.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from app.accounts.models import User
from app.core import clock
from app.dossiers.events import log_event
from app.dossiers.models import Dossier
from app.dossiers.notices import notify
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.postal.errors import PostalError, SlotFull
from app.postal.flow import Leg, ShipmentStatus
from app.postal.models import PickupSlot, Shipment
from app.postal.operations.slots import materialise_slot
from app.postal.queries.shipments import pickup_shipment, post_office_for
from app.postal.queries.slots import OfferedSlot, find_slot, offered_slots

NOT_SERVED = "Khung giờ này không thuộc bưu điện phục vụ xã đã chọn. Vui lòng chọn lại."
PICKUP_BOOKED = ShipmentStatus.PICKUP_REQUESTED
# A pickup may be booked or moved while the dossier is being written or waits for intake.
BOOKABLE_DOSSIER_STATUSES = frozenset({DossierStatus.DRAFT, DossierStatus.SUBMITTED})


def slot_when(slot: PickupSlot) -> str:
    """Short enough for one SMS: ``08:00-11:00 24/11``."""
    return f"{slot.start:%H:%M}-{slot.end:%H:%M} {slot.day:%d/%m}"


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


def _current(slot_id: int) -> PickupSlot:
    """The slot row as it is now (places are taken by UPDATEs that do not refresh it)."""
    row = db.session.get(PickupSlot, slot_id)
    db.session.refresh(row)
    return row


def chosen_slot(commune_code: str, key: str) -> OfferedSlot | None:
    """The slot named ``key`` (the booking form's value) at the office serving the commune,
    full or not; None when that office has no such slot. Refused when no office serves it."""
    office = post_office_for(commune_code)
    if office is None:
        raise PostalError(NOT_SERVED, "slot")
    return find_slot(office, key)


def book_pickup(
    dossier: Dossier,
    slot: OfferedSlot | PickupSlot,
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
        raise PostalError(NOT_SERVED, "slot")
    if slot.day <= clock.today():
        raise SlotFull(offered_slots(office))
    shipment = pickup_shipment(dossier)
    if shipment is not None and shipment.status != PICKUP_BOOKED:
        raise PostalError("Bưu điện đã nhận hồ sơ này, không thể đổi lịch nữa.")
    slot_id = materialise_slot(slot)
    moved_from = shipment.slot_id if shipment is not None else None
    if moved_from != slot_id:
        if not _take_place(slot_id):
            _current(slot_id)
            raise SlotFull(offered_slots(office))
        if moved_from is not None:
            _free_place(moved_from)
    if shipment is None:
        shipment = Shipment(dossier_id=dossier.id, leg=Leg.PICKUP, status=PICKUP_BOOKED)
        db.session.add(shipment)
    shipment.post_office_id = slot.post_office_id
    shipment.slot_id = slot_id
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
    row = _current(slot_id)
    if not dossier.is_draft and moved_from != slot_id:
        action = "pickup_booked" if moved_from is None else "pickup_rescheduled"
        _log(dossier, actor, action, row, ip)
        notify(dossier, "pickup_booked", when=slot_when(row))
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


def cancel_booking(dossier: Dossier, shipment: Shipment, actor: User, ip: str = "") -> None:
    """The citizen cancels their booking: on a draft, how the papers travel is chosen again."""
    cancel_pickup(shipment, actor, ip)
    if dossier.is_draft:
        dossier.intake_channel = ""
        dossier.steps_saved = [s for s in dossier.steps_saved or [] if s != "nhan-tra"]
    db.session.flush()


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


# --- what the dossier announces (app/dossiers/signals.py) -------------------------------------


def on_closed(dossier: Dossier, actor: User | None, ip: str = "") -> None:
    """Refused, withdrawn or stopped before the worker came: the booked place is freed."""
    pickup = pickup_shipment(dossier)
    if pickup is not None and pickup.status == PICKUP_BOOKED:
        cancel_pickup(pickup, actor, ip)


def on_intake_changed(dossier: Dossier, actor: User | None, previous: str | None) -> None:
    """The draft's papers no longer go by home pickup: a booked pickup is not wanted."""
    if previous == "post_pickup":
        on_closed(dossier, actor)
