"""Mẫu 01: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" (Circular 03/2025/TT-VPCP, Annex I).

The receipt handed to the applicant when a dossier is received, printed on A5. The
template gets a :class:`ReceiptDocument`: plain, already formatted and already masked
data, never ORM objects, so that rendering cannot lazily load anything and the full
personal ID number can never reach the page (DOMAIN.md §7: last 4 digits only).
"""

from __future__ import annotations

import base64
import functools
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import segno
from PIL import Image

if TYPE_CHECKING:
    from app.documents.fee import FeeInstructions

from app.documents.pdf import render_fitting

__all__ = [
    "ReceiptDocument",
    "ReceiptDocumentLine",
    "format_vn_date",
    "format_vn_time",
    "paper_consent_note",
    "sms_consent_note",
    "qr_data_uri",
    "qr_png",
    "qr_svg",
    "render_receipt",
]

TEMPLATE = "pdf/receipt_01.html"

# Pixels per QR module in the PNG the papers embed (see qr_png).
QR_PIXELS_PER_MODULE = 2

# Digits of the personal ID number a receipt may show.
_VISIBLE_ID_DIGITS = 4


def format_vn_date(d: date) -> str:
    """Date as written in administrative documents: ``ngày 23 tháng 11 năm 2026``.

    Per the rules for administrative documents (Decree 30/2020/NĐ-CP), a day below 10
    and the months 1 and 2 take a leading zero, other months do not:

    >>> format_vn_date(date(2026, 2, 5))
    'ngày 05 tháng 02 năm 2026'
    >>> format_vn_date(date(2026, 3, 15))
    'ngày 15 tháng 3 năm 2026'
    """
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def format_vn_time(dt: datetime) -> str:
    """Time and date: ``09 giờ 05 phút, ngày 23/11/2026``.

    >>> format_vn_time(datetime(2026, 11, 23, 9, 5))
    '09 giờ 05 phút, ngày 23/11/2026'
    """
    return f"{dt.hour:02d} giờ {dt.minute:02d} phút, ngày {dt:%d/%m/%Y}"


def paper_consent_note(helper_name: str, organisation: str) -> str:
    """The sentence a citizen signs on Mẫu 01 when someone filled the dossier in for them and
    the consent was given on paper (Law 91/2025/QH15: consent must be provable).

    >>> paper_consent_note("Lô Văn Pằn", "Tổ Bản Huồi Tụ")
    'Người dân đồng ý để Lô Văn Pằn (Tổ Bản Huồi Tụ) kê khai, nộp hồ sơ thay; ký xác nhận:'
    """
    helper = f"{helper_name} ({organisation})" if organisation else helper_name
    return f"Người dân đồng ý để {helper} kê khai, nộp hồ sơ thay; ký xác nhận:"


def sms_consent_note(at: datetime) -> str:
    """The record printed instead of a signature when the consent came back as an SMS code.

    >>> sms_consent_note(datetime(2026, 11, 23, 9, 5))
    'Người dân đã xác nhận đồng ý bằng mã gửi qua tin nhắn lúc 09:05 ngày 23/11/2026.'
    """
    return (
        f"Người dân đã xác nhận đồng ý bằng mã gửi qua tin nhắn lúc {at:%H:%M} ngày {at:%d/%m/%Y}."
    )


def qr_svg(url: str) -> str:
    """QR code (error correction level M) for ``url`` as a compact SVG document.

    No XML declaration, no fixed size (a ``viewBox`` instead, so CSS sizes it), with the
    SVG namespace so it also works as a ``data:`` URI. One user unit is one module.
    """
    qr = segno.make(url, error="m", micro=False, boost_error=False)
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        border=2,
        omitsize=True,
        svgclass=None,
        lineclass=None,
        dark="#000",
    )
    return out.getvalue().decode("utf-8")


def qr_png(url: str) -> bytes:
    """The same symbol as :func:`qr_svg` as a greyscale PNG, two pixels per module (~300 bytes).

    Printed papers draw it with ``image-rendering: pixelated``; a tenth of the bytes of the
    vector paths (issue 13: the vector QR cost ~1 KB of the receipt). Two pixels per module,
    not one: viewers and printers that smooth images anyway (poppler does) blur one-pixel
    modules into grey, and zbar then misses the symbol between 100 and 203 dpi; at two it
    reads every paper from 96 to 600 dpi, like the vector code did. Greyscale ("L"):
    WeasyPrint embeds it as DeviceGray, a third of the RGB it makes of a 1-bit image.
    """
    qr = segno.make(url, error="m", micro=False, boost_error=False)
    drawn = io.BytesIO()
    qr.save(drawn, kind="png", scale=QR_PIXELS_PER_MODULE, border=2, dark="#000", light="#fff")
    out = io.BytesIO()
    Image.open(io.BytesIO(drawn.getvalue())).convert("L").save(out, format="PNG", optimize=True)
    return out.getvalue()


