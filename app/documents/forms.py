"""Mẫu 02 to 06 of Circular 03/2025/TT-VPCP, Annex I: the one-stop notices and control sheet.

- Mẫu 02 "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ": what the applicant must add or fix.
- Mẫu 03 "Phiếu từ chối tiếp nhận giải quyết hồ sơ": refusal, with the reason.
- Mẫu 04 "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết": the result will be
  late; apology, reason and the new date.
- Mẫu 05 "Thông báo dừng giải quyết hồ sơ": processing stopped, with the reason.
- Mẫu 06 "Phiếu kiểm soát quá trình giải quyết hồ sơ": every hand-over of the dossier.

Forms 02 to 05 print on A5 portrait, Mẫu 06 on A4 landscape. As for Mẫu 01
(:mod:`app.documents.receipt`), the templates get frozen dataclasses of plain, already
formatted and already masked data, never ORM objects, and the personal ID number can never
reach the page in full (DOMAIN.md §7: last 4 digits only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.documents.pdf import render_fitting, render_pdf
from app.documents.receipt import format_vn_date, format_vn_time, qr_data_uri

__all__ = [
    "Apology",
    "Applicant",
    "ControlHop",
    "ControlSheet",
    "FormHeader",
    "Refusal",
    "StopNotice",
    "SupplementItem",
    "SupplementRequest",
    "render_apology",
    "render_control_sheet",
    "render_refusal",
    "render_stop_notice",
    "render_supplement_request",
]

TEMPLATE_SUPPLEMENT = "pdf/form_02.html"
TEMPLATE_REFUSAL = "pdf/form_03.html"
TEMPLATE_APOLOGY = "pdf/form_04.html"
TEMPLATE_STOP = "pdf/form_05.html"
TEMPLATE_CONTROL = "pdf/form_06.html"

# Digits of the personal ID number a form may show.
_VISIBLE_ID_DIGITS = 4

# Result of one hand-over on Mẫu 06, as printed.
VERDICT_LABELS = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "": "",
}


def _time_text(dt: datetime | None) -> str:
    return format_vn_time(dt) if dt is not None else ""


def _date_text(d: date | None) -> str:
    return format_vn_date(d) if d is not None else ""


@dataclass(frozen=True)
class FormHeader:
    """Top of every form: issuing body and number (left), place and date (right)."""

    issuing_body_parent: str  # e.g. "UBND TỈNH NGHỆ AN"
    issuing_body: str  # e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH NGHỆ AN"
    number: str  # e.g. "0118/YCBS"
    place: str  # "Nghệ An"
    issued_at: datetime

    @property
    def issued_date_text(self) -> str:
        return format_vn_date(self.issued_at)


@dataclass(frozen=True)
class Applicant:
    """The person the form is addressed to, already masked."""

    name: str
    address: str
    phone_masked: str
    id_masked: str  # e.g. "********0123"

    def __post_init__(self) -> None:
        # Defence in depth: a form must never carry the full ID number.
        if sum(ch.isdigit() for ch in self.id_masked) > _VISIBLE_ID_DIGITS:
            raise ValueError("id_masked shows more than the last 4 digits")


@dataclass(frozen=True)
class SupplementItem:
    """One thing to add or fix: a document name or a field label, and why ("" if obvious)."""

    what: str
    why: str


@dataclass(frozen=True)
class DossierLetter:
    """What every A5 form addressed to the applicant starts with (Mẫu 02–05)."""

    header: FormHeader
    dossier_code: str
    procedure_name: str
    applicant: Applicant
    received_at: datetime | None  # when the dossier was submitted/received

    @property
    def received_at_text(self) -> str:
        return _time_text(self.received_at)


@dataclass(frozen=True)
class SupplementRequest(DossierLetter):
    """Everything printed on Mẫu 02."""

    items: tuple[SupplementItem, ...]
    reason: str  # general explanation
    officer_name: str
    lookup_url: str  # absolute URL of /tra-cuu/<code>

    @property
    def qr_src(self) -> str:
        return qr_data_uri(self.lookup_url)


@dataclass(frozen=True)
class Refusal(DossierLetter):
    """Everything printed on Mẫu 03."""

    reason: str
    officer_name: str


@dataclass(frozen=True)
class Apology(DossierLetter):
    """Everything printed on Mẫu 04 (``received_at`` is always known: it was accepted)."""

    original_due: date
    new_due: date
    reason: str
    signer_name: str

    @property
    def original_due_text(self) -> str:
        return format_vn_date(self.original_due)

    @property
    def new_due_text(self) -> str:
        return format_vn_date(self.new_due)


@dataclass(frozen=True)
class StopNotice(DossierLetter):
    """Everything printed on Mẫu 05."""

    reason: str
    signer_name: str


@dataclass(frozen=True)
class ControlHop:
    """One row of Mẫu 06: who handed the dossier to whom, when, and how it went."""

    handed_by: str  # person and unit handing over
    received_by: str  # person and unit receiving
    at: datetime
    verdict: str  # "early" | "on_time" | "late" | "" (e.g. the first row)
    note: str

    def __post_init__(self) -> None:
        if self.verdict not in VERDICT_LABELS:
            raise ValueError(f"Unknown verdict {self.verdict!r}")

    @property
    def at_text(self) -> str:
        return format_vn_time(self.at)

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class ControlSheet:
    """Everything printed on Mẫu 06."""

    header: FormHeader
    dossier_code: str
    procedure_name: str
    applicant_name: str
    received_at: datetime | None
    due: date | None
    hops: tuple[ControlHop, ...]

    @property
    def received_at_text(self) -> str:
        return _time_text(self.received_at)

    @property
    def due_text(self) -> str:
        return _date_text(self.due)


def render_supplement_request(doc: SupplementRequest) -> bytes:
    """Mẫu 02 as an A5 PDF. Call inside a Flask application context."""
    return render_fitting(TEMPLATE_SUPPLEMENT, doc)


def render_refusal(doc: Refusal) -> bytes:
    """Mẫu 03 as an A5 PDF. Call inside a Flask application context."""
    return render_fitting(TEMPLATE_REFUSAL, doc)


def render_apology(doc: Apology) -> bytes:
    """Mẫu 04 as an A5 PDF. Call inside a Flask application context."""
    return render_fitting(TEMPLATE_APOLOGY, doc)


def render_stop_notice(doc: StopNotice) -> bytes:
    """Mẫu 05 as an A5 PDF. Call inside a Flask application context."""
    return render_fitting(TEMPLATE_STOP, doc)


def render_control_sheet(doc: ControlSheet) -> bytes:
    """Mẫu 06 as an A4 landscape PDF. Call inside a Flask application context.

    A long table runs on to further pages with its header row repeated.
    """
    return render_pdf(TEMPLATE_CONTROL, doc)
