"""The post office's cash report for a day or a period: every receipt, and the sums by staff
member and by procedure, A4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.documents.pdf import render_pdf
from app.documents.postal.common import (
    POSTAL_OPERATOR,
    DayRange,
    FeeAndPostage,
    Timed,
    amount_in_words,
    short_time,
)

TEMPLATE_CASH_REPORT = "pdf/postal/cash_report.html"


@dataclass(frozen=True)
class CashLine(Timed, FeeAndPostage):
    """One receipt of the period."""

    receipt_number: str
    at: datetime
    dossier_code: str
    procedure_name: str
    staff_name: str
    fee: int
    postage: int


@dataclass(frozen=True)
class CashGroup(FeeAndPostage):
    """A subtotal: by staff member or by procedure."""

    label: str  # a staff member's name, or a procedure's name
    items: int
    fee: int
    postage: int


@dataclass(frozen=True)
class CashReport(DayRange, FeeAndPostage):
    """The end-of-day cash report, A4. Totals are the sums of ``lines``."""

    post_office: str
    day_from: date
    day_to: date
    staff_label: str  # "Tất cả nhân viên" or one name
    by_staff: tuple[CashGroup, ...]
    by_procedure: tuple[CashGroup, ...]
    lines: tuple[CashLine, ...]
    printed_at: datetime
    operator: str = POSTAL_OPERATOR

    @property
    def items(self) -> int:
        return len(self.lines)

    @property
    def fee(self) -> int:
        return sum(line.fee for line in self.lines)

    @property
    def postage(self) -> int:
        return sum(line.postage for line in self.lines)

    @property
    def total_in_words(self) -> str:
        return f"Bằng chữ: {amount_in_words(self.total)}"

    @property
    def printed_at_text(self) -> str:
        return short_time(self.printed_at)


def render_cash_report(doc: CashReport) -> bytes:
    """The cash report as an A4 portrait PDF (further pages for a long period)."""
    return render_pdf(TEMPLATE_CASH_REPORT, doc, stored=False)
