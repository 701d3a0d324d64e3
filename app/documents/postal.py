"""Printed documents of the public postal service (Decision 45/2016/QĐ-TTg, DOMAIN.md §6, §8).

- :class:`PostalLabel`: the A6 label stuck on the sealed envelope, with the UPU S10 item
  number printed big and as a Code 128 barcode, and a QR code to the public look-up page.
- :class:`DocumentList`: "Danh mục giấy tờ", the papers counted with the citizen, originals
  and copies marked, signed by the postal worker and the citizen (Leg A, steps 1–3), A5.
- :class:`FeeReceipt`: "Biên lai thu phí, lệ phí và cước dịch vụ bưu chính công ích", on A5
  or on an 80 mm thermal roll; the procedure fee and the postage are always separate lines.
- :func:`render_receipt_80mm`: Mẫu 01 (:class:`~app.documents.receipt.ReceiptDocument`) on
  an 80 mm thermal roll, for the post office counter.
- :class:`RouteSheet`: the postal worker's round for one day, A4.
- :class:`ManifestDocument`: "Biên bản giao nhận" between the post office and the receiving
  unit (Leg A step 5 and Leg B), A4.
- :class:`CashReport`: the post office's end-of-day cash report, A4.

As for the one-stop forms, templates get frozen dataclasses of plain, already formatted and
already masked data, never ORM objects; every value the templates print comes from a field or
a property here (the templates do no formatting of their own). Nothing is fetched: the barcode
and the QR code are ``data:`` URIs of SVG documents, drawn by WeasyPrint as vector paths.

A thermal roll is cut after the content, so an 80 mm document is laid out twice: once on a
very tall page to find where its end marker lands, then on a page exactly that tall (see
:func:`layout_thermal`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from barcode import Code128
from barcode.writer import SVGWriter
from weasyprint.document import Document

from app.documents.pdf import DENSITIES, render_document, render_fitting, render_pdf
from app.documents.receipt import ReceiptDocument, format_vn_date, format_vn_time, qr_data_uri

__all__ = [
    "CashGroup",
    "CashLine",
    "CashReport",
    "CountedLine",
    "DocumentList",
    "FeeReceipt",
    "ManifestDocument",
    "ManifestLine",
    "PostalLabel",
    "PostalParty",
    "RouteSheet",
    "RouteStop",
    "amount_in_words",
    "code128_data_uri",
    "code128_svg",
    "format_money",
    "layout_thermal",
    "number_in_words",
    "render_cash_report",
    "render_document_list",
    "render_fee_receipt",
    "render_label",
    "render_manifest",
    "render_receipt_80mm",
    "render_route_sheet",
]

TEMPLATE_LABEL = "pdf/postal/label.html"
TEMPLATE_DOCUMENT_LIST = "pdf/postal/document_list.html"
TEMPLATE_FEE_RECEIPT_A5 = "pdf/postal/fee_receipt_a5.html"
TEMPLATE_FEE_RECEIPT_80MM = "pdf/postal/fee_receipt_80mm.html"
TEMPLATE_RECEIPT_80MM = "pdf/postal/receipt_01_80mm.html"
TEMPLATE_ROUTE_SHEET = "pdf/postal/route_sheet.html"
TEMPLATE_MANIFEST = "pdf/postal/manifest.html"
TEMPLATE_CASH_REPORT = "pdf/postal/cash_report.html"

# The only designated public postal operator (Decision 45/2016/QĐ-TTg, DOMAIN.md §6).
POSTAL_OPERATOR = "Tổng công ty Bưu điện Việt Nam"

# Digits of the personal ID number a document may show (DOMAIN.md §7).
_VISIBLE_ID_DIGITS = 4

ORIGINAL = "Bản chính"
COPY = "Bản sao"

LEG_TITLES = {
    "pickup": "Hồ sơ thủ tục hành chính",
    "return": "Kết quả giải quyết thủ tục hành chính",
}
LEG_HINTS = {
    "pickup": "Người dân gửi hồ sơ đến cơ quan giải quyết",
    "return": "Cơ quan giải quyết trả kết quả cho người dân",
}
STOP_KINDS = {"pickup": "Nhận hồ sơ", "delivery": "Phát kết quả"}
MANIFEST_TITLES = {
    "to_agency": "Biên bản giao nhận hồ sơ thủ tục hành chính",
    "from_agency": "Biên bản giao nhận kết quả giải quyết thủ tục hành chính",
}
FEE_RECEIPT_LAYOUTS = {"a5": TEMPLATE_FEE_RECEIPT_A5, "80mm": TEMPLATE_FEE_RECEIPT_80MM}
_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


# --- formatting ----------------------------------------------------------------------------


def format_money(amount: int) -> str:
    """An amount in đồng as printed on receipts: ``135.000 đ``; zero is ``0 đ``.

    The format of the pages' ``money`` filter (app/templating.py), except that a receipt
    prints a number where the catalogue page says "Miễn phí".
    """
    return f"{amount:,}".replace(",", ".") + " đ"


_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUP_WORDS = ("", "nghìn", "triệu")


def _hundreds_words(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads a zero hundreds digit ("không trăm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGIT_WORDS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGIT_WORDS[units])
    return words


def _words(n: int, full: bool) -> list[str]:
    """Words for 0 < n; groups of three digits, "tỷ" repeats (một nghìn tỷ, …)."""
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        return [*_words(high, full), "tỷ", *(_words(low, True) if low else [])]
    words: list[str] = []
    for power in (2, 1, 0):
        group = n // 1000**power % 1000
        if group:
            words += _hundreds_words(group, full or bool(words))
            if _GROUP_WORDS[power]:
                words.append(_GROUP_WORDS[power])
    return words


def number_in_words(n: int) -> str:
    """A whole number in Vietnamese words, as written on receipts and invoices.

    Written here rather than taken from num2words 0.5.14 (lang "vi"), which reads 1015 as
    "một nghìn lẻ mười lăm" and 2021000 as "hai triệu hai mươi mốt nghìn": after the first
    group every group is read in full ("một nghìn không trăm mười lăm", "hai triệu không trăm
    hai mươi mốt nghìn"), "linh" only stands before a lone unit digit, and 1 after "mươi" is
    "mốt", 5 after a tens digit "lăm".

    >>> number_in_words(135000)
    'một trăm ba mươi lăm nghìn'
    >>> number_in_words(1015)
    'một nghìn không trăm mười lăm'
    """
    if n < 0:
        raise ValueError("a negative amount has no reading on a receipt")
    if n == 0:
        return "không"
    return " ".join(_words(n, False))


def amount_in_words(amount: int) -> str:
    """``Một trăm ba mươi lăm nghìn đồng`` (capitalised, with the currency)."""
    text = number_in_words(amount)
    return f"{text[0].upper()}{text[1:]} đồng"


def _short_time(dt: datetime) -> str:
    """``09:05, 23/11/2026``, the pages' ``vn_datetime`` format."""
    return f"{dt:%H:%M, %d/%m/%Y}"


def _day_text(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def _date_line(d: date) -> str:
    """``Ngày 23 tháng 11 năm 2026``: the date line of a header without a place name."""
    text = format_vn_date(d)
    return text[0].upper() + text[1:]


def _check_masked_id(value: str, field: str) -> None:
    # Defence in depth: a printed document must never carry the full ID number.
    if sum(ch.isdigit() for ch in value) > _VISIBLE_ID_DIGITS:
        raise ValueError(f"{field} shows more than the last 4 digits")


# --- barcode ---------------------------------------------------------------------------------

# Module (narrowest bar) width and bar height. 0.375 mm is 3 dots of a 203 dpi label printer;
# the quiet zone on each side is 10 modules (ISO/IEC 15417) and a little more.
BARCODE_MODULE_MM = 0.375
BARCODE_HEIGHT_MM = 14.0
BARCODE_QUIET_MM = 4.0


def code128_svg(value: str, *, height_mm: float = BARCODE_HEIGHT_MM) -> str:
    """Code 128 symbol of ``value`` as an SVG document sized in millimetres, without text.

    The human-readable number is printed by the template, in a larger type than the
    writer's. Raises ``barcode.errors.IllegalCharacterError`` for characters Code 128 has not.
    """
    # A new symbol on every call: python-barcode keeps the character set its last build
    # ended in on the instance, so a fresh one keeps every build independent of the last.
    symbol = Code128(value, writer=SVGWriter())
    svg = symbol.render(
        {
            "module_width": BARCODE_MODULE_MM,
            "module_height": height_mm,
            "quiet_zone": BARCODE_QUIET_MM,
            "margin_top": 0,
            "margin_bottom": 0,
            "write_text": False,
            "background": "white",
            "foreground": "black",
            # `compress` makes the writer return compact XML (no pretty-printing); nothing
            # is gzipped since nothing is saved to a file.
            "compress": True,
            "with_doctype": False,
        }
    )
    return svg.decode("utf-8")


def code128_data_uri(value: str, *, height_mm: float = BARCODE_HEIGHT_MM) -> str:
    """:func:`code128_svg` as a base64 ``data:image/svg+xml`` URI, for ``<img src>``."""
    encoded = base64.b64encode(code128_svg(value, height_mm=height_mm).encode("utf-8"))
    return f"data:image/svg+xml;base64,{encoded.decode('ascii')}"


# --- 80 mm thermal roll --------------------------------------------------------------------

# The first layout's page: far taller than any receipt, so the content is never broken.
THERMAL_PROBE_HEIGHT_MM = 2000.0
# The page's bottom margin, and paper fed after it before the cut.
THERMAL_BOTTOM_MARGIN_MM = 5.0
THERMAL_SLACK_MM = 1.0
# The id of the empty element every 80 mm template ends with (pdf/postal/_thermal.html).
THERMAL_END = "roll-end"
_MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels


def layout_thermal(template_name: str, context: object) -> Document:
    """Lay ``template_name`` out for an 80 mm roll, on one page as tall as its content.

    The template sizes its page with ``page_height_mm`` and ends with the ``roll-end`` marker.
    First pass: a very tall page; the marker's anchor (``Page.anchors``: its position from the
    page's top edge) is how far the content reaches. Second pass: that height plus the bottom
    margin. Should rounding still push a line over (it should not), a few millimetres are
    added until the document is one page. Needs a Flask application context.
    """
    sizes = {"bottom_margin_mm": THERMAL_BOTTOM_MARGIN_MM}
    probe = render_document(template_name, context, page_height_mm=THERMAL_PROBE_HEIGHT_MM, **sizes)
    if len(probe.pages) > 1:  # longer than two metres: nothing sensible to measure
        return probe
    content_px = probe.pages[0].anchors[THERMAL_END][1]
    height_mm = content_px * _MM_PER_PX + THERMAL_BOTTOM_MARGIN_MM + THERMAL_SLACK_MM
    for _ in range(4):
        document = render_document(
            template_name, context, page_height_mm=round(height_mm, 2), **sizes
        )
        if len(document.pages) == 1:
            return document
        height_mm += 3.0
    return probe


def _render_thermal(template_name: str, context: object) -> bytes:
    return layout_thermal(template_name, context).write_pdf()


# --- one page whatever the length ----------------------------------------------------------

# The label and the document list go on the envelope and are signed: they must stay one page.
# Beyond the forms' densities (0–2) their templates have two tighter steps (smaller margins
# and type, the missing papers run on in one paragraph).
ONE_PAGE_DENSITIES = (*DENSITIES, 3, 4)


def _render_one_page(template_name: str, context: object) -> bytes:
    """As :func:`~app.documents.pdf.render_fitting`, with the two extra densities."""
    for density in ONE_PAGE_DENSITIES:
        document = render_document(template_name, context, density=density)
        if len(document.pages) == 1:
            break
    return document.write_pdf()


# --- label (A6) ------------------------------------------------------------------------------


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
        return _short_time(self.printed_at)


def render_label(label: PostalLabel) -> bytes:
    """The label as an A6 portrait PDF, one page. Call inside a Flask application context."""
    return _render_one_page(TEMPLATE_LABEL, label)


# --- document list (A5) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CountedLine:
    """One document counted with the citizen."""

    name: str
    kind_label: str  # "Bản chính" | "Bản sao"
    copies: int
    present: bool
    required: bool

    @property
    def is_original(self) -> bool:
        return self.kind_label.strip().lower().startswith(ORIGINAL.lower())

    @property
    def copies_text(self) -> str:
        return str(self.copies) if self.present else "—"

    @property
    def status_text(self) -> str:
        if self.present:
            return "Có"
        return "THIẾU" if self.required else "Không có"


def _count(lines: Iterable[CountedLine], original: bool) -> int:
    return sum(line.copies for line in lines if line.present and line.is_original == original)


@dataclass(frozen=True)
class DocumentList:
    """ "Danh mục giấy tờ" signed by worker and citizen (Decision 45/2016, Leg A step 2), A5."""

    post_office: str
    post_office_address: str
    dossier_code: str
    item_number: str
    procedure_name: str
    receiving_unit: str
    applicant_name: str
    applicant_id_masked: str  # only the last 4 digits visible
    applicant_address: str
    lines: tuple[CountedLine, ...]
    seal_number: str
    taken_at: datetime
    taken_where: str  # e.g. "Tại nhà người dân" or "Tại quầy Bưu điện xã Mường Xén"
    worker_name: str
    operator: str = POSTAL_OPERATOR

    def __post_init__(self) -> None:
        _check_masked_id(self.applicant_id_masked, "applicant_id_masked")

    @property
    def missing(self) -> tuple[CountedLine, ...]:
        return tuple(line for line in self.lines if not line.present)

    @property
    def missing_required(self) -> tuple[CountedLine, ...]:
        return tuple(line for line in self.missing if line.required)

    @property
    def present_count(self) -> int:
        return sum(1 for line in self.lines if line.present)

    @property
    def originals(self) -> int:
        return _count(self.lines, original=True)

    @property
    def copies(self) -> int:
        return _count(self.lines, original=False)

    @property
    def taken_at_text(self) -> str:
        return format_vn_time(self.taken_at)

    @property
    def date_line(self) -> str:
        return _date_line(self.taken_at)


def render_document_list(doc: DocumentList) -> bytes:
    """The document list as an A5 PDF, one page when at all possible (tighter type for long
    lists). Missing documents are marked in the table and listed again under it."""
    return _render_one_page(TEMPLATE_DOCUMENT_LIST, doc)


class FeeAndPostage:
    """The procedure fee and the postage, always shown apart (DOMAIN.md §8), and their sum."""

    fee: int
    postage: int

    @property
    def total(self) -> int:
        return self.fee + self.postage

    @property
    def fee_text(self) -> str:
        return format_money(self.fee)

    @property
    def postage_text(self) -> str:
        return format_money(self.postage)

    @property
    def total_text(self) -> str:
        return format_money(self.total)


# --- fee receipt (A5 or 80 mm) -------------------------------------------------------------


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
        return _date_line(self.collected_at)


def render_fee_receipt(doc: FeeReceipt, layout: str = "a5") -> bytes:
    """The fee receipt as a PDF: ``"a5"`` (A5 portrait) or ``"80mm"`` (thermal roll, as tall
    as its content). Call inside a Flask application context."""
    try:
        template = FEE_RECEIPT_LAYOUTS[layout]
    except KeyError:
        raise ValueError(f"Unknown layout {layout!r}: 'a5' or '80mm'") from None
    if layout == "80mm":
        return _render_thermal(template, doc)
    return render_fitting(template, doc)


def render_receipt_80mm(doc: ReceiptDocument) -> bytes:
    """Mẫu 01 for an 80 mm thermal printer, one page as tall as its content."""
    return _render_thermal(TEMPLATE_RECEIPT_80MM, doc)


# --- route sheet (A4) --------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteStop:
    """One stop of the round: a pickup of papers or a delivery of a result."""

    number: int
    kind: str  # "pickup" | "delivery"
    window: str  # "08:00–11:00" or "" for deliveries
    dossier_code: str
    item_number: str  # "" before a pickup
    name: str
    phone: str  # full number: the worker must call
    address: str
    landmark: str
    to_bring: tuple[str, ...]  # documents to collect, or "Kết quả (bưu gửi EA…)" to deliver
    amount_to_collect: int  # đồng, fee + postage to collect at this stop

    def __post_init__(self) -> None:
        if self.kind not in STOP_KINDS:
            raise ValueError(f"Unknown stop kind {self.kind!r}")

    @property
    def kind_label(self) -> str:
        return STOP_KINDS[self.kind]

    @property
    def amount_text(self) -> str:
        return format_money(self.amount_to_collect) if self.amount_to_collect else "—"


@dataclass(frozen=True)
class RouteSheet:
    """The worker's round for one day, A4."""

    post_office: str
    worker_name: str
    day: date
    stops: tuple[RouteStop, ...]
    printed_at: datetime
    operator: str = POSTAL_OPERATOR

    @property
    def day_text(self) -> str:
        return f"{_WEEKDAYS[self.day.weekday()]}, ngày {_day_text(self.day)}"

    @property
    def pickups(self) -> int:
        return sum(1 for stop in self.stops if stop.kind == "pickup")

    @property
    def deliveries(self) -> int:
        return sum(1 for stop in self.stops if stop.kind == "delivery")

    @property
    def total_to_collect(self) -> int:
        return sum(stop.amount_to_collect for stop in self.stops)

    @property
    def total_text(self) -> str:
        return format_money(self.total_to_collect)

    @property
    def printed_at_text(self) -> str:
        return _short_time(self.printed_at)


def render_route_sheet(doc: RouteSheet) -> bytes:
    """The route sheet as an A4 portrait PDF; a long round runs on to further pages with the
    table header repeated. Call inside a Flask application context."""
    return render_pdf(TEMPLATE_ROUTE_SHEET, doc)


# --- hand-over record (A4) -----------------------------------------------------------------


@dataclass(frozen=True)
class ManifestLine(FeeAndPostage):
    """One item handed over: the papers of a dossier (leg A) or its result (leg B)."""

    item_number: str
    dossier_code: str
    applicant_name: str
    procedure_name: str
    documents: tuple[CountedLine, ...]  # leg A: the papers; leg B: one line for the result
    fee: int
    postage: int
    received: bool | None  # None: not yet counted by the receiving side; False: flagged missing
    note: str = ""

    @property
    def originals(self) -> int:
        return _count(self.documents, original=True)

    @property
    def copies(self) -> int:
        return _count(self.documents, original=False)

    @property
    def received_text(self) -> str:
        if self.received is None:
            return ""
        return "Đủ" if self.received else "THIẾU"


@dataclass(frozen=True)
class ManifestDocument:
    """ "Biên bản giao nhận" between the post office and the receiving unit, A4.

    ``to_agency``: the post office hands dossiers to the unit (Leg A step 5);
    ``from_agency``: the unit hands results to the post office (Leg B).
    """

    number: str
    direction: str  # "to_agency" | "from_agency"
    post_office: str
    post_office_address: str
    unit: str
    unit_address: str
    created_at: datetime
    worker_name: str
    officer_name: str  # "" until confirmed
    lines: tuple[ManifestLine, ...]
    confirmed_at: datetime | None
    operator: str = POSTAL_OPERATOR

    def __post_init__(self) -> None:
        if self.direction not in MANIFEST_TITLES:
            raise ValueError(f"Unknown direction {self.direction!r}")

    @property
    def title(self) -> str:
        return MANIFEST_TITLES[self.direction]

    @property
    def to_agency(self) -> bool:
        return self.direction == "to_agency"

    def _post_side(self) -> dict[str, str]:
        return {
            "organisation": self.post_office,
            "address": self.post_office_address,
            "person": self.worker_name,
            "position": "Nhân viên bưu điện",
        }

    def _unit_side(self) -> dict[str, str]:
        return {
            "organisation": self.unit,
            "address": self.unit_address,
            "person": self.officer_name,
            "position": "Công chức tiếp nhận và trả kết quả",
        }

    @property
    def giver(self) -> dict[str, str]:
        """Bên giao: the post office for dossiers, the unit for results."""
        return self._post_side() if self.to_agency else self._unit_side()

    @property
    def taker(self) -> dict[str, str]:
        """Bên nhận: the unit for dossiers, the post office for results."""
        return self._unit_side() if self.to_agency else self._post_side()

    @property
    def created_at_text(self) -> str:
        return format_vn_time(self.created_at)

    @property
    def date_line(self) -> str:
        return _date_line(self.created_at)

    @property
    def confirmed_at_text(self) -> str:
        return format_vn_time(self.confirmed_at) if self.confirmed_at else ""

    @property
    def items(self) -> int:
        return len(self.lines)

    @property
    def originals(self) -> int:
        return sum(line.originals for line in self.lines)

    @property
    def copies(self) -> int:
        return sum(line.copies for line in self.lines)

    @property
    def fees(self) -> int:
        return sum(line.fee for line in self.lines)

    @property
    def postage(self) -> int:
        return sum(line.postage for line in self.lines)

    @property
    def fees_text(self) -> str:
        return format_money(self.fees)

    @property
    def postage_text(self) -> str:
        return format_money(self.postage)

    @property
    def received_count(self) -> int:
        return sum(1 for line in self.lines if line.received is True)

    @property
    def flagged_count(self) -> int:
        return sum(1 for line in self.lines if line.received is False)

    @property
    def uncounted_count(self) -> int:
        return sum(1 for line in self.lines if line.received is None)


def render_manifest(doc: ManifestDocument) -> bytes:
    """The hand-over record as an A4 portrait PDF; a long table runs on to further pages with
    its header repeated, the totals and signatures kept together at the end."""
    return render_pdf(TEMPLATE_MANIFEST, doc)


# --- cash report (A4) ----------------------------------------------------------------------


@dataclass(frozen=True)
class CashLine(FeeAndPostage):
    """One receipt of the period."""

    receipt_number: str
    at: datetime
    dossier_code: str
    procedure_name: str
    staff_name: str
    fee: int
    postage: int

    @property
    def at_text(self) -> str:
        return _short_time(self.at)


@dataclass(frozen=True)
class CashGroup(FeeAndPostage):
    """A subtotal: by staff member or by procedure."""

    label: str  # a staff member's name, or a procedure's name
    items: int
    fee: int
    postage: int


@dataclass(frozen=True)
class CashReport(FeeAndPostage):
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
    def period_text(self) -> str:
        if self.day_from == self.day_to:
            return f"Ngày {_day_text(self.day_from)}"
        return f"Từ ngày {_day_text(self.day_from)} đến ngày {_day_text(self.day_to)}"

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
        return _short_time(self.printed_at)


def render_cash_report(doc: CashReport) -> bytes:
    """The cash report as an A4 portrait PDF (further pages for a long period)."""
    return render_pdf(TEMPLATE_CASH_REPORT, doc)
