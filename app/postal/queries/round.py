"""The post office's day: the round of pickups and deliveries, what to collect at each stop,
what waits at the counter, on the shelf and at the agencies, and the office's staff."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core.bounds import parse_id
from app.core.roles import POSTAL_ROLES
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.payments.operations.cash import amount_owed
from app.postal.flow import Leg
from app.postal.flow import ShipmentStatus as S
from app.postal.models import PostOffice, Shipment

DELIVERY_OPEN = (S.COLLECTED, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED)
# Every worker filter value besides a user id.
ANYONE, UNASSIGNED = "", "chua-giao"


@dataclass(frozen=True)
class DayFilter:
    day: date
    worker: str = ANYONE  # ANYONE, UNASSIGNED or a user id as text
    commune: str = ""

    def apply(self, stmt: Select) -> Select:
        if self.worker == UNASSIGNED:
            stmt = stmt.where(Shipment.worker_id.is_(None))
        elif parse_id(self.worker) is not None:
            stmt = stmt.where(Shipment.worker_id == parse_id(self.worker))
        if self.commune:
            stmt = stmt.where(Shipment.commune_code == self.commune)
        return stmt

    def as_args(self) -> dict[str, str]:
        args = {"ngay": self.day.isoformat(), "nhan-vien": self.worker, "xa": self.commune}
        return {k: v for k, v in args.items() if v}


def _shipments(stmt: Select) -> list[Shipment]:
    stmt = stmt.options(
        joinedload(Shipment.dossier).joinedload(Dossier.procedure),
        joinedload(Shipment.slot),
        joinedload(Shipment.worker),
    )
    return list(db.session.scalars(stmt).unique())


def _office(office: PostOffice) -> Select:
    return (
        select(Shipment)
        .join(Dossier, Dossier.id == Shipment.dossier_id)
        .where(Shipment.post_office_id == office.id, Dossier.status != DossierStatus.DRAFT)
    )


def pickups(office: PostOffice, filters: DayFilter) -> list[Shipment]:
    """Home pickups booked for the day, in time-window order, those already made included
    (the worker sees the round's progress; a sheet reprinted at noon still lists the morning)."""
    stmt = _office(office).where(
        Shipment.leg == Leg.PICKUP,
        Shipment.at_counter.is_(False),
        Shipment.planned_day == filters.day,
    )
    return sorted(
        _shipments(filters.apply(stmt)),
        key=lambda s: (s.slot.start if s.slot else time.min, s.commune_code, s.id),
    )


def counter_waiting(office: PostOffice) -> list[Shipment]:
    """Dossiers submitted at the counter whose papers the clerk has not checked yet."""
    return _shipments(
        _office(office)
        .where(Shipment.status == S.PICKUP_REQUESTED, Shipment.at_counter.is_(True))
        .order_by(Shipment.id)
    )


def deliveries(office: PostOffice, filters: DayFilter) -> list[Shipment]:
    """Results to deliver that day, and any left from earlier days (oldest first)."""
    stmt = _office(office).where(
        Shipment.leg == Leg.RETURN,
        Shipment.status.in_([s.value for s in DELIVERY_OPEN]),
        Shipment.planned_day <= filters.day,
    )
    return sorted(
        _shipments(filters.apply(stmt)), key=lambda s: (s.planned_day, s.commune_code, s.id)
    )


def held(office: PostOffice) -> list[Shipment]:
    return _shipments(
        _office(office).where(Shipment.status == S.HELD).order_by(Shipment.held_until, Shipment.id)
    )


def to_hand_over(office: PostOffice) -> dict[int, list[Shipment]]:
    """Collected papers not yet on a manifest, by receiving unit id."""
    by_unit: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in _shipments(
        _office(office).where(Shipment.status == S.PICKED_UP).order_by(Shipment.id)
    ):
        by_unit[shipment.dossier.receiving_unit_id].append(shipment)
    return dict(by_unit)


def results_waiting_at_agencies(office: PostOffice) -> list[Shipment]:
    return _shipments(
        _office(office).where(Shipment.status == S.RESULT_READY).order_by(Shipment.id)
    )


def office_staff(office: PostOffice) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.post_office_id == office.id,
                User.role.in_([r.value for r in POSTAL_ROLES]),
                User.is_active_account.is_(True),
            )
            .order_by(User.full_name)
        )
    )


def units_by_id(ids: Iterable[int]) -> dict[int, Unit]:
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(list(ids))))}


def expected_fee(dossier: Dossier) -> int:
    """The fee the worker takes with the papers: what the dossier owes, fixed at submission for
    its channel (DOMAIN.md §8: fees differ by channel), less what was paid since (a VietQR
    transfer, the counter); nothing once it is paid or waived. A draft booked before
    submission owes the post's fee."""
    if dossier.is_draft:
        return dossier.procedure.fee_for("post") if "post" in dossier.procedure.channels else 0
    return amount_owed(dossier)


def amount_to_collect(shipment: Shipment) -> int:
    """What the worker takes at the stop: the fee and postage with the papers, the postage of
    the return with the result (DOMAIN.md §8: postage is paid by the citizen)."""
    if shipment.leg == Leg.PICKUP:
        return expected_fee(shipment.dossier) + current_app.config["POSTAL_POSTAGE_PICKUP"]
    return current_app.config["POSTAL_POSTAGE_RETURN"]


def amounts(stops: Iterable[Shipment]) -> dict[int, int]:
    """What to collect at each stop: shipment id → đồng."""
    return {s.id: amount_to_collect(s) for s in stops}


def the_day(office: PostOffice, filters: DayFilter) -> dict[str, Any]:
    """Everything the office's day page lists, by the names the page uses."""
    pickups_ = pickups(office, filters)
    deliveries_ = deliveries(office, filters)
    waiting = to_hand_over(office)
    return {
        "pickups": pickups_,
        "deliveries": deliveries_,
        "counter": counter_waiting(office),
        "held": held(office),
        "to_hand_over": waiting,
        "units": units_by_id(waiting),
        "waiting_at_agencies": results_waiting_at_agencies(office),
        "staff": office_staff(office),
        "communes": sorted(
            {s.commune_code for s in pickups_ + deliveries_} | set(office.commune_codes)
        ),
        "amounts": amounts(pickups_ + deliveries_),
    }
