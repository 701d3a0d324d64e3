"""A post office's pickup timetable: its weekly windows (slot templates), the days it closes,
and the dated slot rows (made when a slot is first booked, or ahead by ``flask postal slots``).

A slot needs no row to be offered (app/postal/queries/slots.py); a row holds its places taken.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import delete, exists, func, select, update

from app.core import clock
from app.dossiers.deadlines import WorkingCalendar
from app.extensions import db
from app.postal.errors import PostalError
from app.postal.flow import ShipmentStatus
from app.postal.models import (
    PickupSlot,
    PostOffice,
    PostOfficeClosure,
    Shipment,
    SlotTemplateRow,
)
from app.postal.operations.steps import dialect_insert
from app.postal.queries.slots import OfferedSlot
from app.postal.schedule import WEEKDAY_LABELS, SlotTemplate, generate_slots

SLOT_CAPACITY_MAX = 50


def _slot_row_key():  # type: ignore[no-untyped-def]
    table = PickupSlot.__table__
    return [table.c.post_office_id, table.c.day, table.c.start, table.c.end]


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
    stmt = dialect_insert(table).values(
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
    stmt = stmt.on_conflict_do_nothing(index_elements=_slot_row_key()).returning(table.c.id)
    return len(db.session.execute(stmt).all())


def materialise_slot(slot: OfferedSlot | PickupSlot) -> int:
    """The id of ``slot``'s row, made now if it has none (INSERT … ON CONFLICT DO NOTHING: two
    citizens booking a new slot at once end on the same row). A row made for a day the office
    has closed meanwhile is made closed, so no place is taken in it."""
    table = PickupSlot.__table__
    closed = exists().where(
        PostOfficeClosure.post_office_id == slot.post_office_id,
        PostOfficeClosure.day == slot.day,
    )
    db.session.execute(
        dialect_insert(table)
        .values(
            post_office_id=slot.post_office_id,
            day=slot.day,
            start=slot.start,
            end=slot.end,
            capacity=slot.capacity,
            booked=0,
            is_closed=closed,
        )
        .on_conflict_do_nothing(index_elements=_slot_row_key())
    )
    return db.session.scalar(
        select(table.c.id).where(
            table.c.post_office_id == slot.post_office_id,
            table.c.day == slot.day,
            table.c.start == slot.start,
            table.c.end == slot.end,
        )
    )


# --- weekly windows ---------------------------------------------------------------------------


def add_slot_template(
    office: PostOffice, *, weekday: int, start: time, end: time, capacity: int
) -> SlotTemplateRow:
    """A weekly pickup window: citizens are offered it from the coming days on."""
    if not 0 <= weekday <= 6:
        raise PostalError("Vui lòng chọn thứ trong tuần.", "weekday")
    if end <= start:
        raise PostalError(
            f"Giờ kết thúc phải sau giờ bắt đầu ({start:%H:%M}). Khung giờ không qua nửa đêm.",
            "end",
        )
    if not 1 <= capacity <= SLOT_CAPACITY_MAX:
        raise PostalError(
            f"Số lượt nhận trong khung giờ phải từ 1 đến {SLOT_CAPACITY_MAX}.", "capacity"
        )
    same = db.session.scalar(
        select(SlotTemplateRow).filter_by(
            post_office_id=office.id, weekday=weekday, start=start, end=end
        )
    )
    if same is not None:
        raise PostalError(
            f"{WEEKDAY_LABELS[weekday]} đã có khung giờ {start:%H:%M}–{end:%H:%M} "
            f"({same.capacity} lượt). Muốn đổi số lượt, hãy xóa khung giờ đó rồi thêm lại.",
            "start",
        )
    row = SlotTemplateRow(
        post_office_id=office.id, weekday=weekday, start=start, end=end, capacity=capacity
    )
    db.session.add(row)
    db.session.flush()
    return row


def remove_slot_template(row: SlotTemplateRow, today: date) -> int:
    """Remove a weekly window, and the dated slots already made from it from tomorrow on that
    nobody booked, so citizens are no longer offered it. Slots with a booking (or any pickup
    recorded against them) stay: the worker still comes. Returns how many slots went."""
    office_id, weekday, start, end = row.post_office_id, row.weekday, row.start, row.end
    db.session.delete(row)
    db.session.flush()
    twin = db.session.scalar(
        select(SlotTemplateRow.id).filter_by(
            post_office_id=office_id, weekday=weekday, start=start, end=end
        )
    )
    if twin is not None:
        return 0
    unbooked = db.session.scalars(
        select(PickupSlot).where(
            PickupSlot.post_office_id == office_id,
            PickupSlot.day > today,
            PickupSlot.start == start,
            PickupSlot.end == end,
            PickupSlot.booked == 0,
            ~exists().where(Shipment.slot_id == PickupSlot.id),
        )
    )
    ids = [slot.id for slot in unbooked if slot.day.weekday() == weekday]
    if ids:
        db.session.execute(
            delete(PickupSlot)
            .where(PickupSlot.id.in_(ids), PickupSlot.booked == 0)
            .execution_options(synchronize_session=False)
        )
        db.session.flush()
    return len(ids)


# --- closed days --------------------------------------------------------------------------------


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
            Shipment.status == ShipmentStatus.PICKUP_REQUESTED,
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
