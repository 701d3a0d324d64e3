"""Receipts printed by the post office: the fee receipt (A5 or 80 mm), and Mẫu 01 on the
80 mm thermal printer of the counter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.documents.pdf import render_fitting
from app.documents.postal.common import (
    POSTAL_OPERATOR,
    FeeAndPostage,
    amount_in_words,
    date_line,
)
from app.documents.postal.thermal import render_thermal
from app.documents.receipt import ReceiptDocument, format_vn_date, format_vn_time

TEMPLATE_FEE_RECEIPT_A5 = "pdf/postal/fee_receipt_a5.html"
TEMPLATE_FEE_RECEIPT_80MM = "pdf/postal/fee_receipt_80mm.html"
TEMPLATE_RECEIPT_80MM = "pdf/postal/receipt_01_80mm.html"
FEE_RECEIPT_LAYOUTS = {"a5": TEMPLATE_FEE_RECEIPT_A5, "80mm": TEMPLATE_FEE_RECEIPT_80MM}


@dataclass(frozen=True)
class FeeReceipt(FeeAndPostage):
    """ "Biên lai thu phí, lệ phí và cước dịch vụ bưu chính công ích".

    The procedure fee and the postage are separate lines, always (DOMAIN.md §8).
    """

    receipt_number: str
    post_office: str
    post_office_address: str
    payer_name: str
    payer_address: str
    dossier_code: str
    procedure_name: str
    receiving_unit: str
    item_number: str
    fee: int  # procedure fee (phí, lệ phí) in đồng
    postage: int  # postage in đồng
    collected_at: datetime
    staff_name: str
    operator: str = POSTAL_OPERATOR

    def __post_init__(self) -> None:
        if self.fee < 0 or self.postage < 0:
            raise ValueError("fee and postage cannot be negative")

    @property
    def total_in_words(self) -> str:
        return f"Bằng chữ: {amount_in_words(self.total)}"

    @property
    def collected_at_text(self) -> str:
        return format_vn_time(self.collected_at)

    @property
    def collected_date_text(self) -> str:
        return format_vn_date(self.collected_at)

    @property
    def date_line(self) -> str:
        return date_line(self.collected_at)


def render_fee_receipt(doc: FeeReceipt, layout: str = "a5") -> bytes:
    """The fee receipt as a PDF: ``"a5"`` (A5 portrait) or ``"80mm"`` (thermal roll, as tall
    as its content). Call inside a Flask application context."""
    try:
        template = FEE_RECEIPT_LAYOUTS[layout]
    except KeyError:
        raise ValueError(f"Unknown layout {layout!r}: 'a5' or '80mm'") from None
    if layout == "80mm":
        return render_thermal(template, doc)
    return render_fitting(template, doc)


def render_receipt_80mm(doc: ReceiptDocument) -> bytes:
    """Mẫu 01 for an 80 mm thermal printer, one page as tall as its content."""
    return render_thermal(TEMPLATE_RECEIPT_80MM, doc)