@functools.lru_cache(maxsize=512)
def qr_data_uri(url: str) -> str:
    """:func:`qr_png` as a base64 ``data:image/png`` URI, for ``<img src>``. Remembered per
    URL: a stored paper's version is computed from its HTML on every download."""
    encoded = base64.b64encode(qr_png(url)).decode("ascii")
    return f"data:image/png;base64,{encoded}"


@dataclass(frozen=True)
class ReceiptDocumentLine:
    """One document of the dossier: name, form ("Bản chính" / "Bản sao"), copies."""

    name: str
    kind_label: str
    copies: int


@dataclass(frozen=True)
class ReceiptDocument:
    """Everything printed on Mẫu 01, already masked and labelled."""

    issuing_body_parent: str  # e.g. "UBND TỈNH NGHỆ AN"
    issuing_body: str  # the receiving unit's name, printed in the header
    number: str  # register number, e.g. "0118/TN"
    place: str  # "Nghệ An"
    issued_at: datetime
    dossier_code: str
    receiving_unit: str
    applicant_name: str
    applicant_address: str
    applicant_phone_masked: str
    applicant_email: str  # may be ""
    applicant_id_masked: str  # e.g. "********0123"
    procedure_name: str
    procedure_code: str
    documents: tuple[ReceiptDocumentLine, ...]
    number_of_sets: int
    processing_days: int
    received_at: datetime
    appointment_at: date
    return_channel_label: str
    return_address: str  # may be ""
    register_book: str  # e.g. "Sổ theo dõi hồ sơ năm 2026"
    register_number: int
    receiver_name: str  # e.g. "Hệ thống tiếp nhận trực tuyến"
    lookup_url: str  # absolute URL of /tra-cuu/<code>
    provisional: bool  # the appointment is provisional until an officer accepts
    # Filled in with help (a community team member): the citizen's consent to that help, printed
    # above the signatures. Consent on paper: the sentence of paper_consent_note(), and
    # consent_signature is True: the applicant's signature below signs it too. Consent by SMS
    # code: the one-line record of sms_consent_note(), nothing to sign.
    consent_note: str = ""
    consent_signature: bool = False
    # Papers still on their way to the unit: no date yet, the count starts on their arrival
    # (e.g. "Trong ngày, tính từ khi cơ quan nhận được giấy tờ"); printed instead of the date.
    appointment_pending: str = ""
    # A fee still to pay: item 7, how to pay it, with its VietQR code (app/documents/fee.py).
    fee: FeeInstructions | None = None

    def __post_init__(self) -> None:
        # Defence in depth: a receipt must never carry the full ID number.
        if sum(ch.isdigit() for ch in self.applicant_id_masked) > _VISIBLE_ID_DIGITS:
            raise ValueError("applicant_id_masked shows more than the last 4 digits")

    # Formatted values for the template (the template does no formatting of its own).

    @property
    def issued_date_text(self) -> str:
        return format_vn_date(self.issued_at)

    @property
    def received_at_text(self) -> str:
        return format_vn_time(self.received_at)

    @property
    def appointment_text(self) -> str:
        return self.appointment_pending or format_vn_date(self.appointment_at)

    @property
    def processing_time_text(self) -> str:
        """Item 3 of Mẫu 01: a same-day procedure is done "Trong ngày", not in 0 days."""
        if self.processing_days == 0:
            return "Trong ngày"
        return f"{self.processing_days} ngày làm việc"

    @property
    def qr_src(self) -> str:
        return qr_data_uri(self.lookup_url)

    @property
    def consent_sign_pointer(self) -> str:
        """Where the consent is signed: in the applicant's block, which says so too."""
        return "(Ký tại ô “Người nộp hồ sơ” dưới đây.)" if self.consent_signature else ""

    @property
    def applicant_sign_hint(self) -> str:
        if self.consent_signature:
            return "(Ký đồng ý và ghi rõ họ tên)"
        return "(Ký và ghi rõ họ tên)"


def render_receipt(doc: ReceiptDocument) -> bytes:
    """Mẫu 01 as an A5 PDF. Call inside a Flask application context.

    Laid out at the normal size first; if that takes more than one page (long document
    names, many documents), again with tighter type, and the tightest layout is kept
    even if it still needs a second page (the signatures are never split).
    """
    return render_fitting(TEMPLATE, doc)
