"""What a community team member prints for the citizen they helped (issue 5): Mẫu 01 on A5 and
on the 80 mm roll with the citizen's consent (a line to sign, or the SMS record) and the
volunteer named as receiver, and the one-page plain-language guide."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import replace
from datetime import datetime

import pytest
from helpers import complete_draft, submit_via_services
from pypdf import PdfReader

from app.accounts.models import Consent
from app.assist.models import CommunityTeam
from app.core import clock
from app.core.roles import Role
from app.documents.guide import CitizenGuide, render_guide
from app.documents.receipt import ReceiptDocumentLine, render_receipt
from app.dossiers import receipt as receipts
from app.dossiers.models import Dossier
from app.dossiers.operations.submitting import submit
from app.extensions import db

A5_PT = (419.53, 595.28)  # 148 mm x 210 mm
ROLL_WIDTH_PT = 226.77  # 80 mm
MM = 72 / 25.4
SUBMITTED = datetime(2026, 11, 23, 9, 5)  # Monday
CONSENT_AT = datetime(2026, 11, 23, 8, 52)
ID_NUMBER = "040195654321"
TEAM = "Tổ công nghệ số cộng đồng Bản Huồi Tụ"
VOLUNTEER = "Lô Văn Pằn"
RECEIVER = f"{VOLUNTEER} ({TEAM})"
PAPER_NOTE = f"Người dân đồng ý để {VOLUNTEER} ({TEAM}) kê khai, nộp hồ sơ thay; ký xác nhận:"
SMS_NOTE = "Người dân đã xác nhận đồng ý bằng mã gửi qua tin nhắn lúc 08:52 ngày 23/11/2026."


@pytest.fixture
def base_url(app):  # type: ignore[no-untyped-def]
    app.config["PUBLIC_BASE_URL"] = "https://dichvucong.nghean.gov.vn/"
    return "https://dichvucong.nghean.gov.vn"


@pytest.fixture
def villager(make_user):  # type: ignore[no-untyped-def]
    return make_user(full_name="Lò Thị Xuân", phone="0987654321", id_number=ID_NUMBER)


@pytest.fixture
def team(app) -> CommunityTeam:  # type: ignore[no-untyped-def]
    team = CommunityTeam(
        name=TEAM,
        commune_code="17329",
        village="Bản Huồi Tụ",
        meeting_place="Nhà văn hóa Bản Huồi Tụ",
    )
    db.session.add(team)
    db.session.commit()
    return team


@pytest.fixture
def volunteer(make_user, team):  # type: ignore[no-untyped-def]
    return make_user(role=Role.COMMUNITY, full_name=VOLUNTEER, team_id=team.id)


@pytest.fixture
def assisted(villager, procedure, volunteer, team, base_url):  # type: ignore[no-untyped-def]
    """``assisted(method)``: a dossier the volunteer filled in and submitted for the villager
    at the village hall, with the consent given ``method`` ("paper" or "sms_code")."""

    def build(method: str, token: str = "a1", **changes: str) -> Dossier:
        clock.freeze(CONSENT_AT)
        consent = Consent(
            citizen_id=villager.id,
            recorded_by_id=volunteer.id,
            purpose="assisted",
            method=method,
            notice_version="2026-01",
            place=team.place,
            at=clock.now(),
        )
        db.session.add(consent)
        db.session.commit()
        clock.freeze(SUBMITTED)
        dossier = complete_draft(villager, procedure, token)
        dossier.created_by_id = volunteer.id
        dossier.consent_id = consent.id
        dossier.assist_team_id = team.id
        dossier.assist_place = team.place
        for field, value in changes.items():
            setattr(dossier, field, value)
        db.session.commit()
        assert submit(dossier, volunteer)
        db.session.commit()
        assert dossier.submitted_by_id == volunteer.id
        return dossier

    return build


def read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def text_of(reader: PdfReader) -> str:
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def size(reader: PdfReader) -> tuple[float, float]:
    box = reader.pages[0].mediabox
    return float(box.width), float(box.height)


def assert_no_id_number(text: str) -> None:
    compact = re.sub(r"\s+", "", text)
    assert ID_NUMBER not in compact
    assert ID_NUMBER[:8] not in compact


# --- Mẫu 01 -------------------------------------------------------------------------------------


def test_paper_consent_on_the_a5_receipt(assisted):
    dossier = assisted("paper")
    reader = read(receipts.receipt_pdf(dossier))
    assert len(reader.pages) == 1
    assert size(reader) == pytest.approx(A5_PT, abs=0.5)
    text = text_of(reader)
    assert PAPER_NOTE in text
    assert "Ký tại ô" in text and "dưới đây" in text
    assert "(Ký đồng ý và ghi rõ họ tên)" in text  # the applicant's block signs the consent
    assert RECEIVER in text
    assert "Hệ thống tiếp nhận" not in text
    assert "tin nhắn lúc" not in text
    assert "********4321" in text
    assert_no_id_number(text)


def test_sms_consent_is_a_one_line_record_with_nothing_to_sign(assisted):
    dossier = assisted("sms_code")
    text = text_of(read(receipts.receipt_pdf(dossier, "a5")))
    assert SMS_NOTE in text
    assert "ký xác nhận:" not in text
    assert "Ký tại ô" not in text
    assert "(Ký đồng ý" not in text
    assert RECEIVER in text
    assert_no_id_number(text)


@pytest.mark.parametrize("method", ["paper", "sms_code"])
def test_the_80mm_roll_carries_the_consent_and_stays_as_tall_as_its_content(
    assisted, villager, procedure, method
):
    dossier = assisted(method)
    reader = read(receipts.receipt_pdf(dossier, "80mm"))
    assert len(reader.pages) == 1
    width, height = size(reader)
    assert width == pytest.approx(ROLL_WIDTH_PT, abs=0.5)
    assert 100 * MM < height < 400 * MM  # measured, not the 2 m probe
    text = text_of(reader)
    assert (PAPER_NOTE if method == "paper" else SMS_NOTE) in text
    assert RECEIVER in re.sub(r"\s+", " ", text)
    assert_no_id_number(text)

    # The consent lines make the roll longer than the citizen's own receipt, no more.
    own = submit_via_services(villager, procedure, "own")
    _, own_height = size(read(receipts.receipt_pdf(own, "80mm")))
    assert own_height + 5 * MM < height < own_height + 40 * MM


def test_the_citizens_own_dossier_prints_as_before(villager, procedure, base_url):
    clock.freeze(SUBMITTED)
    dossier = submit_via_services(villager, procedure)
    document = receipts.receipt_document(dossier)
    assert document.consent_note == "" and not document.consent_signature
    assert document.receiver_name == "Hệ thống tiếp nhận hồ sơ trực tuyến"
    text = text_of(read(render_receipt(document)))
    assert "đồng ý" not in text
    assert "(Ký và ghi rõ họ tên)" in text


def test_a_long_assisted_receipt_still_fits_one_a5_page(assisted):
    """The worst usual case of tests/documents/test_receipt.py (long names, postal return),
    with the consent to sign and a long receiver: still one page, at the tightest type."""
    document = receipts.receipt_document(assisted("paper"))
    long = replace(
        document,
        applicant_email="xuan.lo@example.vn",
        procedure_name=(
            "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ"
        ),
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
        return_channel_label="Qua dịch vụ bưu chính công ích",
        return_address="Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An",
    )
    reader = read(render_receipt(long))
    assert len(reader.pages) == 1
    text = text_of(reader)
    assert PAPER_NOTE in text and "Văn bản ủy quyền (nếu có)" in text and RECEIVER in text


def test_receipt_pdf_refuses_an_unknown_layout(assisted):
    with pytest.raises(ValueError, match="layout"):
        receipts.receipt_pdf(assisted("paper"), "a4")


def test_render_failures_raise_render_failed(assisted, monkeypatch):
    dossier = assisted("paper")

    def broken(document):  # type: ignore[no-untyped-def]
        raise OSError("font cache unavailable")

    monkeypatch.setattr(receipts, "render_receipt_80mm", broken)
    monkeypatch.setattr(receipts, "render_guide", broken)
    with pytest.raises(receipts.RenderFailed):
        receipts.receipt_pdf(dossier, "80mm")
    with pytest.raises(receipts.RenderFailed):
        receipts.guide_pdf(dossier)
    assert receipts.receipt_pdf(dossier).startswith(b"%PDF-")  # A5 untouched


# --- the guide ----------------------------------------------------------------------------------


def guide_text(dossier: Dossier) -> str:
    reader = read(receipts.guide_pdf(dossier))
    assert len(reader.pages) == 1
    assert size(reader) == pytest.approx(A5_PT, abs=0.5)
    return text_of(reader)


def test_guide_has_the_code_due_date_next_steps_and_helper(assisted, base_url):
    dossier = assisted("sms_code", return_channel="counter")
    text = guide_text(dossier)
    compact = re.sub(r"\s+", "", text)
    assert "HƯỚNG DẪN CHO NGƯỜI DÂN" in text
    assert dossier.code in compact
    assert re.sub(r"\s+", "", f"{base_url}/tra-cuu/{dossier.code}") in compact
    assert dossier.procedure.name in text
    due = dossier.due_date
    assert f"ngày {due:%d/%m/%Y}" in text
    assert "(DỰ KIẾN)" in text
    assert "Đây là ngày dự kiến, chưa phải ngày hẹn chính thức" in text
    assert dossier.receiving_unit.name in text
    assert "Tin nhắn đến số 0987***321" in text
    assert "Cách nhận kết quả: Tại Bộ phận Một cửa" in text
    assert f"đến nhận tại: {dossier.receiving_unit.name}" in text
    assert f"{VOLUNTEER}, {TEAM}" in text
    assert "Tại Nhà văn hóa Bản Huồi Tụ" in text
    assert "0987654321" not in compact
    assert_no_id_number(text)
    assert "4321" not in text.replace("0987***321", "")
    assert "định danh" not in text


def test_guide_for_a_result_by_post_names_only_village_and_commune(assisted):
    dossier = assisted(
        "paper",
        return_channel="post",
        return_commune_code="17329",
        return_village="Bản Huồi Tụ",
        return_street="Nhà số 7, ngõ Cây Đa",
    )
    text = guide_text(dossier)
    assert "Cách nhận kết quả: Qua dịch vụ bưu chính công ích" in text
    assert "Bưu điện mang kết quả đến: Bản Huồi Tụ, " in text
    assert "Nhà số 7" not in text and "Cây Đa" not in text


def test_guide_for_an_online_result(assisted):
    text = guide_text(assisted("paper"))
    assert "Cách nhận kết quả: Nhận kết quả trực tuyến" in text
    assert "đăng nhập Cổng dịch vụ công bằng số điện thoại" in text


def test_guide_without_a_helper_leaves_the_helper_out(villager, procedure, base_url):
    clock.freeze(SUBMITTED)
    text = guide_text(submit_via_services(villager, procedure))
    assert "NGƯỜI GIÚP" not in text
    assert "tổ công nghệ số" not in text


def test_guide_after_acceptance_gives_the_date_as_definitive(assisted):
    guide = receipts.citizen_guide(assisted("paper"))
    accepted = replace(guide, provisional=False)
    assert "chính thức" in accepted.due_note and "dự kiến" not in accepted.due_note
    assert "(dự kiến)" not in text_of(read(render_guide(accepted))).lower()


def test_guide_refuses_an_unmasked_phone():
    with pytest.raises(ValueError, match="masked"):
        CitizenGuide(
            dossier_code="X",
            procedure_name="Đăng ký khai sinh",
            applicant_name="Lò Thị Xuân",
            applicant_phone_masked="0987654321",
            receiving_unit="UBND xã",
            submitted_at=SUBMITTED,
            due_date=None,
            provisional=True,
            return_channel="online",
            return_channel_label="Nhận kết quả trực tuyến",
            return_place="",
            lookup_url="https://example.vn/tra-cuu/X",
        )


def test_a_long_guide_stays_on_one_page(assisted):
    guide = receipts.citizen_guide(assisted("paper", return_channel="counter"))
    long = replace(
        guide,
        procedure_name=(
            "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ "
            "tại nông thôn thuộc khu vực có quy hoạch"
        ),
        applicant_name="Lương Thị Thanh Huyền Trang",
        return_place="Trung tâm Phục vụ hành chính công xã Mường Xén, Khối 1, xã Mường Xén",
        team_name="Tổ công nghệ số cộng đồng Thôn Làng Mới Phía Trong Khe Nước Lạnh",
        assist_place="Nhà văn hóa Thôn Làng Mới Phía Trong Khe Nước Lạnh",
        team_phone="0238 3844 123",
    )
    reader = read(render_guide(long))
    assert len(reader.pages) == 1
    text = text_of(reader)
    assert "Điện thoại của tổ: 0238 3844 123" in text
    assert "Lương Thị Thanh Huyền Trang" in text
