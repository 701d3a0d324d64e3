"""The unit's collection report for a day or a month (báo cáo thu phí, lệ phí), A4: the
totals by procedure, by intake channel and by method (VietQR transfer, cash at the counter,
cash by post), every receipt, the refunds of the period, the transfers still unmatched and the
cash the post office took but the unit has not confirmed receiving (still in its hands).

The payments domain fills :class:`CollectionReport` from its books (app/payments/books.py);
the printed totals are sums of the lines given, never a number passed in beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.documents.pdf import render_pdf
from app.documents.postal.common import (
    Amount,
    DayRange,
    Timed,
    amount_in_words,
    format_money,
    short_time,
)

TEMPLATE_COLLECTION_REPORT = "pdf/collection_report.html"


@dataclass(frozen=True)
class CollectionGroup(Amount):
    """A subtotal: one procedure, one channel or one method."""

    label: str
    items: int
    amount: int


@dataclass(frozen=True)
class CollectionLine(Timed, Amount):
    """One fee receipt of the period."""

    receipt_number: str
    at: datetime
    dossier_code: str
    procedure_name: str
    channel_label: str
    method_label: str
    amount: int
    unconfirmed: bool = False  # post cash the unit has not confirmed receiving


@dataclass(frozen=True)
class RefundLine(Timed, Amount):
    """Money given back during the period: who, when, why, how much."""

    receipt_number: str
    dossier_code: str
    at: datetime
    staff_name: str
    reason: str
    amount: int


@dataclass(frozen=True)
class TransferLine(Timed, Amount):
    """A transfer into the unit's account that no dossier took yet."""

    at: datetime  # when the bank reported it
    bank: str
    content: str
    problem: str
    amount: int


@dataclass(frozen=True)
class PostCashLine(Timed, Amount):
    """Cash a post worker took for a dossier, not yet confirmed by the unit's officer."""

    receipt_number: str
    at: datetime
    dossier_code: str
    worker_name: str
    amount: int


@dataclass(frozen=True)
class CollectionReport(DayRange):
    unit: str
    period_label: str  # "ngày 07/12/2026" | "tháng 12/2026"
    day_from: date
    day_to: date
    by_procedure: tuple[CollectionGroup, ...]
    by_channel: tuple[CollectionGroup, ...]
    by_method: tuple[CollectionGroup, ...]
    lines: tuple[CollectionLine, ...]
    refunds: tuple[RefundLine, ...]
    unmatched: tuple[TransferLine, ...]
    printed_at: datetime
    pending_post: tuple[PostCashLine, ...] = ()

    @property
    def items(self) -> int:
        return len(self.lines)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def refunded(self) -> int:
        return sum(line.amount for line in self.refunds)

    @property
    def unmatched_amount(self) -> int:
        return sum(line.amount for line in self.unmatched)

    @property
    def pending_post_amount(self) -> int:
        return sum(line.amount for line in self.pending_post)

    @property
    def pending_post_text(self) -> str:
        return format_money(self.pending_post_amount)

    @property
    def total_text(self) -> str:
        return format_money(self.total)

    @property
    def refunded_text(self) -> str:
        return format_money(self.refunded)

    @property
    def net_text(self) -> str:
        return format_money(self.total - self.refunded)

    @property
    def unmatched_text(self) -> str:
        return format_money(self.unmatched_amount)

    @property
    def total_in_words(self) -> str:
        return f"Bằng chữ: {amount_in_words(self.total)}"

    @property
    def printed_at_text(self) -> str:
        return short_time(self.printed_at)


def render_collection_report(doc: CollectionReport) -> bytes:
    """The collection report as an A4 portrait PDF (not stored: it prints when it was made)."""
    return render_pdf(TEMPLATE_COLLECTION_REPORT, doc, stored=False)
