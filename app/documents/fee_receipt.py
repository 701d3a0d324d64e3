"""The fee receipt of a payment (biên lai thu phí, lệ phí): A5, or the 80 mm thermal roll.

One per payment, whatever brought the money (a VietQR transfer, cash at the one-stop counter,
cash the post office took at the door), numbered ``BLP-<unit>-<year>-<serial>`` by
app/payments, with the amount in figures and in words. Laid out by the documents layer's own
helpers: the forms' header and type (pdf/_form_header.html), the signature pair of the postal
papers, :func:`~app.documents.pdf.render_fitting` for A5 and
:func:`~app.documents.postal.thermal.render_thermal` for the roll; both are kept in the PDF
store (app/documents/store.py), so a receipt is rendered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.core.money_words import receipt_words
from app.documents.forms import FormHeader
from app.documents.pdf import render_fitting
from app.documents.postal.common import format_money
from app.documents.postal.thermal import render_thermal
from app.documents.receipt import format_vn_time

TEMPLATE_A5 = "pdf/fee_receipt_a5.html"
TEMPLATE_80MM = "pdf/fee_receipt_80mm.html"
LAYOUTS = {"a5": TEMPLATE_A5, "80mm": TEMPLATE_80MM}


@dataclass(frozen=True)
class PaymentReceipt:
    """What a fee receipt prints: plain data, never ORM objects."""

    header: FormHeader  # the receiving unit, the receipt number, the place and date
    receipt_number: str
    payer_name: str
    payer_address: str
    dossier_code: str
    procedure_name: str
    method_label: str  # "Tiền mặt tại Bộ phận Một cửa", …
    amount: int  # đồng
    paid_at: datetime
    staff_name: str  # who took the cash or matched the transfer; "" when automatic
    reference: str = ""  # the transfer's payment reference or bank reference, the post's receipt
    confirmation: str = ""  # cash by post: "Đã xác nhận khi nhận hồ sơ lúc …" or still to confirm

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError("a fee receipt is for a positive amount")

    @property
    def amount_text(self) -> str:
        return format_money(self.amount)

    @property
    def amount_in_words(self) -> str:
        return receipt_words(self.amount)

    @property
    def paid_at_text(self) -> str:
        return format_vn_time(self.paid_at)


def render_payment_receipt(doc: PaymentReceipt, layout: str = "a5") -> bytes:
    """The receipt as a PDF: ``"a5"`` (A5 portrait, one page) or ``"80mm"`` (thermal roll as tall
    as its content). Call inside a Flask application context."""
    try:
        template = LAYOUTS[layout]
    except KeyError:
        raise ValueError(f"Unknown layout {layout!r}: 'a5' or '80mm'") from None
    if layout == "80mm":
        return render_thermal(template, doc)
    return render_fitting(template, doc)
