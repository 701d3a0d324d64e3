"""Long unbroken text on every printed document (issue 11): a reason typed without spaces, a
name pasted without them, must wrap inside the page, never run off its edge.

Every document the app prints is rendered with every free-text field filled with an unbroken
run of Vietnamese letters (the long texts, reasons and notes, 1,800 characters; every other
text 120, wider than any line of any document), then read back with pdfplumber: no character
may lie outside the page, none may be lost, and the page count stays within a sane bound.
The samples are those of the documents' own tests, so every field is filled.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime
from pathlib import Path

import pdfplumber
import pytest
from documents import test_forms as forms_samples
from documents import test_postal_documents as postal_samples
from documents import test_receipt as receipt_samples
from flask import Flask, render_template_string
from weasyprint import HTML

from app.documents import forms
from app.documents.guide import CitizenGuide, render_guide
from app.documents.postal import render_fee_receipt, render_receipt_80mm
from app.documents.receipt import render_receipt

ROOT = Path(__file__).resolve().parents[2]
WORD = "Khôngđủđiềukiệnđểtiếpnhận"  # "not eligible to be received", typed without spaces
LONG, SHORT = 1800, 120
LONG_FIELDS = {"reason", "note"}
# Not free text: codes and numbers the app makes, masked or validated values, choices, URLs.
NOT_FREE_TEXT = {
    "dossier_code", "item_number", "number", "receipt_number", "procedure_code", "window",
    "id_masked", "applicant_id_masked", "phone_masked", "applicant_phone_masked", "phone",
    "team_phone", "lookup_url", "leg", "direction", "kind", "verdict", "return_channel",
    "operator",
}  # fmt: skip
TOLERANCE = 0.5  # points


def unbroken(length: int) -> str:
    return (WORD * (length // len(WORD) + 1))[:length]


def stretched(value: object, field: str = "") -> object:
    """``value`` with every free-text string in it replaced by an unbroken run."""
    if isinstance(value, str):
        if field in NOT_FREE_TEXT or not value and field == "":
            return value
        return unbroken(LONG if field in LONG_FIELDS else SHORT)
    if isinstance(value, tuple):
        return tuple(stretched(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: stretched(getattr(value, f.name), f.name) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


def count_values(value: object, length: int) -> int:
    """How many strings of ``length`` characters ``value`` holds."""
    if isinstance(value, str):
        return int(len(value) == length)
    if isinstance(value, tuple):
        return sum(count_values(item, length) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(count_values(getattr(value, f.name), length) for f in dataclasses.fields(value))
    return 0


def guide() -> CitizenGuide:
    return CitizenGuide(
        dossier_code="000.00.17.H40-261123-0042",
        procedure_name="Đăng ký khai sinh",
        applicant_name="Lò Thị Xuân",
        applicant_phone_masked="0987***321",
        receiving_unit="UBND xã Anh Sơn",
        submitted_at=datetime(2026, 11, 23, 9, 5),
        due_date=date(2026, 11, 26),
        provisional=True,
        return_channel="post",
        return_channel_label="Qua dịch vụ bưu chính công ích",
        return_place="Bản Huồi Tụ, xã Anh Sơn",
        lookup_url="https://dichvucong.nghean.gov.vn/tra-cuu/000.00.17.H40-261123-0042",
        helper_name="Lô Văn Pằn",
        team_name="Tổ công nghệ số cộng đồng Bản Huồi Tụ",
        assist_place="Nhà văn hóa Bản Huồi Tụ",
        team_phone="0912345678",
        printed_at=datetime(2026, 11, 23, 9, 10),
    )


def assisted_receipt():  # type: ignore[no-untyped-def]
    return receipt_samples.sample_receipt(
        receiver_name="Lô Văn Pằn (Tổ công nghệ số cộng đồng Bản Huồi Tụ)",
        consent_note="Người dân đồng ý để Lô Văn Pằn kê khai, nộp hồ sơ thay; ký xác nhận:",
        consent_signature=True,
    )


P = postal_samples
# Every document the app prints: (sample, renderer, most pages it may take when stretched).
DOCUMENTS = {
    "mau-01-a5": (receipt_samples.heavy_receipt, render_receipt, 3),
    "mau-01-a5-assisted": (assisted_receipt, render_receipt, 3),
    "mau-01-80mm": (P.receipt_01, render_receipt_80mm, 1),
    "mau-02": (forms_samples.supplement, forms.render_supplement_request, 3),
    "mau-03": (forms_samples.refusal, forms.render_refusal, 2),
    "mau-04": (forms_samples.apology, forms.render_apology, 2),
    "mau-05": (forms_samples.stop_notice, forms.render_stop_notice, 2),
    "mau-06": (forms_samples.control_sheet, forms.render_control_sheet, 25),
    "postal-label": (P.label, P.render_label, 2),
    "document-list": (P.document_list, P.render_document_list, 6),
    "fee-receipt-a5": (P.fee_receipt, render_fee_receipt, 2),
    "fee-receipt-80mm": (P.fee_receipt, lambda d: render_fee_receipt(d, "80mm"), 1),
    "route-sheet": (P.route_sheet, P.render_route_sheet, 4),
    "hand-over-record": (P.manifest, P.render_manifest, 8),
    "hand-over-record-results": (P.result_manifest, P.render_manifest, 4),
    "cash-report": (P.cash_report, P.render_cash_report, 2),
    "volunteer-guide": (guide, render_guide, 2),
}


@pytest.fixture(scope="module")
def app():  # type: ignore[no-untyped-def]
    app = Flask(
        __name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static")
    )
    with app.app_context():
        yield app


def characters_off_the_page(pdf: bytes) -> tuple[int, list[str], str]:
    """(pages, the characters lying outside their page, all the text without whitespace)."""
    off, text = [], []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for char in page.chars:
                outside = (
                    char["x0"] < -TOLERANCE
                    or char["x1"] > page.width + TOLERANCE
                    or char["top"] < -TOLERANCE
                    or char["bottom"] > page.height + TOLERANCE
                )
                if outside:
                    off.append(char["text"])
                text.append(char["text"])
        return len(document.pages), off, "".join("".join(text).split())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_long_unbroken_text_wraps_inside_the_page(app, name):  # type: ignore[no-untyped-def]
    build, render, most_pages = DOCUMENTS[name]
    doc = stretched(build())

    pages, off, text = characters_off_the_page(render(doc))

    assert off == [], f"{len(off)} characters off the page: {''.join(off)[:60]}…"
    assert 1 <= pages <= most_pages
    # Nothing is cut off either: the long values are printed whole (a word may be split by a
    # page break, and headings are in capitals).
    printed = text.casefold().count(WORD.casefold())
    assert printed >= count_values(doc, SHORT) * (SHORT // len(WORD))
    assert printed >= count_values(doc, LONG) * (LONG // len(WORD) - 1)


def test_the_samples_really_overflow_without_wrapping(app):  # type: ignore[no-untyped-def]
    """The check above means something: Mẫu 03 with a 1,800-character reason ran 2,752
    characters off the page before issue 11. With wrapping turned off again, it does."""
    doc = stretched(forms_samples.refusal())
    unwrapped = "<style>html, * { overflow-wrap: normal !important }</style>"
    template = "{% include 'pdf/form_03.html' %}" + unwrapped
    html = render_template_string(template, doc=doc, density=0)

    _, off, _ = characters_off_the_page(HTML(string=html).write_pdf())
    assert len(off) > 1000
