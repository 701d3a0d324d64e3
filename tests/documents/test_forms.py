"""Mẫu 02 to 06: PDF page size and count, content, masking, fonts, the control sheet table."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import Flask, render_template
from pypdf import PdfReader

from app.documents.forms import (
    Apology,
    Applicant,
    ControlHop,
    ControlSheet,
    FormHeader,
    Refusal,
    StopNotice,
    SupplementItem,
    SupplementRequest,
    render_apology,
    render_control_sheet,
    render_refusal,
    render_stop_notice,
    render_supplement_request,
)
from app.documents.pdf import render_document
from app.documents.receipt import qr_data_uri

ROOT = Path(__file__).resolve().parents[2]
CODE = "000.00.17.H40-260304-0042"
LOOKUP_URL = f"https://dichvucong.nghean.gov.vn/tra-cuu/{CODE}"
FULL_ID = "079303000123"
A5_PT = (419.53, 595.28)  # 148 mm x 210 mm
A4_LANDSCAPE_PT = (841.89, 595.28)  # 297 mm x 210 mm
ISSUING_BODY = "Trung tâm Phục vụ hành chính công tỉnh Nghệ An"
PROCEDURE = "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
LONG_NAME = "Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Phước Bảo Ngọc Hân"


@pytest.fixture(scope="module")
def app():
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    with app.app_context():
        yield app


# --- sample data -----------------------------------------------------------------------


def header(number: str, **changes) -> FormHeader:
    h = FormHeader(
        issuing_body_parent="UBND TỈNH NGHỆ AN",
        issuing_body=ISSUING_BODY,
        number=number,
        place="Nghệ An",
        issued_at=datetime(2026, 3, 4, 10, 30),
    )
    return replace(h, **changes)


def applicant(**changes) -> Applicant:
    a = Applicant(
        name="Nguyễn Thị Hoa",
        address="Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
        phone_masked="091****678",
        id_masked="********" + FULL_ID[-4:],
    )
    return replace(a, **changes)


ITEMS = (
    SupplementItem(
        "Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng)",
        "Thiếu bản vẽ mặt cắt; bản vẽ mặt bằng chưa có chữ ký của chủ đầu tư",
    ),
    SupplementItem(
        "Giấy chứng nhận quyền sử dụng đất",
        "Bản sao chưa được chứng thực",
    ),
    SupplementItem("Tờ khai: số điện thoại liên hệ", ""),
)

MANY_ITEMS = (
    *ITEMS,
    SupplementItem(
        "Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế",
        "Chưa ghi số chứng chỉ hành nghề của chủ nhiệm thiết kế",
    ),
    SupplementItem(
        "Văn bản ủy quyền cho người nộp hồ sơ",
        "Văn bản ủy quyền chưa được công chứng hoặc chứng thực theo quy định",
    ),
    SupplementItem(
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
        "Thông tin thửa đất không khớp với đơn đề nghị (số tờ bản đồ, số thửa)",
    ),
    SupplementItem(
        "Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01)",
        "Thiếu chữ ký của đồng chủ sở hữu; chưa ghi diện tích sàn xây dựng",
    ),
    SupplementItem(
        "Cam kết bảo đảm an toàn đối với công trình liền kề",
        "Chưa có cam kết theo quy định đối với công trình có tầng hầm",
    ),
)


def supplement(**changes) -> SupplementRequest:
    doc = SupplementRequest(
        header=header("0118/YCBS"),
        dossier_code=CODE,
        procedure_name=PROCEDURE,
        applicant=applicant(),
        received_at=datetime(2026, 3, 2, 14, 20),
        items=ITEMS,
        reason="Hồ sơ chưa đủ thành phần theo quy định của thủ tục hành chính.",
        officer_name="Trần Văn Minh",
        lookup_url=LOOKUP_URL,
    )
    return replace(doc, **changes)


def heavy_supplement() -> SupplementRequest:
    """Long names, eight items with their reasons: the worst usual case."""
    return supplement(
        applicant=applicant(
            name=LONG_NAME,
            address=(
                "Xóm 7, thôn Đông Sơn, xã Nghi Lộc, tỉnh Nghệ An (gần Trường Tiểu học "
                "Nghi Lộc, rẽ phải theo ngõ 14)"
            ),
        ),
        procedure_name=(
            "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ"
        ),
        items=MANY_ITEMS,
        reason=(
            "Hồ sơ chưa đủ thành phần và một số giấy tờ chưa hợp lệ theo quy định; đề nghị "
            "bổ sung đồng thời tất cả các nội dung nêu trên trong một lần."
        ),
        officer_name="Hoàng Thị Phương Thảo",
    )


def refusal(**changes) -> Refusal:
    doc = Refusal(
        header=header("0042/TC"),
        dossier_code=CODE,
        procedure_name=PROCEDURE,
        applicant=applicant(),
        received_at=datetime(2026, 3, 2, 14, 20),
        reason=(
            "Thửa đất thuộc quy hoạch đất giao thông đã được phê duyệt, không đủ điều kiện "
            "cấp giấy phép xây dựng mới."
        ),
        officer_name="Trần Văn Minh",
    )
    return replace(doc, **changes)


def apology(**changes) -> Apology:
    doc = Apology(
        header=header("0007/XL", issued_at=datetime(2026, 3, 3, 16, 0)),
        dossier_code=CODE,
        procedure_name=PROCEDURE,
        applicant=applicant(),
        received_at=datetime(2026, 2, 9, 8, 15),
        original_due=date(2026, 3, 4),
        new_due=date(2026, 3, 11),
        reason=(
            "Cần lấy ý kiến của Sở Xây dựng về chỉ giới xây dựng của thửa đất; đến nay "
            "chưa nhận được văn bản trả lời."
        ),
        signer_name="Lê Văn Dũng",
    )
    return replace(doc, **changes)


def stop_notice(**changes) -> StopNotice:
    doc = StopNotice(
        header=header("0003/TB-DGQ"),
        dossier_code=CODE,
        procedure_name=PROCEDURE,
        applicant=applicant(),
        received_at=datetime(2026, 2, 9, 8, 15),
        reason=(
            "Ông/Bà đã có văn bản đề nghị rút hồ sơ ngày 02/3/2026; hồ sơ quá thời hạn bổ "
            "sung theo yêu cầu nhưng chưa được bổ sung."
        ),
        signer_name="Lê Văn Dũng",
    )
    return replace(doc, **changes)


UNITS = (
    "Trần Văn Minh (Bộ phận Một cửa, Trung tâm Phục vụ hành chính công tỉnh Nghệ An)",
    "Phan Thị Lan (Phòng Cấp phép xây dựng, Sở Xây dựng tỉnh Nghệ An)",
    "Võ Đức Thắng (Lãnh đạo Sở Xây dựng tỉnh Nghệ An)",
    "Đặng Quốc Huy (Văn thư, Sở Xây dựng tỉnh Nghệ An)",
)
VERDICTS = ("", "early", "on_time", "late")


def hops(count: int) -> tuple[ControlHop, ...]:
    rows = []
    for i in range(count):
        rows.append(
            ControlHop(
                handed_by=UNITS[i % len(UNITS)],
                received_by=UNITS[(i + 1) % len(UNITS)],
                at=datetime(2026, 2, 9 + i // 4, 8 + i % 8, 5 * (i % 12)),
                verdict=VERDICTS[i % len(VERDICTS)] if i else "",
                note="Giao nhận qua hệ thống điện tử" if i % 3 else "",
            )
        )
    return tuple(rows)


def control_sheet(**changes) -> ControlSheet:
    doc = ControlSheet(
        header=header("0118/KS"),
        dossier_code=CODE,
        procedure_name=PROCEDURE,
        applicant_name=LONG_NAME,
        received_at=datetime(2026, 2, 9, 8, 15),
        due=date(2026, 3, 4),
        hops=hops(12),
    )
    return replace(doc, **changes)


# --- helpers ---------------------------------------------------------------------------


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF")
    return PdfReader(io.BytesIO(pdf))


def page_text(page) -> str:
    # Extraction may yield decomposed marks; compare in NFC with collapsed spaces.
    return " ".join(unicodedata.normalize("NFC", page.extract_text()).split())


def pdf_text(reader: PdfReader) -> str:
    return " ".join(page_text(page) for page in reader.pages)


def page_size(reader: PdfReader, index: int = 0) -> tuple[float, float]:
    box = reader.pages[index].mediabox
    return float(box.width), float(box.height)


def assert_masked(text: str) -> None:
    assert "********0123" in text
    assert FULL_ID not in text
    assert FULL_ID not in text.replace(" ", "")
    assert not re.search(r"\d{12}", text)


COMMON = (
    "UBND TỈNH NGHỆ AN",
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH NGHỆ AN",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    f"Mã hồ sơ: {CODE}",
    "(Ký, ghi rõ họ tên)",
)

A5_FORMS = {
    "02": (supplement, render_supplement_request),
    "03": (refusal, render_refusal),
    "04": (apology, render_apology),
    "05": (stop_notice, render_stop_notice),
}


@pytest.fixture(scope="module")
def a5_pdfs(app) -> dict[str, PdfReader]:
    return {form: read(render(build())) for form, (build, render) in A5_FORMS.items()}


@pytest.fixture(scope="module")
def control_pdf(app) -> PdfReader:
    return read(render_control_sheet(control_sheet()))


# --- all A5 forms ----------------------------------------------------------------------


@pytest.mark.parametrize("form", sorted(A5_FORMS))
def test_a5_form_is_one_a5_portrait_page(a5_pdfs, form):
    reader = a5_pdfs[form]
    assert len(reader.pages) == 1
    width, height = page_size(reader)
    assert width == pytest.approx(A5_PT[0], abs=0.5)
    assert height == pytest.approx(A5_PT[1], abs=0.5)


@pytest.mark.parametrize("form", sorted(A5_FORMS))
def test_a5_form_has_header_addressee_and_masked_applicant(a5_pdfs, form):
    text = pdf_text(a5_pdfs[form])
    for expected in (
        *COMMON,
        "Kính gửi: Ông/Bà Nguyễn Thị Hoa",
        "Địa chỉ: Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
        "Số điện thoại: 091****678",
        "Số định danh cá nhân: ********0123",
        PROCEDURE,
    ):
        assert expected in text, expected
    assert_masked(text)


@pytest.mark.parametrize("form", sorted(A5_FORMS))
def test_forms_embed_only_dejavu_serif(a5_pdfs, control_pdf, form):
    for reader in (a5_pdfs[form], control_pdf):
        fonts = reader.pages[0]["/Resources"]["/Font"]
        assert fonts
        for ref in fonts.values():
            font = ref.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
            assert re.search(r"\+DejaVu-?Serif", font["/BaseFont"]), font["/BaseFont"]


def test_forms_fetch_nothing_but_data_urls(app, caplog):
    with caplog.at_level(logging.WARNING, logger="app.documents.pdf"):
        for build, render in A5_FORMS.values():
            render(build())
        render_control_sheet(control_sheet())
    assert not [r for r in caplog.records if "refused" in r.getMessage()]


def test_applicant_refuses_an_unmasked_id():
    with pytest.raises(ValueError, match="last 4 digits"):
        applicant(id_masked=FULL_ID)
    with pytest.raises(ValueError, match="last 4 digits"):
        applicant(id_masked="0793 0300 0123")
    with pytest.raises(ValueError, match="last 4 digits"):
        applicant(id_masked="*******30123")
    assert applicant(id_masked="").id_masked == ""


def test_header_issued_date_text():
    assert header("1/X").issued_date_text == "ngày 04 tháng 3 năm 2026"
    h = header("1/X", issued_at=datetime(2026, 1, 5, 9, 0))
    assert h.issued_date_text == "ngày 05 tháng 01 năm 2026"


def test_values_are_escaped(app):
    doc = refusal(reason="Thiếu <b>tờ khai</b> & bản vẽ", applicant=applicant(name="A <i>B</i>"))
    text = pdf_text(read(render_refusal(doc)))
    assert "Thiếu <b>tờ khai</b> & bản vẽ" in text
    assert "Kính gửi: Ông/Bà A <i>B</i>" in text


# --- Mẫu 02 ----------------------------------------------------------------------------


def test_supplement_request_content(a5_pdfs):
    text = pdf_text(a5_pdfs["02"])
    for expected in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Số: 0118/YCBS",
        "Nghệ An, ngày 04 tháng 3 năm 2026",
        "Thời gian nhận hồ sơ: 14 giờ 20 phút, ngày 02/03/2026",
        "Nội dung cần bổ sung, hoàn thiện",
        "1 Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng)",
        "Thiếu bản vẽ mặt cắt; bản vẽ mặt bằng chưa có chữ ký của chủ đầu tư",
        "2 Giấy chứng nhận quyền sử dụng đất",
        "Bản sao chưa được chứng thực",
        "3 Tờ khai: số điện thoại liên hệ",
        "Lý do: Hồ sơ chưa đủ thành phần theo quy định của thủ tục hành chính.",
        "NGƯỜI HƯỚNG DẪN",
        "Trần Văn Minh",
        f"Tra cứu: {LOOKUP_URL}",
    ):
        assert expected in text, expected


def test_supplement_request_has_the_lookup_qr_code(app):
    doc = supplement()
    assert doc.qr_src == qr_data_uri(LOOKUP_URL)
    # An inline data URI (drawn as vector paths by WeasyPrint), never a fetched URL.
    html = render_template("pdf/form_02.html", doc=doc)
    assert f'<img src="{doc.qr_src}"' in html
    assert 'src="http' not in html


def test_long_supplement_request_fits_one_page_with_tighter_type(app):
    doc = heavy_supplement()
    # At the normal size it would not fit: the density fallback is what makes it fit.
    assert len(render_document("pdf/form_02.html", doc, density=0).pages) > 1
    reader = read(render_supplement_request(doc))
    assert len(reader.pages) == 1
    text = pdf_text(reader)
    assert f"Kính gửi: Ông/Bà {LONG_NAME}" in text
    assert "8 Cam kết bảo đảm an toàn đối với công trình liền kề" in text
    assert "Hoàng Thị Phương Thảo" in text
    assert_masked(text)


def test_very_long_supplement_request_runs_on_without_splitting_the_signature(app):
    items = tuple(
        SupplementItem(f"{item.what} (lần {n})", item.why) for n in (1, 2, 3) for item in MANY_ITEMS
    )
    reader = read(render_supplement_request(replace(heavy_supplement(), items=items)))
    assert len(reader.pages) >= 2
    last = page_text(reader.pages[-1])
    assert "NGƯỜI HƯỚNG DẪN" in last
    assert "Hoàng Thị Phương Thảo" in last
    assert f"{len(items)} Cam kết bảo đảm an toàn" in pdf_text(reader)


def test_supplement_request_without_received_time_or_reason(app):
    text = pdf_text(read(render_supplement_request(supplement(received_at=None, reason=""))))
    assert "Thời gian nhận hồ sơ" not in text
    assert "Lý do:" not in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text


# --- Mẫu 03 ----------------------------------------------------------------------------


def test_refusal_content(a5_pdfs):
    text = pdf_text(a5_pdfs["03"])
    for expected in (
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Số: 0042/TC",
        "Nghệ An, ngày 04 tháng 3 năm 2026",
        "Thời gian nhận hồ sơ: 14 giờ 20 phút, ngày 02/03/2026",
        "từ chối tiếp nhận, giải quyết hồ sơ của Ông/Bà",
        "Thửa đất thuộc quy hoạch đất giao thông đã được phê duyệt, không đủ điều kiện "
        "cấp giấy phép xây dựng mới.",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Minh",
    ):
        assert expected in text, expected


def test_refusal_without_received_time(app):
    text = pdf_text(read(render_refusal(refusal(received_at=None))))
    assert "Thời gian nhận hồ sơ" not in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text


# --- Mẫu 04 ----------------------------------------------------------------------------


def test_apology_content(a5_pdfs):
    text = pdf_text(a5_pdfs["04"])
    for expected in (
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Số: 0007/XL",
        "Nghệ An, ngày 03 tháng 3 năm 2026",
        "Vào lúc 08 giờ 15 phút, ngày 09/02/2026",
        "được hẹn trả vào ngày 04 tháng 3 năm 2026",
        "Cần lấy ý kiến của Sở Xây dựng về chỉ giới xây dựng của thửa đất; đến nay chưa "
        "nhận được văn bản trả lời.",
        "Chúng tôi thành thật xin lỗi Ông/Bà",
        "kết quả sẽ được trả vào ngày 11 tháng 3 năm 2026",
        "Nơi nhận:",
        "THỦ TRƯỞNG CƠ QUAN",
        "Lê Văn Dũng",
    ):
        assert expected in text, expected


def test_apology_dates_follow_the_data(app):
    doc = apology(original_due=date(2026, 2, 5), new_due=date(2026, 12, 1))
    text = pdf_text(read(render_apology(doc)))
    assert "được hẹn trả vào ngày 05 tháng 02 năm 2026" in text
    assert "kết quả sẽ được trả vào ngày 01 tháng 12 năm 2026" in text
    assert "ngày 11 tháng 3 năm 2026" not in text


# --- Mẫu 05 ----------------------------------------------------------------------------


def test_stop_notice_content(a5_pdfs):
    text = pdf_text(a5_pdfs["05"])
    for expected in (
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Số: 0003/TB-DGQ",
        "Nghệ An, ngày 04 tháng 3 năm 2026",
        "Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 09/02/2026",
        "thông báo dừng giải quyết hồ sơ của Ông/Bà",
        "Ông/Bà đã có văn bản đề nghị rút hồ sơ ngày 02/3/2026",
        "Nơi nhận:",
        "THỦ TRƯỞNG CƠ QUAN",
        "Lê Văn Dũng",
    ):
        assert expected in text, expected


def test_long_reason_keeps_the_stop_notice_on_one_page(app):
    reason = " ".join(["Hồ sơ quá thời hạn bổ sung theo yêu cầu nhưng chưa được bổ sung."] * 9)
    doc = stop_notice(reason=reason, applicant=applicant(name=LONG_NAME))
    reader = read(render_stop_notice(doc))
    assert len(reader.pages) == 1
    assert LONG_NAME in pdf_text(reader)


# --- Mẫu 06 ----------------------------------------------------------------------------


def test_control_sheet_is_a4_landscape(control_pdf):
    for index in range(len(control_pdf.pages)):
        width, height = page_size(control_pdf, index)
        assert width == pytest.approx(A4_LANDSCAPE_PT[0], abs=0.5)
        assert height == pytest.approx(A4_LANDSCAPE_PT[1], abs=0.5)


def test_control_sheet_content(control_pdf):
    text = pdf_text(control_pdf)
    for expected in (
        *COMMON[:5],
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Số: 0118/KS",
        f"Kèm theo hồ sơ của: {LONG_NAME}",
        "Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 09/02/2026",
        "Thời gian hẹn trả kết quả: ngày 04 tháng 3 năm 2026",
        "STT",
        "Tên cơ quan/người giao",
        "Tên cơ quan/người nhận",
        "Thời gian giao nhận (giờ, ngày)",
        "Ghi chú",
        "Trần Văn Minh (Bộ phận Một cửa, Trung tâm Phục vụ hành chính công tỉnh Nghệ An)",
        "Giao nhận qua hệ thống điện tử",
        "08 giờ 00 phút, ngày 09/02/2026",
        "11 giờ 55 phút, ngày 11/02/2026",
    ):
        assert expected in text, expected
    for label in ("Trước hạn", "Đúng hạn", "Quá hạn"):
        # Once in the column heading, then in the rows.
        assert text.count(label) >= 2, label
    assert f"Mã hồ sơ {CODE} – Trang 1/{len(control_pdf.pages)}" in text


def test_control_sheet_rows_are_in_order_with_their_verdicts(control_pdf):
    labels = []
    for page in control_pdf.pages:
        # Skip the (repeated) header row: the labels in its heading come before "Ghi chú".
        body = page_text(page).split("Ghi chú", 1)[1]
        labels += re.findall(r"Trước hạn|Đúng hạn|Quá hạn", body)
    expected = [
        {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[hop.verdict]
        for hop in hops(12)
        if hop.verdict
    ]
    assert labels == expected


def test_long_control_sheet_repeats_the_header_row(app):
    reader = read(render_control_sheet(control_sheet(hops=hops(30))))
    assert len(reader.pages) >= 2
    for index, page in enumerate(reader.pages):
        text = page_text(page)
        assert "Tên cơ quan/người giao" in text
        assert "Kết quả giải quyết" in text
        assert f"Trang {index + 1}/{len(reader.pages)}" in text
        width, height = page_size(reader, index)
        assert (width, height) == pytest.approx(A4_LANDSCAPE_PT, abs=0.5)
    # The 30th hand-over made it to the end.
    assert "13 giờ 25 phút, ngày 16/02/2026" in pdf_text(reader)


def test_control_sheet_without_reception_or_hops(app):
    doc = control_sheet(received_at=None, due=None, hops=())
    text = pdf_text(read(render_control_sheet(doc)))
    assert "Thời gian nhận hồ sơ: chưa tiếp nhận" in text
    assert "Thời gian hẹn trả kết quả: chưa xác định" in text
    assert "Chưa có lần giao nhận nào." in text


def test_control_hop_verdict_labels():
    at = datetime(2026, 3, 4, 9, 0)
    labels = {v: ControlHop("A", "B", at, v, "").verdict_label for v in VERDICTS}
    assert labels == {"": "", "early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
    with pytest.raises(ValueError, match="verdict"):
        ControlHop("A", "B", at, "overdue", "")
