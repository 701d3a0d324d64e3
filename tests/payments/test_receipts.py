"""The fee receipt of every payment: a real PDF (A5, 80 mm) read back as text, for the owner
and the unit's staff only."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers import fee_settled, login, staff_client, submit_via_services
from payment_helpers import page_size_mm, pdf_text
from sqlalchemy import select

from app.catalogue.models import Unit
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.payments.models import Payment


@pytest.fixture
def paid(app, owed, officer):  # type: ignore[no-untyped-def]
    """The online dossier's 10.000 đ paid in cash to the officer, Monday 23/11/2026 09:15."""
    clock.freeze(datetime(2026, 11, 23, 9, 15))
    fee_settled(owed, officer[1])
    db.session.commit()
    return db.session.scalar(select(Payment).filter_by(dossier_id=owed.id))


def test_the_a5_receipt_has_the_number_the_amount_in_words_and_both_signatures(
    app, paid, owed, officer, citizen
) -> None:  # type: ignore[no-untyped-def]
    client, user = officer
    url = f"/ho-so/{owed.id}/bien-lai/{paid.id}.pdf"
    page = client.get(f"/can-bo/ho-so/{owed.id}").text
    assert url in page and f"{url}?kho=80" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f"bien-lai-{paid.receipt_number}.pdf" in response.headers["Content-Disposition"]
    width, height = page_size_mm(response.data)
    assert (width, height) == (148.0, 210.0)
    text = pdf_text(response.data)
    unit = db.session.get(Unit, owed.receiving_unit_id)
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        f"Số: {paid.receipt_number}",
        unit.name.upper(),
        "Độc lập - Tự do - Hạnh phúc",
        f"Người nộp tiền: {citizen.full_name}",
        f"Mã hồ sơ: {owed.code}",
        "Thủ tục: Đăng ký thường trú",
        "Hình thức nộp: Tiền mặt tại Bộ phận Một cửa",
        "10.000 đ",
        "Bằng chữ: Mười nghìn đồng chẵn",
        "Thời gian nộp: 09 giờ 15 phút, ngày 23/11/2026",
        user.full_name,
        "(Ký, ghi rõ họ tên)",
    ):
        assert expected in text, expected
    assert "Tham chiếu" not in text  # cash: no transfer reference


def test_the_80mm_receipt_is_a_roll_as_tall_as_its_content(app, paid, owed, citizen) -> None:  # type: ignore[no-untyped-def]
    owner = app.test_client()
    login(owner, citizen)
    page = owner.get(f"/ho-so/{owed.id}").text
    assert "Biên lai phí, lệ phí" in page and paid.receipt_number in page
    response = owner.get(f"/ho-so/{owed.id}/bien-lai/{paid.id}.pdf?kho=80")
    assert response.status_code == 200
    width, height = page_size_mm(response.data)
    assert width == 80.0 and 90 < height < 250
    text = pdf_text(response.data)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert paid.receipt_number in text and "Mười nghìn đồng chẵn" in text
    # The same receipt again is the same stored file (ETag), not a new render.
    again = owner.get(f"/ho-so/{owed.id}/bien-lai/{paid.id}.pdf?kho=80")
    assert again.data == response.data and again.headers.get("ETag")


def test_nobody_else_gets_a_receipt(app, paid, owed, make_user) -> None:  # type: ignore[no-untyped-def]
    url = f"/ho-so/{owed.id}/bien-lai/{paid.id}.pdf"
    other_citizen = app.test_client()
    login(other_citizen, make_user(full_name="Hà Văn Tú"))
    assert other_citizen.get(url).status_code == 404
    elsewhere = db.session.scalar(select(Unit).where(Unit.id != owed.receiving_unit_id))
    stranger, _ = staff_client(app, make_user, Role.OFFICER, [elsewhere])
    assert stranger.get(url).status_code == 404
    postal, _ = staff_client(app, make_user, Role.POSTAL, [])
    assert postal.get(url).status_code == 404
    specialist, _ = staff_client(app, make_user, Role.SPECIALIST, [owed.receiving_unit])
    assert specialist.get(url).status_code == 200
    # The right receipt under another dossier's address is not found either.
    assert specialist.get(f"/ho-so/{owed.id + 1}/bien-lai/{paid.id}.pdf").status_code == 404
    assert app.test_client().get(url).status_code == 303  # to the sign-in page


def test_a_payer_with_a_long_name_and_a_big_amount_still_fits_one_a5_page(
    app, citizen, residence, officer
) -> None:  # type: ignore[no-untyped-def]
    from app.payments.operations import record_payment

    dossier = submit_via_services(citizen, residence, "big")
    payment = record_payment(
        dossier,
        method="counter",
        amount=1_234_567_000,
        staff=officer[1],
        payer_name="Nguyễn Thị Phương Thảo Hoàng Lan Anh Ngọc Bích Trâm Quỳnh Như " * 2,
    )
    db.session.commit()
    response = officer[0].get(f"/ho-so/{dossier.id}/bien-lai/{payment.id}.pdf")
    text = pdf_text(response.data)
    assert "1.234.567.000 đ" in text
    assert "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn đồng chẵn" in text.replace(
        "- ", ""
    )
    from io import BytesIO

    from pypdf import PdfReader

    assert len(PdfReader(BytesIO(response.data)).pages) == 1
