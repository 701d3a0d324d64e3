"""The citizen's payment page and the fee panels (app/payments/views/citizen.py, panels.py):
what is owed, when, and how, as a VietQR code a banking app reads and as text to type."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from flask import Flask
from helpers import complete_draft, login, staff_client, submit_via_services
from PIL import Image
from sqlalchemy import select

from app.catalogue.models import Procedure, Unit
from app.catalogue.operations import save_collection_account
from app.core import clock, payref, vietqr
from app.core.roles import Role
from app.documents.receipt import qr_png, qr_svg
from app.dossiers.models import Dossier
from app.extensions import db
from app.payments.models import Payment
from app.payments.operations import record_payment

RESIDENCE = "1.004222"  # permanent residence: 10.000 đ online, paid before processing
COPIES = "2.000815"  # certified copies: paid before the result


def _procedure(code: str) -> Procedure:
    return db.session.scalar(select(Procedure).filter_by(code=code))


def _unit() -> Unit:
    return db.session.scalar(select(Unit).filter_by(commune_code="17329"))


@pytest.fixture
def account(app: Flask) -> Unit:
    """The applicants' commune centre collects into a (made-up) Agribank account."""
    unit = _unit()
    save_collection_account(
        unit,
        bank_bin="970405",
        account_number="3600 2050 12345",
        account_name="Ủy ban nhân dân xã Mường Xén",
    )
    db.session.commit()
    return unit


@pytest.fixture
def owing(app: Flask, citizen) -> Dossier:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 23, 9, 5))
    return submit_via_services(citizen, _procedure(RESIDENCE), "owing")


def _owner(app: Flask, citizen):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, citizen)
    return client


def _decode_png(png: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_owner_sees_the_amount_the_account_the_reference_and_a_qr(
    app, citizen, account, owing
) -> None:
    page = _owner(app, citizen).get(f"/ho-so/{owing.id}/nop-phi")
    assert page.status_code == 200
    text = " ".join(BeautifulSoup(page.text, "html.parser").get_text(" ").split())
    reference = owing.payment_reference
    assert payref.is_valid(reference)
    assert "Số tiền cần nộp: 10.000 đồng" in text
    assert "Nộp phí, lệ phí trước khi hồ sơ được tiếp nhận giải quyết" in text
    assert "Agribank" in text and "360020501234 5".replace(" ", "") in text
    assert "UY BAN NHAN DAN XA MUONG XEN" in text
    assert f"Nội dung chuyển khoản {reference}" in text
    # The inline SVG is the code of the dossier's VietQR payload, and a reader gets it back.
    expected = vietqr.fee_payload("970405", "3600205012345", 10000, reference)
    assert qr_svg(expected) in page.text
    decoded = _decode_png(qr_png(expected))
    assert decoded == [expected] and vietqr.crc_is_valid(decoded[0])
    fields = vietqr.parse(decoded[0])
    assert fields["01"] == "12" and fields["54"] == "10000"
    assert vietqr.parse(fields["62"]) == {"01": reference, "08": reference}
    # Cash stays possible, at the unit that received the dossier.
    assert f"Hoặc nộp tiền mặt Tại {owing.receiving_unit.name}" in text


def test_the_page_works_without_javascript_and_has_no_script_of_its_own(
    app, citizen, account, owing
) -> None:
    page = _owner(app, citizen).get(f"/ho-so/{owing.id}/nop-phi")
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("figure.qr svg") is not None
    assert not soup.select("main script") and len(soup.find_all("h1")) == 1


def test_without_a_collection_account_the_page_offers_cash_only(app, citizen, owing) -> None:
    page = _owner(app, citizen).get(f"/ho-so/{owing.id}/nop-phi")
    assert page.status_code == 200
    assert 'class="qr"' not in page.text and "Chuyển khoản" not in page.text
    assert "Nộp tiền mặt" in page.text and "10.000 đồng" in page.text


def test_other_people_get_404(app, citizen, make_user, account, owing) -> None:
    stranger = make_user(full_name="Lò Thị Xuân")
    assert _owner(app, stranger).get(f"/ho-so/{owing.id}/nop-phi").status_code == 404
    officer, _ = staff_client(app, make_user, Role.OFFICER, [account])
    assert officer.get(f"/ho-so/{owing.id}/nop-phi").status_code == 404
    assert _owner(app, citizen).get("/ho-so/999999/nop-phi").status_code == 404
    anonymous = app.test_client().get(f"/ho-so/{owing.id}/nop-phi")
    assert anonymous.status_code in (302, 303) and "/dang-nhap" in anonymous.location


def test_a_draft_has_no_payment_page(app, citizen) -> None:
    draft = complete_draft(citizen, _procedure(RESIDENCE), "draft")
    assert _owner(app, citizen).get(f"/ho-so/{draft.id}/nop-phi").status_code == 404


def test_once_paid_the_page_says_so_and_shows_no_code(app, citizen, account, owing) -> None:
    record_payment(owing, method="counter", amount=10000, payer_name="Nguyễn Thị Hoa")
    db.session.commit()
    page = _owner(app, citizen).get(f"/ho-so/{owing.id}/nop-phi")
    assert page.status_code == 200
    assert "Đã nộp phí" in page.text and 'class="qr"' not in page.text
    assert owing.payment_reference not in page.text


def test_the_dossier_page_has_the_fee_panel_with_the_way_to_pay(
    app, citizen, account, owing
) -> None:
    client = _owner(app, citizen)
    soup = BeautifulSoup(client.get(f"/ho-so/{owing.id}").text, "html.parser")
    panel = soup.find(id="fee-title").parent
    assert "Chưa nộp phí: 10.000 đồng" in " ".join(panel.get_text(" ").split())
    link = panel.find("a", href=f"/ho-so/{owing.id}/nop-phi")
    assert link is not None and link.get_text() == "Nộp phí bằng mã QR"
    record_payment(owing, method="vietqr", amount=10000)
    db.session.commit()
    soup = BeautifulSoup(client.get(f"/ho-so/{owing.id}").text, "html.parser")
    panel = soup.find(id="fee-title").parent
    assert "Đã nộp phí" in panel.get_text()
    assert panel.find("a", href=f"/ho-so/{owing.id}/nop-phi") is None
    # What is left to follow is the receipt of what was paid.
    links = [a["href"] for a in panel.find_all("a")]
    assert links == [f"/ho-so/{owing.id}/bien-lai/{owing_payment_id(owing)}.pdf"]


def owing_payment_id(dossier) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(Payment.id).where(Payment.dossier_id == dossier.id))


def test_a_free_dossier_has_no_fee_panel(app, citizen, procedure) -> None:
    dossier = submit_via_services(citizen, procedure, "free")
    page = _owner(app, citizen).get(f"/ho-so/{dossier.id}")
    assert page.status_code == 200 and 'id="fee-title"' not in page.text


def test_the_check_step_says_what_this_way_of_sending_costs(app, citizen) -> None:
    draft = complete_draft(citizen, _procedure(COPIES), "copies")
    page = _owner(app, citizen).get(f"/ho-so/{draft.id}/kiem-tra")
    assert page.status_code == 200
    text = " ".join(BeautifulSoup(page.text, "html.parser").get_text(" ").split())
    assert "Phí, lệ phí theo cách gửi này: 2.000 đ" in text
    assert "Nộp phí, lệ phí trước khi nhận kết quả" in text
    assert re.search(r"Sau khi nộp hồ sơ, trang hồ sơ có mã QR", text)
