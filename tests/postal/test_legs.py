"""Both postal legs through the services, on SQLite and PostgreSQL.

Leg A: booked, collected (checklist, seal, fees, S10), dispatched on a manifest, confirmed item
by item by the officer; the deadline counts from that confirmation. Leg B: the result waits at
the agency, is handed to the post on a manifest, fails once, is delivered; or is held and goes
back to the agency after the holding period.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from helpers import booked_and_submitted, complete_draft, fee_settled
from sqlalchemy import func, select

from app.core import clock
from app.dossiers.models import DossierEvent
from app.dossiers.operations.intake import accept, withdraw
from app.dossiers.operations.processing import approve
from app.dossiers.statuses import DossierStatus
from app.dossiers.workflow import IllegalTransition
from app.extensions import db
from app.notifications.models import Notification
from app.postal import s10
from app.postal.errors import PostalError
from app.postal.flow import IllegalStep, Leg, ShipmentStatus
from app.postal.models import DeliveryAttempt, PostalPayment, Shipment
from app.postal.operations import booking, delivery, handover, pickup
from app.postal.queries import shipments
from app.postal.queries.agency import waiting_results
from app.postal.queries.round import expected_fee
from app.postal.queries.slots import offered_slots

MONDAY = datetime(2026, 11, 23, 9, 0)  # Tuesday 24/11 is a holiday (Vietnam Culture Day)
COMMUNE = "17329"


def _events(dossier) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        e.action
        for e in db.session.scalars(
            select(DossierEvent).filter_by(dossier_id=dossier.id).order_by(DossierEvent.id)
        )
    ]


def _sms(dossier) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        n.template
        for n in db.session.scalars(
            select(Notification).filter_by(dossier_id=dossier.id, channel="sms")
        )
    ]


def _booked_dossier(citizen, procedure, office, token="p1", return_channel="online"):  # type: ignore[no-untyped-def]
    dossier = booked_and_submitted(citizen, procedure, office, token, return_channel)
    return dossier, shipments.pickup_shipment(dossier).slot


def _counted(dossier, missing: set[str] = frozenset()):  # type: ignore[no-untyped-def]
    return [
        pickup.CountedDocument(d.code, present=d.code not in missing, kind="original")
        for d in dossier.procedure.documents
    ]


def test_a_booking_on_a_draft_is_announced_once_submitted(office, citizen, residence) -> None:  # type: ignore[no-untyped-def]
    dossier, slot = _booked_dossier(citizen, residence, office)
    assert slot.day == date(2026, 11, 25)  # not today, not the holiday
    assert dossier.intake_channel == "post_pickup"
    assert _events(dossier) == ["submitted", "pickup_booked"]
    assert _sms(dossier) == ["pickup_booked"]
    sms = db.session.scalar(select(Notification.body).filter_by(dossier_id=dossier.id))
    assert "08:00-11:00 25/11" in sms


def test_rescheduling_frees_the_place_and_is_told(office, citizen, residence) -> None:  # type: ignore[no-untyped-def]
    dossier, slot = _booked_dossier(citizen, residence, office)
    later = offered_slots(office)[1]
    booking.book_pickup(
        dossier, later, commune_code=COMMUNE, village="Bản Huồi Tụ", contact_phone=citizen.phone
    )
    db.session.commit()
    db.session.refresh(slot)
    moved_to = shipments.pickup_shipment(dossier).slot  # the offered slot got its row
    assert moved_to.key == later.key
    assert (slot.booked, moved_to.booked) == (0, 1)
    assert _events(dossier)[-1] == "pickup_rescheduled"
    assert _sms(dossier) == ["pickup_booked", "pickup_booked"]


def test_withdrawing_frees_the_booked_place(office, citizen, residence) -> None:  # type: ignore[no-untyped-def]
    dossier, slot = _booked_dossier(citizen, residence, office)
    withdraw(dossier, citizen)
    db.session.commit()
    db.session.refresh(slot)
    assert slot.booked == 0
    assert shipments.pickup_shipment(dossier) is None
    assert "pickup_cancelled" in _events(dossier)


def test_a_slot_of_another_office_is_refused(office, citizen, residence) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    dossier = complete_draft(citizen, residence, "x")
    slot = offered_slots(office)[0]
    with pytest.raises(PostalError):
        booking.book_pickup(
            dossier, slot, commune_code="16813", village="X", contact_phone="0912345678"
        )


def test_leg_a_collect_dispatch_confirm_then_the_deadline_counts_from_receipt(
    office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    dossier, _ = _booked_dossier(citizen, residence, office)
    shipment = shipments.pickup_shipment(dossier)

    # The officer cannot accept before the papers arrive.
    with pytest.raises(IllegalTransition):
        accept(dossier, officer)
    db.session.rollback()

    # Wednesday: the worker counts the papers; one optional document is not there, and the
    # required "giay_to_cho_o" is missing too: recorded, and the citizen is told.
    clock.freeze(datetime(2026, 11, 25, 9, 30))
    payment = pickup.collect(
        shipment,
        worker,
        _counted(dossier, missing={"giay_to_cho_o"}),
        seal_number="NP-000123",
        fee=expected_fee(dossier),
        postage=26000,
    )
    db.session.commit()
    assert shipment.status == ShipmentStatus.PICKED_UP
    assert s10.is_valid(shipment.item_number)
    assert shipment.item_number.startswith("EA") and shipment.item_number.endswith("VN")
    assert [d["code"] for d in shipment.missing_documents] == ["giay_to_cho_o"]
    assert (payment.fee, payment.postage) == (20000, 26000)
    assert payment.receipt_number == f"BL-{office.code}-{payment.id:07d}"
    assert "postal_picked_up" in _events(dossier)
    assert _sms(dossier)[-1] == "pickup_missing"

    # Collecting twice (a double tap) is refused by the state machine.
    with pytest.raises(IllegalStep):
        pickup.collect(shipment, worker, _counted(dossier), seal_number="X", fee=0, postage=0)
    db.session.rollback()

    # Thursday afternoon the worker hands it over; Friday 10:00 the officer confirms.
    clock.freeze(datetime(2026, 11, 26, 16, 0))
    manifest = pickup.dispatch(worker, dossier.receiving_unit, [shipment])
    db.session.commit()
    assert manifest.number == f"BBGN-{office.code}-{manifest.id:06d}"
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    clock.freeze(datetime(2026, 11, 27, 10, 0))
    pickup.confirm_manifest(manifest, officer, {manifest.items[0].id: (True, "")})
    db.session.commit()
    assert shipment.status == ShipmentStatus.HANDED_TO_AGENCY
    assert dossier.papers_received_at == datetime(2026, 11, 27, 10, 0)

    # The officer accepts on Monday: 7 working days count from Friday's receipt, not from
    # Monday and not from Wednesday's pickup: counting starts Fri 27/11, due Tue 8/12.
    clock.freeze(datetime(2026, 11, 30, 14, 0))
    fee_settled(dossier)
    accept(dossier, officer)
    db.session.commit()
    assert dossier.received_at == datetime(2026, 11, 27, 10, 0)
    assert dossier.counting_start == date(2026, 11, 27)
    assert dossier.due_date == date(2026, 12, 8)

    # Mẫu 06: the postal hand-over is the first hop, with its record standing in for signatures.
    from app.dossiers.official_forms import control_hops

    first = control_hops(dossier)[0]
    assert first.handed_by == f"Lê Thị Lan ({office.name})"
    assert first.received_by.startswith("Trần Văn Minh")
    assert first.note == f"Biên bản giao nhận {manifest.number}"


def test_an_item_flagged_missing_goes_back_on_the_post_office_list(
    office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    dossier, _ = _booked_dossier(citizen, residence, office)
    shipment = shipments.pickup_shipment(dossier)
    clock.freeze(datetime(2026, 11, 25, 9, 30))
    pickup.collect(shipment, worker, _counted(dossier), seal_number="NP-1", fee=0, postage=0)
    manifest = pickup.dispatch(worker, dossier.receiving_unit, [shipment])
    db.session.commit()
    with pytest.raises(PostalError):
        pickup.confirm_manifest(manifest, officer, {})  # every item must be decided
    pickup.confirm_manifest(
        manifest, officer, {manifest.items[0].id: (False, "Không có trong túi")}
    )
    db.session.commit()
    assert shipment.status == ShipmentStatus.PICKED_UP
    assert manifest.items[0].received is False
    assert dossier.papers_received_at is None
    hidden = db.session.scalar(
        select(DossierEvent).filter_by(dossier_id=dossier.id, action="postal_not_received")
    )
    assert hidden.internal  # settled between the post and the agency
    # It can be brought again on a new manifest.
    again = pickup.dispatch(worker, dossier.receiving_unit, [shipment])
    db.session.commit()
    assert again.id != manifest.id and shipment.status == ShipmentStatus.IN_TRANSIT


def test_a_worker_of_another_office_cannot_touch_the_item(
    office, make_user, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    from app.core.roles import Role
    from app.postal.models import PostOffice

    other = PostOffice(code="463200", name="Bưu điện khác")
    db.session.add(other)
    db.session.commit()
    stranger = make_user(role=Role.POSTAL, post_office_id=other.id)
    dossier, _ = _booked_dossier(citizen, residence, office)
    with pytest.raises(PostalError):
        pickup.collect(
            shipments.pickup_shipment(dossier),
            stranger,
            _counted(dossier),
            seal_number="X",
            fee=0,
            postage=0,
        )


def _result_by_post(office, worker, officer, specialist_user, citizen, residence):  # type: ignore[no-untyped-def]
    dossier, _ = _booked_dossier(citizen, residence, office, return_channel="post")
    shipment = shipments.pickup_shipment(dossier)
    clock.freeze(datetime(2026, 11, 25, 9, 30))
    pickup.collect(
        shipment, worker, _counted(dossier), seal_number="NP-1", fee=20000, postage=26000
    )
    manifest = pickup.dispatch(worker, dossier.receiving_unit, [shipment])
    pickup.confirm_manifest(manifest, officer, {manifest.items[0].id: (True, "")})
    fee_settled(dossier)
    accept(dossier, officer)
    clock.freeze(datetime(2026, 12, 2, 9, 0))
    approve(dossier, officer, result_kind="paper", note="Đã đăng ký thường trú")
    db.session.commit()
    return dossier


def test_leg_b_hand_over_fail_once_then_deliver(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    dossier = _result_by_post(office, worker, officer, None, citizen, residence)
    back = shipments.shipment_of(dossier, Leg.RETURN)
    assert back.status == ShipmentStatus.RESULT_READY
    assert back.post_office_id == office.id
    assert [s.id for s in waiting_results(officer.unit_ids)] == [back.id]

    manifest = handover.hand_results_to_post(officer, worker, [back])
    db.session.commit()
    assert manifest.direction == "from_agency"
    assert dossier.status == DossierStatus.RETURNED and dossier.returned_via == "post"
    assert dossier.on_time is True
    assert back.status == ShipmentStatus.COLLECTED and s10.is_valid(back.item_number)
    assert back.item_number != shipments.pickup_shipment(dossier).item_number

    delivery.out_for_delivery(back, worker)
    db.session.commit()
    assert _sms(dossier)[-1] == "out_for_delivery"
    held = delivery.fail(back, worker, reason="nobody_home", note="Gọi không nghe máy")
    db.session.commit()
    assert held is False and back.status == ShipmentStatus.DELIVERY_FAILED
    assert back.planned_day == date(2026, 12, 3)

    clock.freeze(datetime(2026, 12, 3, 10, 0))
    delivery.out_for_delivery(back, worker)
    with pytest.raises(PostalError):
        delivery.deliver(
            back, worker, recipient_name="Lò Văn Hùng", relation="family", id_checked=False
        )
    payment = delivery.deliver(
        back,
        worker,
        recipient_name="Lò Văn Hùng",
        relation="family",
        id_checked=True,
        postage=26000,
    )
    db.session.commit()
    assert back.status == ShipmentStatus.DELIVERED
    assert [a.outcome for a in back.attempts] == ["failed", "delivered"]
    assert back.attempts[1].recipient_relation == "family" and back.attempts[1].id_checked
    assert payment.postage == 26000 and payment.fee == 0
    timeline = _events(dossier)
    for action in (
        "postal_picked_up",
        "postal_in_transit",
        "postal_handed_to_agency",
        "postal_result_collected",
        "postal_out_for_delivery",
        "postal_delivery_failed",
        "postal_delivered",
    ):
        assert action in timeline, action
    assert db.session.scalar(select(func.count()).select_from(PostalPayment)) == 2


def test_attempts_exhausted_hold_then_back_to_the_agency(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    app.config["POSTAL_DELIVERY_ATTEMPTS"] = 2
    app.config["POSTAL_HOLD_DAYS"] = 3
    dossier = _result_by_post(office, worker, officer, None, citizen, residence)
    back = shipments.shipment_of(dossier, Leg.RETURN)
    handover.hand_results_to_post(officer, worker, [back])
    for day in (2, 3):
        clock.freeze(datetime(2026, 12, day, 10, 0))
        delivery.out_for_delivery(back, worker)
        held = delivery.fail(back, worker, reason="wrong_address")
    db.session.commit()
    assert held is True and back.status == ShipmentStatus.HELD
    assert back.held_until == date(2026, 12, 8)  # 3 working days after Thursday 3/12
    assert _sms(dossier)[-1] == "held_at_post_office"
    with pytest.raises(PostalError):
        delivery.return_to_agency(back, worker, today=date(2026, 12, 8))
    delivery.return_to_agency(back, worker, today=date(2026, 12, 9))
    db.session.commit()
    assert back.status == ShipmentStatus.RETURNED_TO_AGENCY
    assert db.session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 2


def test_two_workers_collecting_the_same_item_at_once_record_it_once(
    app, backend, office, worker, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    """The guarded UPDATE: of several concurrent "collect" taps, exactly one is recorded."""
    if backend != "postgresql":
        pytest.skip(
            "concurrency tests need PostgreSQL (SQLite serialises writers): "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run them"
        )
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from app.accounts.models import User

    dossier, _ = _booked_dossier(citizen, residence, office)
    shipment_id, worker_id, dossier_id = (
        shipments.pickup_shipment(dossier).id,
        worker.id,
        dossier.id,
    )
    barrier = threading.Barrier(4, timeout=30)

    def tap(n: int) -> str:
        with app.app_context():
            shipment = db.session.get(Shipment, shipment_id)
            who = db.session.get(User, worker_id)
            counted = _counted(shipment.dossier)
            barrier.wait()
            try:
                pickup.collect(shipment, who, counted, seal_number=f"NP-{n}", fee=0, postage=0)
                db.session.commit()
                return "collected"
            except IllegalStep as refused:
                db.session.rollback()
                return refused.code
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(tap, range(4)))
    assert sorted(results) == ["collected", "conflict", "conflict", "conflict"]
    db.session.expire_all()
    events = db.session.scalars(
        select(DossierEvent).filter_by(dossier_id=dossier_id, action="postal_picked_up")
    ).all()
    assert len(events) == 1
    shipment = db.session.get(Shipment, shipment_id)
    assert events[0].data["item_number"] == shipment.item_number
