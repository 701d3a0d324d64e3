"""The A6 label stuck on the sealed envelope: the S10 item number big and as a barcode, and a
QR code to the public look-up page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.documents.postal.barcodes import code128_data_uri
from app.documents.postal.common import POSTAL_OPERATOR, render_one_page, short_time
from app.documents.receipt import qr_data_uri

TEMPLATE_LABEL = "pdf/postal/label.html"
LEG_TITLES = {
    "pickup": "Hồ sơ thủ tục hành chính",
    "return": "Kết quả giải quyết thủ tục hành chính",
}
LEG_HINTS = {
    "pickup": "Người dân gửi hồ sơ đến cơ quan giải quyết",
    "return": "Cơ quan giải quyết trả kết quả cho người dân",
}


@dataclass(frozen=True)
class PostalParty:
    """The sender or the addressee on a label."""

    name: str
    address: str
    phone: str = ""  # already masked by the caller where needed


@dataclass(frozen=True)
class PostalLabel:
    """The A6 portrait label stuck on the sealed envelope."""

    item_number: str  # UPU S10, e.g. "EA000000015VN": printed big and as a Code 128 barcode
    leg: str  # "pickup" (citizen -> agency) | "return" (agency -> citizen)
    dossier_code: str
    procedure_name: str
    sender: PostalParty
    addressee: PostalParty
    post_office: str  # the post office handling it
    lookup_url: str  # absolute URL of the public look-up page: printed as a QR code
    printed_at: datetime
    operator: str = POSTAL_OPERATOR

    def __post_init__(self) -> None:
        if self.leg not in LEG_TITLES:
            raise ValueError(f"Unknown leg {self.leg!r}")

    @property
    def leg_title(self) -> str:
        return LEG_TITLES[self.leg]

    @property
    def leg_hint(self) -> str:
        return LEG_HINTS[self.leg]

    @property
    def barcode_src(self) -> str:
        return code128_data_uri(self.item_number)

    @property
    def qr_src(self) -> str:
        return qr_data_uri(self.lookup_url)

    @property
    def printed_at_text(self) -> str:
        return short_time(self.printed_at)


def render_label(label: PostalLabel) -> bytes:
    """The label as an A6 portrait PDF, one page. Call inside a Flask application context."""
    return render_one_page(TEMPLATE_LABEL, label)
