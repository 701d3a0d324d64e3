"""The administration of units (receiving units, QCVN 102 codes)."""

from __future__ import annotations

import pytest
from admin_helpers import (
    HTMX,
    NEW_CODE,
    commune_units,
    page,
    unit_data,
)
from sqlalchemy import func, select

from app.catalogue.models import Unit
from app.core.roles import Role
from app.dossiers.models import Dossier
from app.extensions import db

pytestmark = pytest.mark.usefixtures("clean_units")


# --- units --------------------------------------------------------------------------------------


def test_admin_creates_a_unit(admin_client) -> None:
    response = admin_client.post("/quan-tri/don-vi/moi", data=unit_data())
    assert response.status_code == 303
    unit = db.session.scalar(select(Unit).filter_by(code=NEW_CODE))
    assert unit is not None and unit.name == "Điểm tiếp nhận Bản Phà Khảo"
    assert unit.commune_code is None
    listing = admin_client.get(response.location)
    assert "Đã thêm đơn vị" in listing.text and NEW_CODE in listing.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "000.99.1.H40"}, "Mã đơn vị chưa đúng mẫu QCVN 102:2016"),
        ({"code": "000.99.01.h4"}, "Mã đơn vị chưa đúng mẫu QCVN 102:2016"),
        ({"code": "000.00.00.H40"}, "đã được dùng cho"),
        ({"name": "  "}, "Vui lòng nhập tên đơn vị."),
        ({"commune_code": "17329"}, "Xã, phường này đã có trung tâm"),
        ({"kind": "province_centre", "commune_code": "17329"}, "không gắn với một xã"),
        ({"kind": "district"}, "Vui lòng chọn loại đơn vị."),
        ({"support_phone": "gọi chị Hoa"}, "Số điện thoại hỗ trợ chỉ gồm chữ số"),
        ({"support_phone": "123"}, "Số điện thoại hỗ trợ chỉ gồm chữ số"),
    ],
)
def test_invalid_unit_is_shown_again_with_422(admin_client, data, message) -> None:
    posted = unit_data(**data)
    response = admin_client.post("/quan-tri/don-vi/moi", data=posted)
    assert response.status_code == 422
    assert message in response.text
    html = page(response)
    assert html.find(id="error-summary") is not None
    # Nothing typed is lost.
    assert html.find("input", attrs={"name": "address"})["value"] == posted["address"]
    assert html.find("input", attrs={"name": "code"})["value"] == posted["code"]
    assert db.session.scalar(select(Unit).filter_by(code=NEW_CODE)) is None


