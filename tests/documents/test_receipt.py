"""Mẫu 01 receipt: PDF layout, content, masking, fonts, the QR code and the URL fetcher."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
import segno
from flask import Flask
from pypdf import PdfReader

from app.documents.pdf import render_pdf, safe_fetcher
from app.documents.receipt import (
    ReceiptDocument,
    ReceiptDocumentLine,
    format_vn_date,
    format_vn_time,
    qr_svg,
    render_receipt,
)

ROOT = Path(__file__).resolve().parents[2]
CODE = "000.00.17.H40-261123-0042"
LOOKUP_URL = f"https://dichvucong.nghean.gov.vn/tra-cuu/{CODE}"
FULL_ID = "079303000123"
A5_PT = (419.53, 595.28)  # 148 mm x 210 mm


@pytest.fixture(scope="module")
def app():
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    with app.app_context():
        yield app


def sample_receipt(**changes) -> ReceiptDocument:
    doc = ReceiptDocument(
        issuing_body_parent="UBND TỈNH NGHỆ AN",
        issuing_body="Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
        number="0118/TN",
        place="Nghệ An",
        issued_at=datetime(2026, 11, 23, 9, 5),
        dossier_code=CODE,
        receiving_unit="Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
        applicant_name="Nguyễn Thị Hoa",
        applicant_address="Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
        applicant_phone_masked="091****678",
        applicant_email="",
        applicant_id_masked="********" + FULL_ID[-4:],
        procedure_name="Đăng ký khai sinh",
        procedure_code="1.001193.000.00.00.H40",
        documents=(
            ReceiptDocumentLine("Tờ khai đăng ký khai sinh", "Bản chính", 1),
            ReceiptDocumentLine("Giấy chứng sinh", "Bản chính", 1),
            ReceiptDocumentLine("Căn cước của người đi đăng ký", "Bản sao", 1),
            ReceiptDocumentLine("Giấy chứng nhận kết hôn của cha, mẹ", "Bản sao", 1),
            ReceiptDocumentLine("Văn bản ủy quyền (nếu có)", "Bản chính", 1),
            ReceiptDocumentLine("Giấy tờ chứng minh nơi cư trú", "Bản sao", 1),
        ),
        number_of_sets=1,
        processing_days=3,
        received_at=datetime(2026, 11, 23, 9, 5),
        appointment_at=date(2026, 11, 26),
        return_channel_label="Trả kết quả trực tuyến",
        return_address="",
        register_book="Sổ theo dõi hồ sơ năm 2026",
        register_number=118,
        receiver_name="Hệ thống tiếp nhận trực tuyến",
        lookup_url=LOOKUP_URL,
        provisional=True,
    )
    return replace(doc, **changes)


def heavy_receipt() -> ReceiptDocument:
    """Long procedure and document names, postal return: the worst usual case."""
    return sample_receipt(
        applicant_email="hoa.nguyen@example.vn",
        procedure_name=(
            "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ"
        ),
        procedure_code="1.009972.000.00.00.H40",
        documents=(
            ReceiptDocumentLine("Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01)", "Bản chính", 1),
            ReceiptDocumentLine(
                "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
                "gắn liền với đất",
                "Bản sao",
                1,
            ),
            ReceiptDocumentLine(
                "Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng)", "Bản chính", 2
            ),
            ReceiptDocumentLine(
                "Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế", "Bản chính", 1
            ),
            ReceiptDocumentLine("Căn cước của người đề nghị", "Bản sao", 1),
            ReceiptDocumentLine("Văn bản ủy quyền (nếu có)", "Bản chính", 1),
        ),
        processing_days=15,
        appointment_at=date(2026, 12, 14),
        return_channel_label="Qua dịch vụ bưu chính công ích",
        return_address="Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
    )


def pdf_text(reader: PdfReader) -> str:
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Extraction may yield decomposed marks; compare in NFC with collapsed spaces.
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def receipt_pdf(app) -> PdfReader:
    return PdfReader(io.BytesIO(render_receipt(sample_receipt())))


# --- the PDF ---------------------------------------------------------------------------


def test_receipt_is_one_a5_portrait_page(receipt_pdf):
    assert len(receipt_pdf.pages) == 1
    box = receipt_pdf.pages[0].mediabox
    assert float(box.width) == pytest.approx(A5_PT[0], abs=0.5)
    assert float(box.height) == pytest.approx(A5_PT[1], abs=0.5)


def test_receipt_text_has_the_form_content(receipt_pdf):
    text = pdf_text(receipt_pdf)
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nghệ An, ngày 23 tháng 11 năm 2026",
        "Số: 0118/TN",
        f"Mã hồ sơ: {CODE}",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hoa",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "Giấy chứng nhận kết hôn của cha, mẹ",
        "2. Số lượng hồ sơ: 1 bộ",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 3 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 23/11/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: ngày 26 tháng 11 năm 2026",
        "(dự kiến, sẽ được xác nhận khi cán bộ tiếp nhận hồ sơ)",
        "6. Đăng ký nhận kết quả tại: Trả kết quả trực tuyến",
        "Số thứ tự: 118",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        f"Tra cứu: {LOOKUP_URL}",
    ):
        assert expected in text, expected


def test_receipt_shows_only_the_last_four_id_digits(receipt_pdf):
    text = pdf_text(receipt_pdf)
    assert "********0123" in text
    assert FULL_ID not in text
    assert FULL_ID not in text.replace(" ", "")


def test_receipt_refuses_an_unmasked_id():
    with pytest.raises(ValueError, match="last 4 digits"):
        sample_receipt(applicant_id_masked=FULL_ID)


def test_receipt_embeds_its_fonts(receipt_pdf):
    fonts = receipt_pdf.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        # WeasyPrint writes composite (Type0) fonts; the descriptor is on the descendant.
        if font["/Subtype"] == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
        assert "DejaVu" in font["/BaseFont"]


def test_definitive_appointment_has_no_provisional_note(app):
    reader = PdfReader(io.BytesIO(render_receipt(sample_receipt(provisional=False))))
    assert "dự kiến" not in pdf_text(reader)


def test_long_receipt_still_fits_one_page(app):
    reader = PdfReader(io.BytesIO(render_receipt(heavy_receipt())))
    assert len(reader.pages) == 1
    text = pdf_text(reader)
    assert "Qua dịch vụ bưu chính công ích; địa chỉ: Số 12 đường Lê Hồng Phong" in text
    assert "E-mail: hoa.nguyen@example.vn" in text


# --- the URL fetcher -------------------------------------------------------------------


@pytest.fixture()
def static_dir(tmp_path) -> Path:
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "secret.txt").write_text("secret")
    return static


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com/logo.png",
        "ftp://example.com/logo.png",
        "file:///etc/passwd",
        "file://example.com/etc/passwd",
        "//example.com/logo.png",
        "img/logo.svg",
    ],
)
def test_safe_fetcher_refuses_other_urls(static_dir, url):
    with pytest.raises(ValueError):
        safe_fetcher(url, static_folder=static_dir)


def test_safe_fetcher_refuses_parent_references(static_dir):
    escape = static_dir.as_uri() + "/../secret.txt"
    with pytest.raises(ValueError, match="parent"):
        safe_fetcher(escape, static_folder=static_dir)
    with pytest.raises(ValueError, match="parent"):
        safe_fetcher(
            static_dir.as_uri() + "/img/%2e%2e/%2e%2e/secret.txt", static_folder=static_dir
        )
    # Even one that would land back inside the static folder.
    with pytest.raises(ValueError, match="parent"):
        safe_fetcher(static_dir.as_uri() + "/img/../img/logo.svg", static_folder=static_dir)


def test_safe_fetcher_refuses_a_symlink_out_of_static(static_dir):
    (static_dir / "link.txt").symlink_to(static_dir.parent / "secret.txt")
    with pytest.raises(ValueError, match="outside"):
        safe_fetcher((static_dir / "link.txt").as_uri(), static_folder=static_dir)


def test_safe_fetcher_serves_static_files_and_data_urls(static_dir):
    response = safe_fetcher((static_dir / "img" / "logo.svg").as_uri(), static_folder=static_dir)
    assert response.read().startswith(b"<svg")
    assert response.content_type == "image/svg+xml"
    response.close()

    response = safe_fetcher("data:text/plain;base64,eGluIGNow6Bv", static_folder=static_dir)
    assert response.read().decode() == "xin chào"
    assert response.content_type == "text/plain"


def test_safe_fetcher_defaults_to_the_app_static_folder(static_dir):
    app = Flask(__name__, static_folder=str(static_dir))
    with app.app_context():
        response = safe_fetcher((static_dir / "img" / "logo.svg").as_uri())
        assert response.read().startswith(b"<svg")
        with pytest.raises(ValueError):
            safe_fetcher((ROOT / "pyproject.toml").as_uri())


def test_render_pdf_fetches_through_the_safe_fetcher(static_dir, tmp_path, caplog):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "probe.html").write_text(
        "<p>{{ doc }}</p>"
        '<img src="http://127.0.0.1:9/tracker.png">'
        '<img src="file:///etc/passwd">'
        '<img src="img/logo.svg">'
    )
    app = Flask(__name__, template_folder=str(templates), static_folder=str(static_dir))
    with app.app_context(), caplog.at_level(logging.WARNING, logger="app.documents.pdf"):
        pdf = render_pdf("probe.html", "xin chào")
    assert pdf.startswith(b"%PDF")
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any("http://127.0.0.1:9/tracker.png" in m for m in refused)
    assert any("file:///etc/passwd" in m for m in refused)
    # The relative image resolved against static/ and was served.
    assert not any("logo.svg" in m for m in refused)


# --- QR code and formatting ------------------------------------------------------------


def _svg_path_matrix(svg: str) -> list[list[int]]:
    """Rebuild the module matrix from segno's single-path SVG.

    The path draws each run of dark modules as a horizontal stroke: ``M x y`` (absolute,
    y at the module's middle) or ``m dx dy`` (relative) moves, ``h n`` draws n modules.
    """
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    grid = [[0] * size for _ in range(size)]
    d = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for cmd, args in re.findall(r"([MmHh])([^MmHh]+)", d):
        nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if cmd == "M":
            x, y = nums
        elif cmd == "m":
            x, y = x + nums[0], y + nums[1]
        elif cmd == "h":
            for col in range(int(x), int(x + nums[0])):
                grid[int(y)][col] = 1
            x += nums[0]
        else:  # "H": absolute end of the stroke
            for col in range(int(x), int(nums[0])):
                grid[int(y)][col] = 1
            x = nums[0]
    return grid


def test_qr_svg_is_a_bare_svg_of_the_url():
    svg = qr_svg(LOOKUP_URL)
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert len(svg) < 5000

    expected = segno.make(LOOKUP_URL, error="m", micro=False, boost_error=False)
    assert expected.error == "M"
    border = 2
    size = expected.symbol_size(border=0)[0]
    drawn = _svg_path_matrix(svg)
    assert len(drawn) == size + 2 * border
    inner = [row[border : border + size] for row in drawn[border : border + size]]
    assert inner == [[1 if module else 0 for module in row] for row in expected.matrix]
    # Quiet zone is blank, and another URL gives another symbol.
    assert not any(drawn[0]) and not any(drawn[-1])
    assert _svg_path_matrix(qr_svg(LOOKUP_URL + "1")) != drawn


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 23), "ngày 23 tháng 11 năm 2026"),
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (datetime(2026, 12, 1, 17, 30), "ngày 01 tháng 12 năm 2026"),
    ],
)
def test_format_vn_date(value, expected):
    assert format_vn_date(value) == expected


def test_format_vn_time():
    assert format_vn_time(datetime(2026, 11, 23, 9, 5)) == "09 giờ 05 phút, ngày 23/11/2026"
    assert format_vn_time(datetime(2026, 1, 2, 16, 45)) == "16 giờ 45 phút, ngày 02/01/2026"


# --- weight (issue 13: 2.85 s on 2G for a 29 KB receipt, 19.8 KB of it five font subsets) -----

# One embedded subset (DejaVu Serif regular, ~7 KB): the rest is the page itself, its QR code a
# small greyscale image (20.9 KB before, issue 13). A typical receipt is 13.6 KB: the ~125 glyphs
# of its Vietnamese text cost ~6.7 KB of outlines. The heavy one (long names, postal
# return, e-mail) has more distinct letters to embed.
RECEIPT_FACES = {"DejaVu-Serif"}
RECEIPT_BUDGETS = {"typical": 14 * 1024, "heavy": 15 * 1024}


@pytest.mark.parametrize("make", [sample_receipt, heavy_receipt], ids=["typical", "heavy"])
def test_receipt_embeds_one_face_and_stays_small(app, make, request):
    pdf = render_receipt(make())
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    faces = {str(ref.get_object()["/BaseFont"]).split("+", 1)[1] for ref in fonts.values()}
    assert faces == RECEIPT_FACES  # no bold, no monospace, no italic
    budget = RECEIPT_BUDGETS[request.node.callspec.id.split("-")[-1]]
    assert len(pdf) <= budget, len(pdf)
