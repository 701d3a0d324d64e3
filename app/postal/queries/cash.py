"""The cash report: what a post office took over a period, by staff member and by procedure;
and the fee cash a hand-over record brings to the agency with the papers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.payments.models import Payment
from app.postal.models import HandoverManifest, PostalPayment, PostOffice


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


@dataclass
class HandedCash:
    """The fee cash that travels with the papers on a hand-over record to the agency: per
    shipment, the dossier's payments the post worker took (``Payment`` with method "post",
    linked to the post office's receipt), and their total."""

    by_shipment: dict[int, list[Payment]] = field(default_factory=dict)

    def of(self, shipment_id: int) -> list[Payment]:
        return self.by_shipment.get(shipment_id, [])

    def amount_of(self, shipment_id: int) -> int:
        return sum(p.amount for p in self.of(shipment_id))

    @property
    def total(self) -> int:
        return sum(p.amount for rows in self.by_shipment.values() for p in rows)

    @property
    def receipts(self) -> int:
        return sum(len(rows) for rows in self.by_shipment.values())


def handed_cash(manifest: HandoverManifest) -> HandedCash:
    """The fee cash of ``manifest``'s items (none for results going to the post office)."""
    ids = [item.shipment_id for item in manifest.items]
    if manifest.direction != "to_agency" or not ids:
        return HandedCash()
    rows = db.session.execute(
        select(PostalPayment.shipment_id, Payment)
        .join(Payment, Payment.postal_payment_id == PostalPayment.id)
        .where(PostalPayment.shipment_id.in_(ids), Payment.method == "post")
        .order_by(Payment.at, Payment.id)
    ).all()
    found = HandedCash()
    for shipment_id, payment in rows:
        found.by_shipment.setdefault(shipment_id, []).append(payment)
    return found
