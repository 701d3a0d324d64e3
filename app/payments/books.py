"""The unit's books: what it collected over a day or a month, by procedure, by intake channel
and by method (SQL aggregates), the payments one by one, the refunds of the period, every
transfer into its collection account still waiting for an officer, and the cash the post office
took at the door that no officer has confirmed yet (``Payment.confirmed_at`` empty: the money is
still in the post office's hands until the hand-over record brings it with the papers).

A payment is in the books of the unit that received its dossier (``Payment.unit_id``), on the
day it was booked (``Payment.at``). The totals are sums in the database over the same rows the
lines list, so the report balances by construction; tests check it against a brute-force sum.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import joinedload

from app.catalogue.models import CollectionAccount, Procedure, Unit
from app.core.bounds import parse_day
from app.core.days import DaySpan
from app.core.errors import Invalid
from app.extensions import db
from app.payments.models import METHOD_LABELS, IncomingTransfer, Payment, Refund

# The intake channel a payment's dossier came by, as a column of the books.
CHANNEL_LABELS = {
    "online": "Trực tuyến",
    "counter": "Tại Bộ phận Một cửa",
    "post_pickup": "Bưu điện nhận tại nhà",
    "post_office": "Tại quầy bưu điện",
}
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)


@dataclass(frozen=True)
class Period(DaySpan):
    """From ``first`` to ``last`` inclusive: one day, or one calendar month."""

    first: date
    last: date
    monthly: bool

    @property
    def label(self) -> str:
        return f"tháng {self.first:%m/%Y}" if self.monthly else f"ngày {self.first:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.first:%Y-%m}" if self.monthly else f"{self.first:%Y-%m-%d}"

    def as_args(self) -> dict[str, str]:
        return {"thang": self.slug} if self.monthly else {"ngay": self.slug}


def month_of(day: date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(day.replace(day=1), day.replace(day=last), True)


def period_from(args: Any, today: date) -> Period:
    """The period a query string names (``thang=YYYY-MM`` or ``ngay=YYYY-MM-DD``), today by
    default; :class:`Invalid` for one that names no day or month."""
    month = (args.get("thang") or "").strip()
    if month:
        found = _MONTH.fullmatch(month)
        if found is None or not 1 <= int(found[2]) <= 12 or not 1900 <= int(found[1]) <= 2199:
            raise Invalid("Tháng chưa đúng: hãy chọn tháng theo dạng năm-tháng, ví dụ 2026-12.")
        return month_of(date(int(found[1]), int(found[2]), 1))
    raw = (args.get("ngay") or "").strip()
    day = parse_day(raw, "ngay") if raw else today
    if day is None:
        raise Invalid("Ngày chưa đúng: hãy chọn ngày theo dạng năm-tháng-ngày, ví dụ 2026-12-07.")
    return Period(day, day, False)


@dataclass(frozen=True)
class Group:
    """A subtotal: the payments of one procedure, one channel or one method."""

    key: str
    label: str
    items: int
    amount: int


@dataclass
class Books:
    unit: Unit
    period: Period
    items: int
    total: int
    by_procedure: list[Group]
    by_channel: list[Group]
    by_method: list[Group]
    payments: list[Payment]
    refunds: list[Refund]
    refunded: int
    unmatched: list[IncomingTransfer]
    # Post cash booked before the period's end and not yet confirmed, whatever its day.
    pending_post: list[Payment]

    @property
    def net(self) -> int:
        return self.total - self.refunded

    @property
    def pending_post_amount(self) -> int:
        return sum(p.amount for p in self.pending_post)

    @property
    def pending_ids(self) -> frozenset[int]:
        """The payments to mark "not confirmed" among the period's lines."""
        return frozenset(p.id for p in self.pending_post)

    @property
    def unmatched_amount(self) -> int:
        return sum(t.amount for t in self.unmatched)


def _in_books(unit: Unit, period: Period) -> ColumnElement[bool]:
    return (Payment.unit_id == unit.id) & (Payment.at >= period.start) & (Payment.at < period.end)


