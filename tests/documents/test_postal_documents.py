"""Printed documents of the postal service: labels, document lists, receipts (A5 and 80 mm),
route sheets, hand-over records, cash reports. Real PDFs, read back with pypdf."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from barcode import Code128
from barcode.charsets import code128 as code128_charset
from flask import Flask, render_template
from pypdf import PdfReader
from pypdf.generic import ContentStream
from weasyprint.formatting_structure.boxes import MarginBox

from app.documents.postal import (
    THERMAL_PROBE_HEIGHT_MM,
    CashGroup,
    CashLine,
    CashReport,
    CountedLine,
    DocumentList,
    FeeReceipt,
    ManifestDocument,
    ManifestLine,
    PostalLabel,
    PostalParty,
    RouteSheet,
    RouteStop,
    amount_in_words,
    code128_svg,
    format_money,
    layout_thermal,
    number_in_words,
    render_cash_report,
    render_document_list,
    render_fee_receipt,
    render_label,
    render_manifest,
    render_receipt_80mm,
    render_route_sheet,
)
from app.documents.receipt import ReceiptDocument, ReceiptDocumentLine, qr_data_uri
from app.postal.s10 import is_valid, item_number

ROOT = Path(__file__).resolve().parents[2]
CODE = "000.00.15.H40-261123-0001"
ITEM = item_number("EA", 15)  # a valid S10 number: EA000000155VN
LOOKUP_URL = f"https://dichvucong.nghean.gov.vn/tra-cuu/{CODE}"
FULL_ID = "079303000123"
MASKED_ID = "********" + FULL_ID[-4:]
LONG_NAME = "Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Phước Bảo Ngọc Hân"
LONG_ADDRESS = (
    "Xóm 7, thôn Đông Sơn, xã Nghi Lộc, tỉnh Nghệ An (gần Trường Tiểu học Nghi Lộc, "
    "rẽ phải theo ngõ 14, nhà mái ngói đỏ có cổng sắt màu xanh)"
)
POST_OFFICE = "Bưu điện xã Mường Xén"
POST_OFFICE_ADDRESS = "Khối 3, xã Mường Xén, tỉnh Nghệ An"
UNIT = "Trung tâm Phục vụ hành chính công tỉnh Nghệ An"
UNIT_ADDRESS = "Số 16 đường Trường Thi, phường Trường Vinh, tỉnh Nghệ An"
PROCEDURE = "Đăng ký thường trú"

MM = 72 / 25.4  # points per millimetre
A6_PT = (297.64, 419.53)
A5_PT = (419.53, 595.28)
A4_PT = (595.28, 841.89)
ROLL_WIDTH_PT = 80 * MM  # 226.77


@pytest.fixture(scope="module")
def app():
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    with app.app_context():
        yield app


# --- sample data ---------------------------------------------------------------------------

CITIZEN = PostalParty(
    "Nguyễn Thị Hoa",
    "Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
    "091****678",
)
AGENCY = PostalParty(UNIT, UNIT_ADDRESS, "0238 3844 556")


def label(**changes) -> PostalLabel:
    doc = PostalLabel(
        item_number=ITEM,
        leg="pickup",
        dossier_code=CODE,
        procedure_name=PROCEDURE,
        sender=CITIZEN,
        addressee=AGENCY,
        post_office=POST_OFFICE,
        lookup_url=LOOKUP_URL,
        printed_at=datetime(2026, 11, 23, 9, 5),
    )
    return replace(doc, **changes)


def long_return_label() -> PostalLabel:
    """Result going back to a citizen with very long name and address: the worst case."""
    return label(
        leg="return",
        sender=PostalParty(
            "Bộ phận Tiếp nhận và Trả kết quả, Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
            UNIT_ADDRESS,
            "0238 3844 556",
        ),
        addressee=PostalParty(LONG_NAME, LONG_ADDRESS, "098****321"),
        procedure_name=(
            "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ"
        ),
    )


TWELVE_PAPERS = (
    CountedLine("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)", "Bản chính", 1, True, True),
    CountedLine("Căn cước của người đăng ký", "Bản sao", 1, True, True),
    CountedLine(
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
        "Bản sao",
        1,
        True,
        True,
    ),
    CountedLine("Hợp đồng cho ở nhờ, cho mượn nhà ở", "Bản chính", 2, True, False),
    CountedLine("Văn bản đồng ý của chủ hộ cho nhập vào hộ", "Bản chính", 1, False, True),
    CountedLine("Giấy khai sinh của con dưới 14 tuổi", "Bản sao", 2, True, False),
    CountedLine("Giấy chứng nhận kết hôn", "Bản sao", 1, True, False),
    CountedLine("Xác nhận của Ủy ban nhân dân xã về nơi ở hợp pháp", "Bản chính", 1, True, False),
    CountedLine("Văn bản ủy quyền (nếu có)", "Bản chính", 1, False, False),
    CountedLine("Sổ hộ khẩu cũ (nếu còn)", "Bản sao", 1, True, False),
    CountedLine("Giấy tờ chứng minh quan hệ nhân thân với chủ hộ", "Bản sao", 1, True, False),
    CountedLine("Phiếu báo thay đổi hộ khẩu, nhân khẩu", "Bản chính", 1, True, False),
)


def document_list(**changes) -> DocumentList:
    doc = DocumentList(
        post_office=POST_OFFICE,
        post_office_address=POST_OFFICE_ADDRESS,
        dossier_code=CODE,
        item_number=ITEM,
        procedure_name=PROCEDURE,
        receiving_unit=UNIT,
        applicant_name=LONG_NAME,
        applicant_id_masked=MASKED_ID,
        applicant_address=LONG_ADDRESS,
        lines=TWELVE_PAPERS,
        seal_number="NP-2611-000123",
        taken_at=datetime(2026, 11, 23, 9, 5),
        taken_where="Tại nhà người dân",
        worker_name="Lê Văn Tám",
    )
    return replace(doc, **changes)


def fee_receipt(**changes) -> FeeReceipt:
    doc = FeeReceipt(
        receipt_number="BL-2611-0042",
        post_office=POST_OFFICE,
        post_office_address=POST_OFFICE_ADDRESS,
        payer_name="Nguyễn Thị Hoa",
        payer_address="Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
        dossier_code=CODE,
        procedure_name=PROCEDURE,
        receiving_unit=UNIT,
        item_number=ITEM,
        fee=135_000,
        postage=26_000,
        collected_at=datetime(2026, 11, 23, 9, 12),
        staff_name="Lê Văn Tám",
    )
    return replace(doc, **changes)


def receipt_01(**changes) -> ReceiptDocument:
    doc = ReceiptDocument(
        issuing_body_parent="UBND TỈNH NGHỆ AN",
        issuing_body=UNIT,
        number="0118/TN",
        place="Nghệ An",
        issued_at=datetime(2026, 11, 23, 9, 5),
        dossier_code=CODE,
        receiving_unit=UNIT,
        applicant_name="Nguyễn Thị Hoa",
        applicant_address="Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
        applicant_phone_masked="091****678",
        applicant_email="",
        applicant_id_masked=MASKED_ID,
        procedure_name=PROCEDURE,
        procedure_code="1.004222.000.00.00.H40",
        documents=tuple(
            ReceiptDocumentLine(line.name, line.kind_label, line.copies)
            for line in TWELVE_PAPERS[:4]
        ),
        number_of_sets=1,
        processing_days=7,
        received_at=datetime(2026, 11, 23, 9, 5),
        appointment_at=date(2026, 12, 2),
        return_channel_label="Qua dịch vụ bưu chính công ích",
        return_address="Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
        register_book="Sổ theo dõi hồ sơ năm 2026",
        register_number=118,
        receiver_name="Lê Văn Tám",
        lookup_url=LOOKUP_URL,
        provisional=True,
    )
    return replace(doc, **changes)


def stops(count: int) -> tuple[RouteStop, ...]:
    result = []
    for i in range(count):
        pickup = i % 3 != 2
        result.append(
            RouteStop(
                number=i + 1,
                kind="pickup" if pickup else "delivery",
                window="08:00–11:00" if pickup else "",
                dossier_code=f"000.00.15.H40-261123-{i + 1:04d}",
                item_number="" if pickup else item_number("EA", 100 + i),
                name=LONG_NAME if i == 1 else f"Hồ Thị Lựu {i + 1}",
                phone=f"09120000{i + 10:02d}",
                address=LONG_ADDRESS if i == 1 else f"Bản Huồi Cọ {i + 1}, xã Mường Xén",
                landmark="Cạnh trạm y tế bản" if i % 2 else "",
                to_bring=(
                    (
                        "Tờ khai CT01 (bản chính)",
                        "Căn cước (bản sao)",
                        "Giấy chứng nhận quyền sử dụng đất (bản sao)",
                    )
                    if pickup
                    else (f"Kết quả (bưu gửi {item_number('EA', 100 + i)})",)
                ),
                amount_to_collect=(0 if i % 4 == 3 else 26_000 + 10_000 * (i % 2)) if pickup else 0,
            )
        )
    return tuple(result)


def route_sheet(**changes) -> RouteSheet:
    doc = RouteSheet(
        post_office=POST_OFFICE,
        worker_name="Lê Văn Tám",
        day=date(2026, 11, 23),
        stops=stops(6),
        printed_at=datetime(2026, 11, 23, 7, 30),
    )
    return replace(doc, **changes)


def manifest_lines() -> tuple[ManifestLine, ...]:
    return (
        ManifestLine(
            item_number=ITEM,
            dossier_code=CODE,
            applicant_name="Nguyễn Thị Hoa",
            procedure_name=PROCEDURE,
            documents=TWELVE_PAPERS[:4],  # 3 originals (1 + 2), 2 copies
            fee=20_000,
            postage=26_000,
            received=True,
        ),
        ManifestLine(
            item_number=item_number("EA", 16),
            dossier_code="000.00.15.H40-261123-0002",
            applicant_name=LONG_NAME,
            procedure_name="Đăng ký khai sinh",
            documents=(
                CountedLine("Tờ khai đăng ký khai sinh", "Bản chính", 1, True, True),
                CountedLine("Giấy chứng sinh", "Bản chính", 1, False, True),
            ),
            fee=0,
            postage=26_000,
            received=False,
            note="Thiếu giấy chứng sinh",
        ),
        ManifestLine(
            item_number=item_number("EA", 17),
            dossier_code="000.00.15.H40-261123-0003",
            applicant_name="Lò Văn Pọm",
            procedure_name="Đăng ký tạm trú",
            documents=(
                CountedLine("Tờ khai CT01", "Bản chính", 1, True, True),
                CountedLine("Căn cước", "Bản sao", 2, True, True),
            ),
            fee=15_000,
            postage=31_000,
            received=None,
        ),
    )


def manifest(**changes) -> ManifestDocument:
    doc = ManifestDocument(
        number="BB-2611-0007",
        direction="to_agency",
        post_office=POST_OFFICE,
        post_office_address=POST_OFFICE_ADDRESS,
        unit=UNIT,
        unit_address=UNIT_ADDRESS,
        created_at=datetime(2026, 11, 23, 14, 30),
        worker_name="Lê Văn Tám",
        officer_name="Trần Văn Minh",
        lines=manifest_lines(),
        confirmed_at=datetime(2026, 11, 23, 15, 10),
    )
    return replace(doc, **changes)


def result_manifest() -> ManifestDocument:
    """Leg B: results from the agency to the post office, not yet confirmed."""
    return manifest(
        direction="from_agency",
        number="BB-2612-0001",
        officer_name="",
        confirmed_at=None,
        lines=(
            ManifestLine(
                item_number=item_number("EA", 200),
                dossier_code=CODE,
                applicant_name="Nguyễn Thị Hoa",
                procedure_name=PROCEDURE,
                documents=(
                    CountedLine("Kết quả: xác nhận thường trú", "Bản chính", 1, True, True),
                ),
                fee=0,
                postage=0,
                received=None,
            ),
        ),
    )


def cash_report(**changes) -> CashReport:
    lines = (
        CashLine("BL-2611-0041", datetime(2026, 11, 23, 8, 40), CODE, PROCEDURE, "Lê Văn Tám",
                 20_000, 26_000),
        CashLine("BL-2611-0042", datetime(2026, 11, 23, 9, 12), "000.00.15.H40-261123-0002",
                 "Đăng ký khai sinh", "Lê Văn Tám", 0, 26_000),
        CashLine("BL-2611-0043", datetime(2026, 11, 23, 10, 5), "000.00.15.H40-261123-0003",
                 "Đăng ký tạm trú", "Vi Thị Mai", 15_000, 31_000),
        CashLine("BL-2611-0044", datetime(2026, 11, 23, 15, 45), "000.00.15.H40-261123-0004",
                 "Cấp bản sao trích lục hộ tịch", "Vi Thị Mai", 100_000, 26_000),
    )  # fmt: skip
    doc = CashReport(
        post_office=POST_OFFICE,
        day_from=date(2026, 11, 23),
        day_to=date(2026, 11, 23),
        staff_label="Tất cả nhân viên",
        by_staff=(
            CashGroup("Lê Văn Tám", 2, 20_000, 52_000),
            CashGroup("Vi Thị Mai", 2, 115_000, 57_000),
        ),
        by_procedure=(
            CashGroup(PROCEDURE, 1, 20_000, 26_000),
            CashGroup("Đăng ký khai sinh", 1, 0, 26_000),
            CashGroup("Đăng ký tạm trú", 1, 15_000, 31_000),
            CashGroup("Cấp bản sao trích lục hộ tịch", 1, 100_000, 26_000),
        ),
        lines=lines,
        printed_at=datetime(2026, 11, 23, 17, 5),
    )
    return replace(doc, **changes)


# Every document: how to build it, render it, and the page size it must have.
SAMPLES = {
    "label": (label, render_label, A6_PT),
    "label_return_long": (long_return_label, render_label, A6_PT),
    "document_list": (document_list, render_document_list, A5_PT),
    "fee_receipt_a5": (fee_receipt, render_fee_receipt, A5_PT),
    "fee_receipt_80mm": (fee_receipt, lambda d: render_fee_receipt(d, "80mm"), None),
    "receipt_01_80mm": (receipt_01, render_receipt_80mm, None),
    "route_sheet": (route_sheet, render_route_sheet, A4_PT),
    "manifest": (manifest, render_manifest, A4_PT),
    "manifest_results": (result_manifest, render_manifest, A4_PT),
    "cash_report": (cash_report, render_cash_report, A4_PT),
}


# --- helpers -------------------------------------------------------------------------------


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF")
    return PdfReader(io.BytesIO(pdf))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def page_text(page) -> str:
    # Extraction may yield decomposed marks; compare in NFC with collapsed spaces.
    return " ".join(nfc(page.extract_text()).split())


def pdf_text(reader: PdfReader) -> str:
    return " ".join(page_text(page) for page in reader.pages)


def pdf_lines(reader: PdfReader) -> list[str]:
    return [
        " ".join(line.split())
        for page in reader.pages
        for line in nfc(page.extract_text()).splitlines()
    ]


def joined_codes(text: str) -> str:
    """Dossier codes wrap after a hyphen in narrow columns: join them back."""
    return re.sub(r"-\s+(?=\d)", "-", text)


def page_size(reader: PdfReader, index: int = 0) -> tuple[float, float]:
    box = reader.pages[index].mediabox
    return float(box.width), float(box.height)


def assert_in_order(text: str, *parts: str) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} not found after position {position}"
        position = found + len(part)


@pytest.fixture(scope="module")
def pdfs(app) -> dict[str, PdfReader]:
    return {name: read(render(build())) for name, (build, render, _) in SAMPLES.items()}


# --- Code 128 decoding, independent of the writer ---------------------------------------------

# Patterns from the Code 128 standard (ISO/IEC 15417): the table python-barcode uses must
# agree with them before it is used to decode.
STANDARD_PATTERNS = {
    0: "11011001100",
    1: "11001101100",
    99: "10111011110",
    100: "10111101110",
    101: "11101011110",
    103: "11010000100",
    104: "11010010000",
    105: "11010011100",
}
STOP_PATTERN = "1100011101011"  # stop symbol and its final two-module bar


def decode_code128(modules: str) -> str:
    """Decode a Code 128 module string (``1`` bar, ``0`` space, quiet zones stripped)."""
    table = {pattern: value for value, pattern in enumerate(code128_charset.CODES)}
    for value, pattern in STANDARD_PATTERNS.items():
        assert code128_charset.CODES[value] == pattern
    assert modules.endswith(STOP_PATTERN)
    body = modules[: -len(STOP_PATTERN)]
    assert len(body) % 11 == 0
    values = [table[body[i : i + 11]] for i in range(0, len(body), 11)]
    start, *data, check = values
    weighted = start + sum(position * value for position, value in enumerate(data, start=1))
    assert weighted % 103 == check, "bad Code 128 check symbol"
    charset = {103: "A", 104: "B", 105: "C"}[start]
    text = ""
    for value in data:
        if charset == "C":
            if value < 100:
                text += f"{value:02d}"
            else:
                charset = {100: "B", 101: "A"}[value]
        elif value == 99:
            charset = "C"
        elif (charset, value) in (("B", 101), ("A", 100)):
            charset = "A" if value == 101 else "B"
        elif charset == "B":
            text += chr(value + 32)
        else:
            text += chr(value + 32) if value < 64 else chr(value - 64)
    return text


def modules_from_bars(bars: list[tuple[float, float]]) -> str:
    """(x, width) of the dark bars, any unit, to a module string."""
    bars = sorted(bars)
    unit = min(width for _, width in bars)
    modules = ""
    previous_end = bars[0][0]
    for x, width in bars:
        modules += "0" * round((x - previous_end) / unit) + "1" * round(width / unit)
        previous_end = x + width
    return modules


def svg_bars(svg: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(w))
        for x, w in re.findall(r'<rect x="([\d.]+)mm" y="[\d.]+mm" width="([\d.]+)mm"', svg)
    ]


def pdf_black_rects(reader: PdfReader, index: int = 0) -> list[tuple[float, ...]]:
    """Every rectangle filled in black on a page: WeasyPrint draws SVG <rect>s so."""
    operations = ContentStream(reader.pages[index].get_contents(), reader).operations
    rects: list[tuple[float, ...]] = []
    pending: list[tuple[float, ...]] = []
    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    saved: list[tuple[float, ...]] = []
    for operands, operator in operations:
        if operator == b"q":
            saved.append(fill)
        elif operator == b"Q":
            fill = saved.pop() if saved else fill
        elif operator == b"rg":
            fill = tuple(float(v) for v in operands)
        elif operator == b"re":
            pending.append(tuple(float(v) for v in operands))
        elif operator in (b"f", b"f*", b"F"):
            if fill == (0.0, 0.0, 0.0):
                rects.extend(pending)
            pending = []
        elif operator in (b"n", b"S", b"s", b"B", b"b"):  # "re W n" is a clip, not a bar
            pending = []
    return rects


def pdf_barcode(reader: PdfReader, index: int = 0) -> str:
    """Find the barcode on a page (the largest set of black bars of one height) and decode it."""
    rects = [r for r in pdf_black_rects(reader, index) if r[3] > 5 * MM * 0.75]
    rows = Counter((round(y, 2), round(h, 2)) for _, y, _, h in rects)
    (y, h), count = rows.most_common(1)[0]
    assert count >= 20, "no barcode on the page"
    bars = [(x, w) for x, ry, w, rh in rects if (round(ry, 2), round(rh, 2)) == (y, h)]
    return decode_code128(modules_from_bars(bars))


# --- every document --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_page_size_and_count(pdfs, name):
    reader = pdfs[name]
    expected = SAMPLES[name][2]
    width, height = page_size(reader)
    if expected is None:  # 80 mm roll: one page as tall as its content
        assert len(reader.pages) == 1
        assert width == pytest.approx(ROLL_WIDTH_PT, abs=0.3)
        assert 60 * MM < height < 400 * MM
    else:
        if name.startswith(("label", "document_list", "fee_receipt")):
            assert len(reader.pages) == 1
        assert width == pytest.approx(expected[0], abs=0.5)
        assert height == pytest.approx(expected[1], abs=0.5)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_full_id_number_anywhere(pdfs, name):
    text = pdf_text(pdfs[name])
    assert FULL_ID not in text.replace(" ", "")
    assert not re.search(r"\d{12}", text)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_fonts_are_embedded_dejavu(pdfs, name):
    reader = pdfs[name]
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
            assert "DejaVu" in font["/BaseFont"]


def test_nothing_is_fetched_but_data_urls(app, caplog):
    with caplog.at_level(logging.WARNING, logger="app.documents.pdf"):
        for build, render, _ in SAMPLES.values():
            render(build())
    assert not [r for r in caplog.records if "refused" in r.getMessage()]


def test_values_are_escaped(app):
    doc = label(addressee=PostalParty("A <b>B</b> & C", "Xóm <i>1</i>"))
    text = pdf_text(read(render_label(doc)))
    assert "A <b>B</b> & C" in text
    assert "Xóm <i>1</i>" in text


# --- label -------------------------------------------------------------------------------


def test_label_content(pdfs):
    text = pdf_text(pdfs["label"])
    for expected in (
        "TỔNG CÔNG TY BƯU ĐIỆN VIỆT NAM",
        POST_OFFICE,
        "HỒ SƠ THỦ TỤC HÀNH CHÍNH",
        "Người dân gửi hồ sơ đến cơ quan giải quyết",
        ITEM,
        "NGƯỜI GỬI Nguyễn Thị Hoa",
        "Điện thoại: 091****678",
        f"NGƯỜI NHẬN {UNIT}",
        f"Mã hồ sơ: {CODE}",
        f"Thủ tục: {PROCEDURE}",
        "In lúc 09:05, 23/11/2026",
        "Quét để tra cứu",
    ):
        assert expected in text, expected
    assert "0912" not in text  # the phone stays as masked by the caller


def test_label_barcode_in_the_pdf_decodes_to_the_item_number(pdfs):
    assert is_valid(ITEM)
    assert pdf_barcode(pdfs["label"]) == ITEM
    assert pdf_barcode(pdfs["label_return_long"]) == ITEM


def test_label_barcode_is_wide_enough_to_scan(pdfs):
    # 0.375 mm modules: the narrowest bar is about 1.06 pt on the page (not scaled down).
    rects = pdf_black_rects(pdfs["label"])
    rows = Counter((round(y, 2), round(h, 2)) for _, y, _, h in rects if h > 10)
    (y, h), _ = rows.most_common(1)[0]
    widths = [w for _, ry, w, rh in rects if (round(ry, 2), round(rh, 2)) == (y, h)]
    # The page content is drawn in CSS px scaled by 0.75 to points.
    assert min(widths) * 0.75 == pytest.approx(0.375 * MM, rel=0.02)


def test_label_has_the_lookup_qr_code(app):
    doc = label()
    assert doc.qr_src == qr_data_uri(LOOKUP_URL)
    html = render_template("pdf/postal/label.html", doc=doc)
    assert f'<img src="{doc.qr_src}"' in html
    assert f'<img src="{doc.barcode_src}"' in html


def test_return_label_fits_one_page_with_long_names(pdfs):
    reader = pdfs["label_return_long"]
    assert len(reader.pages) == 1
    text = pdf_text(reader)
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Cơ quan giải quyết trả kết quả cho người dân" in text
    assert LONG_NAME in text
    assert "nhà mái ngói đỏ có cổng sắt màu xanh" in text
    assert "Điện thoại: 098****321" in text


def test_label_refuses_an_unknown_leg():
    with pytest.raises(ValueError, match="leg"):
        label(leg="sideways")


# --- barcode -------------------------------------------------------------------------------


def test_code128_svg_encodes_the_brief_example():
    value = "EA000000015VN"
    # python-barcode's own encoding: start B, "EA", code C, 00 00 00 01, code B, "5VN".
    assert Code128(value).encoded == [104, 37, 33, 99, 0, 0, 0, 1, 100, 21, 54, 46]
    svg = code128_svg(value)
    assert svg.startswith("<?xml") or svg.startswith("<svg")
    assert "<!DOCTYPE" not in svg
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<text" not in svg  # the number is printed by the template, larger
    assert decode_code128(modules_from_bars(svg_bars(svg))) == value


def test_code128_svg_is_the_same_every_time():
    # python-barcode keeps state on the symbol; a new one per call keeps the output stable.
    assert code128_svg(ITEM) == code128_svg(ITEM)
    assert decode_code128(modules_from_bars(svg_bars(code128_svg(ITEM)))) == ITEM
    assert decode_code128(modules_from_bars(svg_bars(code128_svg("EE123456785VN")))) == (
        "EE123456785VN"
    )


def test_code128_svg_has_quiet_zones_and_size():
    svg = code128_svg(ITEM)
    width = float(re.search(r'<svg[^>]* width="([\d.]+)mm"', svg).group(1))
    bars = svg_bars(svg)
    assert bars[0][0] >= 10 * 0.375  # left quiet zone: 10 modules at least
    assert width - (bars[-1][0] + bars[-1][1]) >= 10 * 0.375
    assert width < 95  # fits the A6 label's 95 mm


# --- document list -------------------------------------------------------------------------


def test_document_list_content(pdfs):
    reader = pdfs["document_list"]
    assert len(reader.pages) == 1
    text = pdf_text(reader)
    for expected in (
        "TỔNG CÔNG TY BƯU ĐIỆN VIỆT NAM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ngày 23 tháng 11 năm 2026",
        "DANH MỤC GIẤY TỜ TRONG HỒ SƠ",
        f"Mã hồ sơ: {CODE}",
        f"Số hiệu bưu gửi: {ITEM}",
        f"Thủ tục: {PROCEDURE}",
        f"Cơ quan tiếp nhận: {UNIT}",
        LONG_NAME,
        f"Số định danh cá nhân: {MASKED_ID}",
        "Phiếu báo thay đổi hộ khẩu, nhân khẩu",  # the 12th line
        "Tổng cộng: đã nhận 10/12 giấy tờ, gồm 5 bản chính và 7 bản sao.",
        "số niêm phong: NP-2611-000123",
        "Thời gian nhận: 09 giờ 05 phút, ngày 23/11/2026. Địa điểm: Tại nhà người dân.",
        "NGƯỜI NỘP HỒ SƠ",
        "NHÂN VIÊN BƯU ĐIỆN",
        "Lê Văn Tám",
    ):
        assert expected in text, expected


def test_document_list_marks_the_missing_papers(pdfs):
    text = pdf_text(pdfs["document_list"])
    # In the table: the required one is THIẾU, the optional one "Không có".
    assert "Văn bản đồng ý của chủ hộ cho nhập vào hộ (*) Bản chính — THIẾU" in text
    assert "Văn bản ủy quyền (nếu có) Bản chính — Không có" in text
    assert "Giấy khai sinh của con dưới 14 tuổi Bản sao 2 Có" in text
    assert text.count("THIẾU") == 1
    # And listed again under it.
    assert_in_order(
        text,
        "Giấy tờ còn thiếu (2), đã thông báo cho người nộp hồ sơ:",
        "Văn bản đồng ý của chủ hộ cho nhập vào hộ (Bản chính, bắt buộc)",
        "Văn bản ủy quyền (nếu có) (Bản chính)",
    )


def test_document_list_of_twelve_long_names_still_fits_one_page(app):
    suffix = " kèm theo bản dịch có chứng thực sang tiếng Việt"
    papers = tuple(replace(line, name=line.name + suffix) for line in TWELVE_PAPERS)
    reader = read(render_document_list(document_list(lines=papers)))
    assert len(reader.pages) == 1
    text = pdf_text(reader)
    assert "Phiếu báo thay đổi hộ khẩu, nhân khẩu" + suffix in text
    assert "Giấy tờ còn thiếu (2)" in text
    assert "NHÂN VIÊN BƯU ĐIỆN" in text


def test_label_with_very_long_addresses_still_fits_one_page(app):
    doc = replace(
        long_return_label(),
        addressee=PostalParty(f"{LONG_NAME} {LONG_NAME}", f"{LONG_ADDRESS} {LONG_ADDRESS}"),
    )
    reader = read(render_label(doc))
    assert len(reader.pages) == 1
    assert pdf_barcode(reader) == ITEM
    assert "Quét để tra cứu" in pdf_text(reader)


def test_document_list_without_missing_papers(app):
    papers = tuple(replace(line, present=True) for line in TWELVE_PAPERS[:3])
    text = pdf_text(read(render_document_list(document_list(lines=papers))))
    assert "Giấy tờ còn thiếu: không có." in text
    assert "THIẾU" not in text


def test_document_list_counts():
    doc = document_list()
    assert [line.name for line in doc.missing] == [
        "Văn bản đồng ý của chủ hộ cho nhập vào hộ",
        "Văn bản ủy quyền (nếu có)",
    ]
    assert len(doc.missing_required) == 1
    assert (doc.present_count, doc.originals, doc.copies) == (10, 5, 7)


@pytest.mark.parametrize("value", [FULL_ID, "0793 0300 0123", "*******30123"])
def test_document_list_refuses_an_unmasked_id(value):
    with pytest.raises(ValueError, match="last 4 digits"):
        document_list(applicant_id_masked=value)


# --- fee receipts ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fee_receipt_a5", "fee_receipt_80mm"])
def test_fee_receipt_content(pdfs, name):
    text = pdf_text(pdfs[name])
    assert POST_OFFICE in text or POST_OFFICE.upper() in text
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ VÀ CƯỚC DỊCH VỤ BƯU CHÍNH CÔNG ÍCH",
        "Số: BL-2611-0042",
        "Nguyễn Thị Hoa",
        CODE,
        ITEM,
        PROCEDURE,
        "135.000 đ",
        "26.000 đ",
        "Tổng cộng 161.000 đ",
        "Bằng chữ: Một trăm sáu mươi mốt nghìn đồng",
        "09 giờ 12 phút, ngày 23/11/2026",
        "NGƯỜI NỘP TIỀN",
        "NGƯỜI THU TIỀN",
        "Lê Văn Tám",
    ):
        assert expected in text, expected
    assert "Độc lập - Tự do - Hạnh phúc" not in text  # a receipt of the post office


@pytest.mark.parametrize("name", ["fee_receipt_a5", "fee_receipt_80mm"])
def test_fee_and_postage_are_on_separate_lines(pdfs, name):
    lines = pdf_lines(pdfs[name])
    fee = [line for line in lines if "135.000 đ" in line]
    postage = [line for line in lines if "26.000 đ" in line]
    assert len(fee) == 1 and len(postage) == 1
    assert fee != postage
    assert "Cước" not in fee[0]
    assert "Cước" in postage[0] and "Phí, lệ phí" not in postage[0]
    assert_in_order(pdf_text(pdfs[name]), "Phí, lệ phí", "135.000 đ", "Cước", "26.000 đ")


@pytest.mark.parametrize("layout", ["a5", "80mm"])
def test_fee_receipt_with_no_fee(app, layout):
    doc = fee_receipt(fee=0, procedure_name="Đăng ký khai sinh")
    reader = read(render_fee_receipt(doc, layout))
    lines = pdf_lines(reader)
    text = pdf_text(reader)
    # A free procedure still prints its fee line, with 0, apart from the postage.
    assert any(line == "0 đ" or line.endswith(" 0 đ") for line in lines)
    assert_in_order(text, "Phí, lệ phí", "0 đ", "Cước", "26.000 đ", "Tổng cộng 26.000 đ")
    assert "Bằng chữ: Hai mươi sáu nghìn đồng" in text


def test_fee_receipt_totals():
    doc = fee_receipt()
    assert doc.total == 161_000
    assert doc.total_in_words == "Bằng chữ: Một trăm sáu mươi mốt nghìn đồng"
    assert fee_receipt(fee=0, postage=0).total_in_words == "Bằng chữ: Không đồng"
    with pytest.raises(ValueError):
        fee_receipt(postage=-1)


def test_fee_receipt_refuses_an_unknown_layout(app):
    with pytest.raises(ValueError, match="layout"):
        render_fee_receipt(fee_receipt(), "a4")


# --- 80 mm thermal roll ---------------------------------------------------------------------


def content_boxes(document):
    page_box = document.pages[0]._page_box
    for box in page_box.descendants():
        if box is page_box or isinstance(box, MarginBox):
            continue
        if getattr(box, "position_y", None) is None:
            continue
        yield box


@pytest.mark.parametrize(
    ("template", "build"),
    [
        ("pdf/postal/fee_receipt_80mm.html", fee_receipt),
        ("pdf/postal/receipt_01_80mm.html", receipt_01),
    ],
)
def test_thermal_page_is_as_tall_as_its_content(app, template, build):
    document = layout_thermal(template, build())
    assert len(document.pages) == 1
    page = document.pages[0]
    px_per_mm = 96 / 25.4
    height_mm = page.height / px_per_mm
    assert page.width / px_per_mm == pytest.approx(80, abs=0.1)
    assert height_mm < THERMAL_PROBE_HEIGHT_MM / 4
    bottom_mm = max(box.position_y + box.margin_height() for box in content_boxes(document))
    bottom_mm /= px_per_mm
    # The page ends just after the content and its bottom margin (5 mm), nothing more.
    assert 0 < height_mm - bottom_mm < 5 + 3


@pytest.mark.parametrize(
    ("template", "build"),
    [
        ("pdf/postal/fee_receipt_80mm.html", fee_receipt),
        ("pdf/postal/receipt_01_80mm.html", receipt_01),
    ],
)
def test_thermal_nothing_is_wider_than_the_paper(app, template, build):
    doc = build()
    if isinstance(doc, FeeReceipt):
        doc = replace(doc, payer_address=LONG_ADDRESS, payer_name=LONG_NAME)
    else:
        doc = replace(doc, applicant_name=LONG_NAME, return_address=LONG_ADDRESS)
    document = layout_thermal(template, doc)
    page_box = document.pages[0]._page_box
    right_edge = page_box.margin_width() - page_box.margin_right
    left_edge = page_box.margin_left
    for box in content_boxes(document):
        assert box.position_x >= left_edge - 0.5, box
        assert box.position_x + box.margin_width() <= right_edge + 0.5, box


def test_thermal_page_grows_with_the_content(app):
    short = layout_thermal("pdf/postal/receipt_01_80mm.html", receipt_01())
    long_doc = receipt_01(
        documents=tuple(
            ReceiptDocumentLine(line.name, line.kind_label, line.copies) for line in TWELVE_PAPERS
        )
    )
    long = layout_thermal("pdf/postal/receipt_01_80mm.html", long_doc)
    assert len(long.pages) == 1
    assert long.pages[0].height > short.pages[0].height + 20 * 96 / 25.4
    # Still one page in the PDF, and the last line is on it.
    text = pdf_text(read(render_receipt_80mm(long_doc)))
    assert "Phiếu báo thay đổi hộ khẩu, nhân khẩu" in text  # the 12th paper
    # The look-up URL, the last line, wraps on the narrow paper.
    assert f"Tracứu:{LOOKUP_URL}" in text.replace(" ", "")


def test_receipt_01_on_80mm_content(pdfs):
    text = pdf_text(pdfs["receipt_01_80mm"])
    for expected in (
        "UBND TỈNH NGHỆ AN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nghệ An, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {CODE}",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hoa",
        f"Số định danh cá nhân: {MASKED_ID}",
        "Hợp đồng cho ở nhờ, cho mượn nhà ở",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 7 ngày làm việc",
        "5. Thời gian trả kết quả giải quyết hồ sơ: ngày 02 tháng 12 năm 2026",
        "6. Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    ):
        assert expected in text, expected
    assert FULL_ID not in text


# --- route sheet -------------------------------------------------------------------------


def test_route_sheet_content(pdfs):
    reader = pdfs["route_sheet"]
    assert len(reader.pages) == 1
    text = joined_codes(pdf_text(reader))
    for expected in (
        "LỘ TRÌNH NHẬN HỒ SƠ VÀ PHÁT KẾT QUẢ",
        "Thứ Hai, ngày 23/11/2026 – Nhân viên: Lê Văn Tám",
        "Số điểm: 6 (4 nhận hồ sơ, 2 phát kết quả).",
        "Tổng số tiền phải thu: 88.000 đ",
        "Xong",
        "Ký nhận",
        "Nhận hồ sơ",
        "Phát kết quả",
        "08:00–11:00",
        "0912000010",  # the full phone: the worker calls
        "Cạnh trạm y tế bản",
        LONG_NAME,
        f"Kết quả (bưu gửi {item_number('EA', 102)})",
        "36.000 đ",
        "Tổng cộng phải thu 88.000 đ",
        "Trang 1/1",
    ):
        assert expected in text, expected


def test_route_sheet_totals():
    sheet = route_sheet()
    assert (sheet.pickups, sheet.deliveries, sheet.total_to_collect) == (4, 2, 88_000)
    assert sheet.stops[3].amount_text == "—"


def test_long_route_repeats_the_table_header(app):
    reader = read(render_route_sheet(route_sheet(stops=stops(30))))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert "Ký nhận" in page_text(page)
    last = page_text(reader.pages[-1])
    assert f"Trang {len(reader.pages)}/{len(reader.pages)}" in last
    assert "Tổng cộng phải thu" in last


def test_route_stop_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        replace(stops(1)[0], kind="visit")


# --- hand-over record --------------------------------------------------------------------


def test_manifest_totals():
    doc = manifest()
    assert (doc.items, doc.originals, doc.copies) == (3, 5, 4)
    assert (doc.fees, doc.postage) == (35_000, 83_000)
    assert (doc.received_count, doc.flagged_count, doc.uncounted_count) == (1, 1, 1)


def test_manifest_to_agency_content(pdfs):
    text = joined_codes(pdf_text(pdfs["manifest"]))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: BB-2611-0007",
        "BIÊN BẢN GIAO NHẬN HỒ SƠ THỦ TỤC HÀNH CHÍNH",
        f"Hôm nay, 14 giờ 30 phút, ngày 23/11/2026, tại {UNIT}",
        ITEM,
        CODE,
        LONG_NAME,
        "Giấy chứng sinh – BC 1 (thiếu)",
        "Cộng: 3 BC, 2 BS",
        "THIẾU",
        "Thiếu giấy chứng sinh",
        "Tổng cộng: 3 bưu gửi 5 bản chính, 4 bản sao 35.000 đ 83.000 đ",
        "Tổng số bưu gửi: 3",
        "Số bản chính: 5; số bản sao: 4",
        "Tổng phí, lệ phí: 35.000 đ",
        "Tổng cước dịch vụ bưu chính: 83.000 đ",
        "đủ 1, thiếu 1, chưa kiểm đếm 1",
        "Bên nhận đã xác nhận lúc 15 giờ 10 phút, ngày 23/11/2026.",
        "số tiền phí, lệ phí đã thu: 35.000 đ",
        "Biên bản số BB-2611-0007 – Trang 1/1",
    ):
        assert expected in text, expected
    # The post office gives, the unit receives; signatures follow.
    assert_in_order(text, f"BÊN GIAO: {POST_OFFICE}", f"BÊN NHẬN: {UNIT}")
    assert_in_order(text, "ĐẠI DIỆN BÊN GIAO", "Lê Văn Tám", "ĐẠI DIỆN BÊN NHẬN", "Trần Văn Minh")


def test_manifest_from_agency_swaps_the_sides(pdfs):
    text = joined_codes(pdf_text(pdfs["manifest_results"]))
    assert "BIÊN BẢN GIAO NHẬN KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert_in_order(text, f"BÊN GIAO: {UNIT}", f"BÊN NHẬN: {POST_OFFICE}")
    assert_in_order(text, "ĐẠI DIỆN BÊN GIAO", "ĐẠI DIỆN BÊN NHẬN", "Lê Văn Tám")
    assert "Bên nhận chưa xác nhận." in text
    assert "Kết quả: xác nhận thường trú – BC 1" in text
    assert "số tiền phí, lệ phí đã thu" not in text  # no fees travel with results
    assert "Trần Văn Minh" not in text


def test_manifest_refuses_an_unknown_direction():
    with pytest.raises(ValueError, match="direction"):
        manifest(direction="sideways")


# --- cash report -----------------------------------------------------------------------------


def test_cash_report_content(pdfs):
    text = joined_codes(pdf_text(pdfs["cash_report"]))
    for expected in (
        "BÁO CÁO THU PHÍ, LỆ PHÍ VÀ CƯỚC DỊCH VỤ BƯU CHÍNH CÔNG ÍCH",
        "Ngày 23/11/2026 – Nhân viên: Tất cả nhân viên",
        "Số biên lai: 4",
        "Phí, lệ phí thu hộ cơ quan giải quyết: 135.000 đ",
        "Cước dịch vụ bưu chính công ích: 109.000 đ",
        "Tổng số tiền đã thu: 244.000 đ",
        "Bằng chữ: Hai trăm bốn mươi tư nghìn đồng",
        "I. Theo nhân viên thu",
        "Vi Thị Mai 2 115.000 đ 57.000 đ 172.000 đ",
        "II. Theo thủ tục",
        "Cấp bản sao trích lục hộ tịch 1 100.000 đ 26.000 đ 126.000 đ",
        "III. Chi tiết biên lai",
        "BL-2611-0044",
        "15:45, 23/11/2026",
        "Tổng cộng: 4 biên lai 135.000 đ 109.000 đ",
        "In lúc 17:05, 23/11/2026",
    ):
        assert expected in text, expected


def test_cash_report_period():
    assert cash_report().period_text == "Ngày 23/11/2026"
    doc = cash_report(day_from=date(2026, 11, 1), day_to=date(2026, 11, 30))
    assert doc.period_text == "Từ ngày 01/11/2026 đến ngày 30/11/2026"
    assert cash_report(lines=()).total_in_words == "Bằng chữ: Không đồng"


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0 đ"),
        (7_000, "7.000 đ"),
        (135_000, "135.000 đ"),
        (1_250_000, "1.250.000 đ"),
    ],
)
def test_format_money(amount, expected):
    assert format_money(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (1_015, "Một nghìn không trăm mười lăm đồng"),
        (7_000, "Bảy nghìn đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (26_000, "Hai mươi sáu nghìn đồng"),
        (100_500, "Một trăm nghìn năm trăm đồng"),
        (111_000, "Một trăm mười một nghìn đồng"),
        (135_000, "Một trăm ba mươi lăm nghìn đồng"),
        (161_000, "Một trăm sáu mươi mốt nghìn đồng"),
        (205_000, "Hai trăm linh năm nghìn đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_001_000, "Một triệu không trăm linh một nghìn đồng"),
        (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
        (2_021_000, "Hai triệu không trăm hai mươi mốt nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
        (2_500_000_000, "Hai tỷ năm trăm triệu đồng"),
    ],
)
def test_amount_in_words(amount, expected):
    assert amount_in_words(amount) == expected


def test_number_in_words_refuses_negative_amounts():
    assert number_in_words(0) == "không"
    with pytest.raises(ValueError):
        number_in_words(-1)
