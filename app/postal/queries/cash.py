"""The cash report: what a post office took over a period, by staff member and by procedure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.postal.models import PostalPayment, PostOffice


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
