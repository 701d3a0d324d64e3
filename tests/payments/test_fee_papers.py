"""Mẫu 01 (A5 and 80 mm) and the volunteer's guide print what is owed and how to pay it while
the fee is due: the VietQR code (read back from the PDF) and the account, amount and reference
as text (app/dossiers/fees.py, templates/pdf/_receipt_01_fee.html)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import zxingcpp
from flask import Flask
from helpers import login, submit_via_services
from pypdf import PdfReader
from sqlalchemy import select

from app.catalogue.models import Procedure
from app.catalogue.operations import remove_collection_account, save_collection_account
from app.core import clock, vietqr
from app.documents.fee import FeeInstructions
from app.documents.guide import CitizenGuide, render_guide
from app.dossiers.models import Dossier
from app.dossiers.receipt import guide_pdf, receipt_pdf
from app.extensions import db
from app.payments.operations import record_payment


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _codes(pdf: bytes) -> list[str]:
    """Every QR code of the PDF's images, decoded."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [code.text for code in zxingcpp.read_barcodes(image.image)]
    return found


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def owing(app: Flask, citizen) -> Dossier:  # type: ignore[no-untyped-def]
    """Criminal record certificate (200.000 đ, before processing), submitted online to the
    provincial centre, which collects into a VietinBank account."""
    clock.freeze(datetime(2026, 11, 23, 9, 5))
    procedure = db.session.scalar(select(Procedure).filter_by(code="3.000333"))
    dossier = submit_via_services(citizen, procedure, "records")
    save_collection_account(
        dossier.receiving_unit,
        bank_bin="970415",
        account_number="1130-0018-8868",
        account_name="Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
    )
    db.session.commit()
    return dossier


def _payload(dossier: Dossier) -> str:
    return vietqr.fee_payload("970415", "113000188868", 200000, dossier.payment_reference)


@pytest.mark.parametrize("layout", ["a5", "80mm"])
def test_the_receipt_prints_the_qr_and_the_text(app, owing, layout) -> None:
    pdf = receipt_pdf(owing, layout)
    text = _text(pdf)
    assert "7. Phí, lệ phí: 200.000 đồng, chưa nộp." in text
    assert "Nộp phí, lệ phí trước khi hồ sơ được tiếp nhận giải quyết." in text
    assert "113000188868" in text and "VietinBank" in text
    assert "TRUNG TAM PHUC VU HANH CHINH CONG TINH NGHE AN" in text
    assert f"nội dung chuyển khoản: {owing.payment_reference}" in text
    codes = _codes(pdf)
    assert _payload(owing) in codes and vietqr.crc_is_valid(_payload(owing))
    # The tracking code is still there beside the payment code.
    assert any(code.endswith(f"/tra-cuu/{owing.code}") for code in codes)
    if layout == "a5":
        assert _pages(pdf) == 1


def test_the_guide_prints_the_qr_and_the_text(app, owing) -> None:
    pdf = guide_pdf(owing)
    text = _text(pdf)
    assert _pages(pdf) == 1
    assert "PHÍ, LỆ PHÍ: 200.000 đồng" in text
    assert "Nộp phí, lệ phí trước khi hồ sơ được tiếp nhận giải quyết" in text
    assert owing.payment_reference in text and "113000188868" in text
    assert _payload(owing) in _codes(pdf)


def test_without_an_account_the_papers_say_cash(app, owing) -> None:
    remove_collection_account(owing.receiving_unit)
    db.session.commit()
    pdf = receipt_pdf(owing)
    text = _text(pdf)
    assert "7. Phí, lệ phí: 200.000 đồng, chưa nộp." in text
    assert f"Nộp tiền mặt tại {owing.receiving_unit.name}" in text
    assert "Chuyển khoản" not in text
    assert not any(code.startswith("000201") for code in _codes(pdf))


def test_once_paid_the_receipt_shows_no_payment_and_the_owner_downloads_the_new_one(
    app, citizen, owing
) -> None:
    client = app.test_client()
    login(client, citizen)
    before = client.get(f"/ho-so/{owing.id}/giay-tiep-nhan.pdf")
    assert before.status_code == 200 and _payload(owing) in _codes(before.data)
    record_payment(owing, method="vietqr", amount=200000)
    db.session.commit()
    after = client.get(f"/ho-so/{owing.id}/giay-tiep-nhan.pdf")
    assert after.status_code == 200
    assert "Phí, lệ phí" not in _text(after.data)
    assert not any(code.startswith("000201") for code in _codes(after.data))


def test_a_free_dossier_prints_no_fee(app, citizen, procedure) -> None:
    dossier = submit_via_services(citizen, procedure, "free")
    assert "Phí, lệ phí" not in _text(receipt_pdf(dossier))


def test_a_helped_citizens_guide_with_a_fee_stays_on_one_page(app) -> None:
    """The heaviest guide: a long procedure name, a helper's block, papers to take to the
    counter, and a fee to pay by transfer."""
    payload = vietqr.fee_payload("970405", "3600205012345", 135000, "MC7K3P9QXB")
    fee = FeeInstructions(
        amount=135000,
        reference="MC7K3P9QXB",
        timing="Nộp phí, lệ phí trước khi hồ sơ được tiếp nhận giải quyết",
        cash_place="Trung tâm Phục vụ hành chính công xã Mường Xén, Khối 2, xã Mường Xén",
        bank_name="Agribank (Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam)",
        account_number="3600205012345",
        account_name="UBND XA MUONG XEN",
        payload=payload,
    )
    guide = CitizenGuide(
        dossier_code="000.01.23.H40-261123-0042",
        procedure_name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài "
        "đang cư trú tại Việt Nam",
        applicant_name="Lô Thị Xuân Hương",
        applicant_phone_masked="0912***678",
        receiving_unit="Trung tâm Phục vụ hành chính công xã Mường Xén",
        submitted_at=datetime(2026, 11, 23, 9, 5),
        due_date=None,
        provisional=True,
        return_channel="post",
        return_channel_label="Nhận kết quả qua dịch vụ bưu chính công ích",
        return_place="Bản Huồi Tụ, xã Mường Xén, Nghệ An",
        lookup_url="https://dichvucong.nghean.gov.vn/tra-cuu/000.01.23.H40-261123-0042",
        helper_name="Vi Văn Thắng",
        team_name="Tổ công nghệ số cộng đồng bản Huồi Tụ",
        assist_place="Nhà văn hóa bản Huồi Tụ",
        team_phone="0912 345 678",
        papers_text="Mang giấy tờ bản chính và tờ này đến Trung tâm Phục vụ hành chính công "
        "xã Mường Xén, Khối 2 (giờ hành chính). Hồ sơ được giải quyết từ khi cán bộ nhận đủ "
        "giấy tờ.",
        due_pending="Trong 10 ngày làm việc, tính từ khi cơ quan nhận được giấy tờ",
        fee=fee,
    )
    pdf = render_guide(guide)
    assert _pages(pdf) == 1
    assert payload in _codes(pdf) and "MC7K3P9QXB" in _text(pdf)
