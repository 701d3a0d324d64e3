"""The administrator keeps each unit's collection account (app/catalogue/views/admin.py): the
bank by its NAPAS BIN, the account number and the holder's name as the bank writes it."""

from __future__ import annotations

import pytest
from admin_helpers import HTMX, page
from helpers import login
from sqlalchemy import func, select

from app.catalogue.banks import BANKS
from app.catalogue.demo import create_demo_collection_accounts
from app.catalogue.models import CollectionAccount, Unit
from app.core import vietqr
from app.core.roles import Role
from app.extensions import db


def _unit() -> Unit:
    return db.session.scalar(select(Unit).filter_by(commune_code="17329"))


def _url(unit: Unit) -> str:
    return f"/quan-tri/don-vi/{unit.id}/tai-khoan-thu"


GOOD = {
    "bank_bin": "970418",
    "account_number": " 5111.0000-123 456 ",
    "account_name": "Ủy ban nhân dân xã Anh Sơn – tài khoản thu phí, lệ phí",
}


def test_admin_adds_an_account_typed_as_people_type_it(admin_client) -> None:
    unit = _unit()
    before = admin_client.get(f"/quan-tri/don-vi/{unit.id}")
    assert "Chưa có tài khoản" in before.text and _url(unit) in before.text
    response = admin_client.post(_url(unit), data=GOOD)
    assert response.status_code == 303
    account = db.session.scalar(select(CollectionAccount).filter_by(unit_id=unit.id))
    assert account.bank_bin == "970418" and account.bank_name.startswith("BIDV")
    assert account.account_number == "51110000123456"
    assert account.account_name == "UY BAN NHAN DAN XA ANH SON TAI KHOAN THU PHI LE PHI"
    shown = admin_client.get(response.location)
    assert "Đã lưu tài khoản thu phí" in shown.text and "51110000123456" in shown.text
    # The account makes a VietQR code a banking app accepts.
    payload = vietqr.fee_payload(account.bank_bin, account.account_number, 10000, "MC0000001Y")
    assert vietqr.crc_is_valid(payload)


def test_admin_changes_then_removes_the_account(admin_client) -> None:
    unit = _unit()
    assert admin_client.post(_url(unit), data=GOOD).status_code == 303
    changed = {**GOOD, "bank_bin": "970436", "account_number": "0071000123456"}
    assert admin_client.post(_url(unit), data=changed).status_code == 303
    accounts = list(db.session.scalars(select(CollectionAccount).filter_by(unit_id=unit.id)))
    assert [(a.bank_bin, a.account_number) for a in accounts] == [("970436", "0071000123456")]
    form = admin_client.get(_url(unit))
    assert page(form).find("input", attrs={"name": "account_number"})["value"] == "0071000123456"
    removed = admin_client.post(f"{_url(unit)}/xoa")
    assert removed.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(CollectionAccount).filter_by(unit_id=unit.id)) is None
    assert "chỉ nộp phí bằng tiền mặt" in admin_client.get(removed.location).text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"bank_bin": ""}, "bank_bin", "Vui lòng chọn ngân hàng"),
        ({"bank_bin": "123456"}, "bank_bin", "Vui lòng chọn ngân hàng"),
        ({"account_number": "12345"}, "account_number", "6 đến 19 chữ số"),
        ({"account_number": "0011/0012/3456"}, "account_number", "6 đến 19 chữ số"),
        ({"account_number": "Số tài khoản"}, "account_number", "6 đến 19 chữ số"),
        ({"account_number": "1" * 20}, "account_number", "6 đến 19 chữ số"),
        ({"account_number": ""}, "account_number", "Vui lòng nhập số tài khoản."),
        ({"account_name": "  "}, "account_name", "Vui lòng nhập tên chủ tài khoản"),
        ({"account_name": "“—”"}, "account_name", "Vui lòng nhập tên chủ tài khoản như"),
        ({"account_name": "Kho bạc " * 12}, "account_name", "dài quá 70 ký tự"),
    ],
)
def test_a_wrong_account_comes_back_with_422_on_its_field(admin_client, data, field, message):
    unit = _unit()
    posted = {**GOOD, **data}
    response = admin_client.post(_url(unit), data=posted)
    assert response.status_code == 422
    html = page(response)
    error = html.find(id=f"{field}-error")
    assert error is not None and message in error.get_text()
    assert html.find("input", attrs={"name": "account_name"})["value"] == posted["account_name"]
    assert db.session.scalar(select(CollectionAccount).filter_by(unit_id=unit.id)) is None


def test_htmx_gets_the_form_fragment(admin_client) -> None:
    response = admin_client.post(_url(_unit()), data={**GOOD, "bank_bin": ""}, headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="collection-account-form"' in response.text


def test_only_the_administrator_reaches_the_account(app, make_user) -> None:
    unit = _unit()
    officer = make_user(role=Role.OFFICER, units=[unit])
    client = app.test_client()
    login(client, officer)
    assert client.get(_url(unit)).status_code in (403, 404)
    assert client.post(_url(unit), data=GOOD).status_code in (403, 404)
    assert db.session.scalar(select(CollectionAccount).filter_by(unit_id=unit.id)) is None


def test_the_units_list_shows_each_account(admin_client) -> None:
    unit = _unit()
    admin_client.post(_url(unit), data=GOOD)
    listing = admin_client.get(f"/quan-tri/don-vi?q={unit.code}")
    assert "51110000123456" in listing.text
    assert admin_client.get("/quan-tri/don-vi/999999/tai-khoan-thu").status_code == 404


def test_every_demo_unit_gets_an_account_at_a_real_bank(app) -> None:
    added = create_demo_collection_accounts()
    db.session.commit()
    units = list(db.session.scalars(select(Unit)))
    assert added == len(units) > 100
    for unit in units:
        account = unit.collection_account
        assert account is not None and account.bank_bin in BANKS
        assert vietqr.crc_is_valid(
            vietqr.fee_payload(account.bank_bin, account.account_number, 20000, "MC0000001Y")
        )
    assert create_demo_collection_accounts() == 0


def test_the_administrations_home_counts_units_without_an_account(admin_client) -> None:
    total = db.session.scalar(select(func.count()).select_from(Unit))
    home = admin_client.get("/quan-tri/")
    assert f"{total} chưa có tài khoản thu phí" in home.text
    admin_client.post(_url(_unit()), data=GOOD)
    assert f"{total - 1} chưa có tài khoản thu phí" in admin_client.get("/quan-tri/").text
