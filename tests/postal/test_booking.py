"""Booking home pickups: slots from templates, capacity, moving, cancelling, item numbers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest
from helpers import submit_via_services
from sqlalchemy import func, select

from app.core import clock
from app.dossiers.calendar import working_calendar
from app.extensions import db
from app.postal import s10
from app.postal.errors import SlotFull
from app.postal.models import (
    PickupSlot,
    PostOffice,
    Shipment,
)
from app.postal.operations import booking
from app.postal.operations.slots import close_day, ensure_slots, reopen_day
from app.postal.operations.steps import next_item_number
from app.postal.queries import shipments
from app.postal.queries.slots import find_slot, offered_slots

MONDAY = datetime(2026, 11, 23, 9, 0)
COMMUNE = "17329"


def _slots(office: PostOffice) -> list[PickupSlot]:
    """The week's slots made ahead (as ``flask postal slots`` does), today's included."""
    clock.freeze(MONDAY)
    ensure_slots(office, clock.today(), 7, working_calendar())
    db.session.commit()
    return list(db.session.scalars(select(PickupSlot).order_by(PickupSlot.day, PickupSlot.start)))


def _book(dossier, slot):  # type: ignore[no-untyped-def]
    return booking.book_pickup(
        dossier,
        slot,
        commune_code=COMMUNE,
        village="Bản Huồi Tụ",
        landmark="Cạnh nhà văn hóa bản",
        contact_phone="0912345678",
    )


def test_the_commune_decides_the_post_office(office) -> None:  # type: ignore[no-untyped-def]
    assert shipments.post_office_for(COMMUNE).id == office.id
    assert shipments.post_office_for("16813") is None
    office.is_active = False
    assert shipments.post_office_for(COMMUNE) is None


def test_slots_skip_the_holiday_and_are_created_once(office) -> None:  # type: ignore[no-untyped-def]
    slots = _slots(office)
    assert [s.day for s in slots] == [
        date(2026, 11, 23),
        date(2026, 11, 25),
        date(2026, 11, 26),
        date(2026, 11, 27),
    ]
    again = ensure_slots(office, clock.today(), 7, working_calendar())
    assert again == 0
    assert db.session.scalar(select(func.count()).select_from(PickupSlot)) == 4


def test_capacity_moving_and_cancelling(office, make_user, procedure) -> None:  # type: ignore[no-untyped-def]
    # Today's slot is not offered any more (the worker plans the day's round in the morning).
    today, first, second = _slots(office)[:3]
    with pytest.raises(SlotFull):
        _book(submit_via_services(make_user(), procedure, "today"), today)
    db.session.rollback()
    owners = [make_user() for _ in range(3)]
    dossiers = [submit_via_services(o, procedure) for o in owners]
    _book(dossiers[0], first)
    _book(dossiers[1], first)
    db.session.commit()
    assert first.places_left == 0
    with pytest.raises(SlotFull) as full:
        _book(dossiers[2], first)
    assert "hết chỗ" in full.value.message
    assert second.id in [s.id for s in full.value.alternatives]
    assert first.id not in [s.id for s in full.value.alternatives]
    db.session.rollback()

    # Moving to another slot frees the old place; booking the same slot again changes nothing.
    moved = _book(dossiers[0], second)
    _book(dossiers[0], second)
    db.session.commit()
    db.session.refresh(first)
    db.session.refresh(second)
    assert moved.slot_id == second.id
    assert (first.booked, second.booked) == (1, 1)
    _book(dossiers[2], first)
    db.session.commit()

    booking.cancel_pickup(moved)
    db.session.commit()
    db.session.refresh(second)
    assert second.booked == 0
    assert db.session.scalar(select(func.count()).select_from(Shipment)) == 2


def test_item_numbers_are_valid_and_never_repeat(app) -> None:  # type: ignore[no-untyped-def]
    numbers = [next_item_number("EA") for _ in range(20)]
    db.session.commit()
    assert numbers[0] == s10.item_number("EA", 1)
    assert len(set(numbers)) == 20
    assert all(s10.is_valid(n) for n in numbers)
    assert next_item_number("RR") == s10.item_number("RR", 1)


def test_parallel_bookings_of_the_last_places_never_exceed_capacity(
    app, backend, office, make_user, procedure
) -> None:  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip(
            "concurrency tests need PostgreSQL (SQLite serialises writers): "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run them"
        )
    slot = _slots(office)[1]
    slot.capacity = 5
    db.session.commit()
    dossier_ids = [
        submit_via_services(make_user(), procedure).id for _ in range(12)
    ]  # within the pool's 15 connections
    slot_id = slot.id
    barrier = threading.Barrier(len(dossier_ids), timeout=30)

    def attempt(dossier_id: int) -> str:
        with app.app_context():
            from app.dossiers.models import Dossier

            dossier = db.session.get(Dossier, dossier_id)
            target = db.session.get(PickupSlot, slot_id)
            barrier.wait()
            try:
                _book(dossier, target)
                db.session.commit()
                return "booked"
            except SlotFull as full:
                db.session.rollback()
                assert full.alternatives, "a full slot offers other slots"
                return "full"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(dossier_ids)) as pool:
        results = list(pool.map(attempt, dossier_ids))
    assert results.count("booked") == 5 and results.count("full") == 7
    db.session.expire_all()
    assert db.session.get(PickupSlot, slot_id).booked == 5
    assert db.session.scalar(select(func.count()).select_from(Shipment)) == 5


def test_slots_are_offered_from_the_templates_without_a_row_until_booked(
    office, make_user, procedure
) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    offered = offered_slots(office)
    # Not today, not the holiday; nothing is written to offer them.
    days = [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    assert [s.day for s in offered][:3] == days
    assert db.session.scalar(select(func.count()).select_from(PickupSlot)) == 0
    assert find_slot(office, offered[0].key) == offered[0]
    assert find_slot(office, "2026-11-25T09:00-11:00") is None  # no such window
    assert find_slot(office, "2026-11-24T08:00-11:00") is None  # the holiday

    # The first booking makes the slot's row; the next one finds it.
    first, second = (submit_via_services(make_user(), procedure, t) for t in ("a", "b"))
    _book(first, offered[0])
    _book(second, find_slot(office, offered[0].key))
    db.session.commit()
    (row,) = db.session.scalars(select(PickupSlot))
    assert (row.key, row.booked, row.capacity) == (offered[0].key, 2, 2)
    # Full: no longer offered, and booking it again is refused with the other slots.
    assert offered[0].key not in [s.key for s in offered_slots(office)]
    with pytest.raises(SlotFull) as full:
        _book(submit_via_services(make_user(), procedure, "c"), offered[0])
    assert [s.key for s in full.value.alternatives] == [s.key for s in offered_slots(office)]


def test_a_closed_day_is_not_offered_and_its_new_row_takes_no_place(
    office, make_user, procedure
) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    wednesday = offered_slots(office)[0]
    closure = close_day(office, wednesday.day)
    db.session.commit()
    assert wednesday.day not in {s.day for s in offered_slots(office)}
    assert find_slot(office, wednesday.key) is None
    # A page shown before the day was closed still names the slot: no place is taken.
    with pytest.raises(SlotFull):
        _book(submit_via_services(make_user(), procedure, "late"), wednesday)
    db.session.rollback()
    reopen_day(db.session.merge(closure))
    db.session.commit()
    assert offered_slots(office)[0] == wednesday


def test_parallel_first_bookings_of_a_slot_without_a_row_make_one_row(
    app, backend, office, make_user, procedure
) -> None:  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip(
            "concurrency tests need PostgreSQL (SQLite serialises writers): "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run them"
        )
    clock.freeze(MONDAY)
    for template in office.templates:
        template.capacity = 5
    db.session.commit()
    slot = offered_slots(office)[0]
    assert slot.id is None  # no row yet
    dossier_ids = [
        submit_via_services(make_user(), procedure).id for _ in range(12)
    ]  # within the pool's 15 connections
    barrier = threading.Barrier(len(dossier_ids), timeout=30)

    def attempt(dossier_id: int) -> str:
        with app.app_context():
            from app.dossiers.models import Dossier

            dossier = db.session.get(Dossier, dossier_id)
            barrier.wait()
            try:
                _book(dossier, slot)
                db.session.commit()
                return "booked"
            except SlotFull:
                db.session.rollback()
                return "full"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(dossier_ids)) as pool:
        results = list(pool.map(attempt, dossier_ids))
    assert results.count("booked") == 5 and results.count("full") == 7
    db.session.expire_all()
    (row,) = db.session.scalars(select(PickupSlot))
    assert (row.key, row.booked) == (slot.key, 5)
    assert db.session.scalar(select(func.count()).select_from(Shipment)) == 5
