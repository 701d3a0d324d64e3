"""How to pay a dossier's fee, as the papers print it (Mẫu 01, the volunteer's guide) and the
payment page shows it: the amount, when it is due, the unit's account and the dossier's
payment reference as text for people who type them, and the VietQR code for those who scan
(DOMAIN.md §8). Plain data, built by app/dossiers/fees.py; no ORM object reaches a template.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.documents.postal.common import format_money
from app.documents.receipt import qr_data_uri, qr_svg

__all__ = ["FeeInstructions"]


@dataclass(frozen=True)
class FeeInstructions:
    amount: int  # đồng
    reference: str  # the payment reference (app/core/payref.py), e.g. "MC7K3P9QXB"
    timing: str  # "Nộp phí, lệ phí trước khi …"
    cash_place: str  # where cash is taken, e.g. the unit's name and address
    bank_name: str = ""  # "" when the unit has no collection account: cash only
    account_number: str = ""
    account_name: str = ""
    payload: str = ""  # the VietQR text; "" without an account

    @property
    def amount_text(self) -> str:
        return format_money(self.amount).replace(" đ", " đồng")

    @property
    def by_transfer(self) -> bool:
        return bool(self.payload)

    @property
    def bank_short(self) -> str:
        """``Agribank`` of ``Agribank (Ngân hàng Nông nghiệp …)``."""
        return self.bank_name.split(" (")[0]

    @property
    def reference_spaced(self) -> str:
        """The reference in groups, easier to read aloud and copy: ``MC 7K3P 9QXB``."""
        ref = self.reference
        return f"{ref[:2]} {ref[2:6]} {ref[6:]}" if len(ref) == 10 else ref

    @property
    def qr_src(self) -> str:
        """The VietQR code as a small PNG ``data:`` URI, for the printed papers."""
        return qr_data_uri(self.payload) if self.payload else ""

    @property
    def qr_svg(self) -> str:
        """The VietQR code as an inline SVG document, for the payment page."""
        return qr_svg(self.payload) if self.payload else ""