def test_invalid_unit_with_htmx_gets_the_form_fragment(admin_client) -> None:
    response = admin_client.post("/quan-tri/don-vi/moi", data=unit_data(code="bad"), headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="unit-form"' in response.text
    response = admin_client.post("/quan-tri/don-vi/moi", data=unit_data(), headers=HTMX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/quan-tri/don-vi")


def test_admin_edits_a_unit(admin_client) -> None:
    admin_client.post("/quan-tri/don-vi/moi", data=unit_data())
    unit = db.session.scalar(select(Unit).filter_by(code=NEW_CODE))
    form = page(admin_client.get(f"/quan-tri/don-vi/{unit.id}"))
    assert form.find("input", attrs={"name": "name"})["value"] == unit.name
    response = admin_client.post(
        f"/quan-tri/don-vi/{unit.id}",
        data=unit_data(name="Điểm tiếp nhận Phà Khảo", code="000.99.02.H40"),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (unit.name, unit.code) == ("Điểm tiếp nhận Phà Khảo", "000.99.02.H40")


def test_the_provincial_centre_keeps_its_code(admin_client) -> None:
    centre = db.session.scalar(select(Unit).filter_by(code="000.00.00.H40"))
    response = admin_client.post(
        f"/quan-tri/don-vi/{centre.id}",
        data=unit_data(code="000.98.00.H40", kind="province_centre", name=centre.name),
    )
    assert response.status_code == 422
    assert "Không đổi được mã của Trung tâm cấp tỉnh" in response.text
    db.session.expire_all()
    assert centre.code == "000.00.00.H40"


def test_unit_search_ignores_diacritics_and_paginates(admin_client) -> None:
    admin_client.post("/quan-tri/don-vi/moi", data=unit_data())
    html = page(admin_client.get("/quan-tri/don-vi", query_string={"q": "PHA khao"}))
    rows = html.select("table.list tbody tr")
    assert [r.select_one(".code").get_text() for r in rows] == [NEW_CODE]
    html = page(admin_client.get("/quan-tri/don-vi", query_string={"q": "anh son dong"}))
    assert [a.get_text() for a in html.select("tbody a")] == [
        "Trung tâm Phục vụ hành chính công xã Anh Sơn Đông"
    ]

    total = db.session.scalar(select(func.count()).select_from(Unit))
    assert total > 100
    first = page(admin_client.get("/quan-tri/don-vi"))
    assert len(first.select("table.list tbody tr")) == 50
    last_page = -(-total // 50)
    last = page(admin_client.get("/quan-tri/don-vi", query_string={"trang": last_page}))
    assert len(last.select("table.list tbody tr")) == total - 50 * (last_page - 1)
    assert last.find("a", rel="next") is None and last.find("a", rel="prev") is not None


def test_staff_count_per_unit(admin_client, make_user) -> None:
    unit = commune_units(1)[0]
    make_user(role=Role.OFFICER, units=[unit])
    make_user(role=Role.SPECIALIST, units=[unit])
    html = page(admin_client.get("/quan-tri/don-vi", query_string={"q": unit.code}))
    (row,) = html.select("table.list tbody tr")
    assert row.select_one(".num").get_text() == "2"


def test_a_unit_with_staff_is_not_deleted(admin_client, make_user) -> None:
    admin_client.post("/quan-tri/don-vi/moi", data=unit_data())
    unit = db.session.scalar(select(Unit).filter_by(code=NEW_CODE))
    make_user(role=Role.OFFICER, units=[unit])
    assert "còn 1 cán bộ" in admin_client.get(f"/quan-tri/don-vi/{unit.id}").text
    response = admin_client.post(f"/quan-tri/don-vi/{unit.id}/xoa", follow_redirects=True)
    assert "Không thể xóa" in response.text and "còn 1 cán bộ" in response.text
    assert db.session.scalar(select(Unit).filter_by(code=NEW_CODE)) is not None


def test_a_unit_with_dossiers_is_not_deleted(admin_client, citizen, procedure) -> None:
    unit = db.session.scalar(select(Unit).filter_by(code="000.00.00.H40"))
    other = commune_units(1)[0]  # a seeded unit: the wipe after the test removes the dossier
    dossier = Dossier(
        client_token="t", owner_id=citizen.id, procedure_id=procedure.id, current_unit_id=other.id
    )
    db.session.add(dossier)
    db.session.commit()
    response = admin_client.post(f"/quan-tri/don-vi/{other.id}/xoa", follow_redirects=True)
    assert "đã tiếp nhận hoặc đang giữ hồ sơ (1 hồ sơ)" in response.text
    response = admin_client.post(f"/quan-tri/don-vi/{unit.id}/xoa", follow_redirects=True)
    assert "Không thể xóa Trung tâm cấp tỉnh" in response.text
    db.session.expire_all()
    assert db.session.get(Unit, other.id) is not None and db.session.get(Unit, unit.id)


def test_an_unused_unit_is_deleted(admin_client) -> None:
    admin_client.post("/quan-tri/don-vi/moi", data=unit_data())
    unit = db.session.scalar(select(Unit).filter_by(code=NEW_CODE))
    response = admin_client.post(f"/quan-tri/don-vi/{unit.id}/xoa")
    assert response.status_code == 303
    assert "Đã xóa đơn vị" in admin_client.get(response.location).text
    db.session.expire_all()
    assert db.session.scalar(select(Unit).filter_by(code=NEW_CODE)) is None


# --- the footer's help line ---------------------------------------------------------------------


def _footer(client) -> str:  # type: ignore[no-untyped-def]
    return str(page(client.get("/")).find("footer"))


def test_the_footer_gives_the_unit_number_or_the_province_one(app, admin_client, make_user) -> None:
    """A unit's own number for its staff, the province's for everyone else, none if unset."""
    from helpers import login

    app.config["SUPPORT_PHONE"] = ""
    assert "Hỗ trợ: gọi Bộ phận Một cửa xã" in _footer(app.test_client())
    app.config["SUPPORT_PHONE"] = "1900 1234"
    assert 'href="tel:19001234">1900 1234</a>' in _footer(app.test_client())

    admin_client.post("/quan-tri/don-vi/moi", data=unit_data())
    unit = db.session.scalar(select(Unit).filter_by(code=NEW_CODE))
    assert unit.support_phone == "0238 3844 123"
    officer = make_user(Role.OFFICER)
    officer.units.append(unit)
    db.session.commit()
    client = app.test_client()
    login(client, officer)
    assert 'href="tel:02383844123">0238 3844 123</a>' in _footer(client)
    # A unit without a number of its own falls back to the province's.
    admin_client.post(f"/quan-tri/don-vi/{unit.id}", data=unit_data(support_phone=""))
    assert 'href="tel:19001234">1900 1234</a>' in _footer(client)