def _groups(stmt: Select[Any], labels: dict[str, str] | None = None) -> list[Group]:
    rows = db.session.execute(stmt).all()
    return [
        Group(str(key), (labels or {}).get(str(key), str(label)), int(items), int(amount))
        for key, label, items, amount in rows
    ]


def _grouped_by(unit: Unit, period: Period, key: Any, label: Any) -> Select[Any]:
    amount = func.sum(Payment.amount)
    return (
        select(key, label, func.count(Payment.id), amount)
        .where(_in_books(unit, period))
        .group_by(key, label)
        .order_by(amount.desc(), key)
    )


def unmatched_transfers(unit: Unit, before: datetime) -> list[IncomingTransfer]:
    """Transfers into the unit's collection account (or named for one of its dossiers) still
    waiting for an officer, received before ``before``."""
    account = db.session.scalar(
        select(CollectionAccount.account_number).where(CollectionAccount.unit_id == unit.id)
    )
    ours = IncomingTransfer.unit_id == unit.id
    if account:
        ours = or_(ours, IncomingTransfer.account_number == account)
    stmt = (
        select(IncomingTransfer)
        .where(ours, IncomingTransfer.state == "review", IncomingTransfer.received_at < before)
        .order_by(IncomingTransfer.received_at, IncomingTransfer.id)
    )
    return list(db.session.scalars(stmt))


def unconfirmed_post_cash(unit: Unit, before: datetime) -> list[Payment]:
    """Cash the post office took for the unit's dossiers before ``before`` that no officer has
    confirmed receiving on a hand-over record, oldest first."""
    return list(
        db.session.scalars(
            select(Payment)
            .where(
                Payment.unit_id == unit.id,
                Payment.method == "post",
                Payment.confirmed_at.is_(None),
                Payment.at < before,
            )
            .options(joinedload(Payment.dossier), joinedload(Payment.staff))
            .order_by(Payment.at, Payment.id)
        )
    )


def books(unit: Unit, period: Period) -> Books:
    """The unit's books for ``period``."""
    in_books = _in_books(unit, period)
    items, total = db.session.execute(
        select(func.count(Payment.id), func.coalesce(func.sum(Payment.amount), 0)).where(in_books)
    ).one()
    payments = db.session.scalars(
        select(Payment)
        .where(in_books)
        .options(
            joinedload(Payment.dossier), joinedload(Payment.procedure), joinedload(Payment.staff)
        )
        .order_by(Payment.at, Payment.id)
    ).all()
    refunds = db.session.scalars(
        select(Refund)
        .join(Payment, Refund.payment_id == Payment.id)
        .where(Payment.unit_id == unit.id, Refund.at >= period.start, Refund.at < period.end)
        .options(joinedload(Refund.payment).joinedload(Payment.dossier), joinedload(Refund.staff))
        .order_by(Refund.at, Refund.id)
    ).all()
    return Books(
        unit=unit,
        period=period,
        items=int(items),
        total=int(total),
        by_procedure=_groups(
            _grouped_by(unit, period, Procedure.id, Procedure.name)
            .select_from(Payment)
            .join(Procedure, Payment.procedure_id == Procedure.id)
        ),
        by_channel=_groups(
            _grouped_by(unit, period, Payment.channel, Payment.channel), CHANNEL_LABELS
        ),
        by_method=_groups(_grouped_by(unit, period, Payment.method, Payment.method), METHOD_LABELS),
        payments=list(payments),
        refunds=list(refunds),
        refunded=sum(r.amount for r in refunds),
        unmatched=unmatched_transfers(unit, period.end),
        pending_post=unconfirmed_post_cash(unit, period.end),
    )


def dossier_payments(dossier_id: int) -> list[Payment]:
    """The payments of one dossier, oldest first, with their refunds."""
    return list(
        db.session.scalars(
            select(Payment)
            .where(Payment.dossier_id == dossier_id)
            .options(joinedload(Payment.refund).joinedload(Refund.staff))
            .order_by(Payment.at, Payment.id)
        ).unique()
    )
