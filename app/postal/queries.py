"""Read-only questions the post office asks: today's round, what to hand over, the day's cash."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.core.roles import POSTAL_ROLES
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.postal.flow import Leg
from app.postal.flow import ShipmentStatus as S
from app.postal.models import HandoverManifest, PostalPayment, PostOffice, Shipment

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
        elif self.worker.isdigit():
            stmt = stmt.where(Shipment.worker_id == int(self.worker))
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


def recent_manifests(office: PostOffice, limit: int = 20) -> list[HandoverManifest]:
    return list(
        db.session.scalars(
            select(HandoverManifest)
            .where(HandoverManifest.post_office_id == office.id)
            .order_by(HandoverManifest.id.desc())
            .limit(limit)
        )
    )


# --- the cash report ------------------------------------------------------------------------


@dataclass
class CashTotals:
    items: int = 0
    fee: int = 0
    postage: int = 0

    @property
    def total(self) -> int:
        return self.fee + self.postage

    def add(self, payment: PostalPayment) -> None:
        self.items += 1
        self.fee += payment.fee
        self.postage += payment.postage


@dataclass
class CashSummary:
    payments: list[PostalPayment]
    by_staff: dict[str, CashTotals] = field(default_factory=dict)
    by_procedure: dict[str, CashTotals] = field(default_factory=dict)
    all: CashTotals = field(default_factory=CashTotals)


def cash(office: PostOffice, first: date, last: date, staff_id: int | None) -> CashSummary:
    """What was taken at ``office`` from ``first`` to ``last`` (inclusive), by one member of
    staff or all of them: every receipt, and the sums by staff member and by procedure."""
    stmt = (
        select(PostalPayment)
        .where(
            PostalPayment.post_office_id == office.id,
            PostalPayment.at >= datetime.combine(first, time.min),
            PostalPayment.at <= datetime.combine(last, time.max),
        )
        .options(
            joinedload(PostalPayment.staff),
            joinedload(PostalPayment.procedure),
            joinedload(PostalPayment.dossier),
        )
        .order_by(PostalPayment.at, PostalPayment.id)
    )
    if staff_id is not None:
        stmt = stmt.where(PostalPayment.staff_id == staff_id)
    summary = CashSummary(list(db.session.scalars(stmt).unique()))
    for payment in summary.payments:
        summary.by_staff.setdefault(payment.staff.full_name, CashTotals()).add(payment)
        summary.by_procedure.setdefault(payment.procedure.name, CashTotals()).add(payment)
        summary.all.add(payment)
    return summary
