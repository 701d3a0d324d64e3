"""Administration pages: access, units, staff and one-time passwords, calendar overrides."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from helpers import PASSWORD, login
from sqlalchemy import delete, func, select

from app.accounts.models import User, unit_memberships
from app.accounts.staff import generate_password
from app.catalogue.models import CalendarOverride, Unit
from app.core import clock
from app.core.roles import Role
from app.dossiers.calendar import upcoming_holidays, working_calendar
from app.dossiers.deadlines import WorkingCalendar
from app.dossiers.models import Dossier
from app.extensions import db
from app.postal.models import PostOffice

HTMX = {"HX-Request": "true"}
NEW_CODE = "000.99.01.H40"


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clean_units(app: Flask) -> Iterator[None]:
    """Units are seeded once per backend and not wiped between tests: remove the ones a test
    adds. Memberships are cleared too (SQLite does not cascade the wipe of users)."""
    db.session.execute(delete(unit_memberships))
    db.session.commit()
    before = set(db.session.scalars(select(Unit.id)))
    yield
    db.session.rollback()
    db.session.execute(delete(unit_memberships))
    added = set(db.session.scalars(select(Unit.id))) - before
    if added:
        db.session.execute(delete(Unit).where(Unit.id.in_(added)))
    db.session.commit()


@pytest.fixture
def admin(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(role=Role.ADMIN, full_name="Phạm Quốc Anh")


@pytest.fixture
def admin_client(app: Flask, admin: User) -> FlaskClient:
    client = app.test_client()
    login(client, admin)
    return client


def commune_units(n: int) -> list[Unit]:
    return list(
        db.session.scalars(
            select(Unit).where(Unit.kind == "commune_centre").order_by(Unit.code).limit(n)
        )
    )


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def shown_password(response) -> str | None:  # type: ignore[no-untyped-def]
    tag = page(response).select_one(".password")
    return tag.get_text(strip=True) if tag else None


def admin_urls(unit_id: int, user_id: int, override_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/quan-tri/"),
        ("GET", "/quan-tri/don-vi"),
        ("GET", "/quan-tri/don-vi/moi"),
        ("POST", "/quan-tri/don-vi/moi"),
        ("GET", f"/quan-tri/don-vi/{unit_id}"),
        ("POST", f"/quan-tri/don-vi/{unit_id}"),
        ("POST", f"/quan-tri/don-vi/{unit_id}/xoa"),
        ("GET", "/quan-tri/can-bo"),
        ("GET", "/quan-tri/can-bo/moi"),
        ("POST", "/quan-tri/can-bo/moi"),
        ("GET", f"/quan-tri/can-bo/{user_id}"),
        ("POST", f"/quan-tri/can-bo/{user_id}"),
        ("POST", f"/quan-tri/can-bo/{user_id}/cap-lai-mat-khau"),
        ("GET", f"/quan-tri/can-bo/{user_id}/mat-khau"),
        ("GET", "/quan-tri/ngay-nghi"),
        ("POST", "/quan-tri/ngay-nghi"),
        ("POST", f"/quan-tri/ngay-nghi/{override_id}/xoa"),
        # Post offices (tests/postal/test_admin.py covers them in depth); the refusals
        # here come before any object is loaded, so the ids need not exist.
        ("GET", "/quan-tri/buu-cuc"),
        ("GET", "/quan-tri/buu-cuc/moi"),
        ("POST", "/quan-tri/buu-cuc/moi"),
        ("GET", "/quan-tri/buu-cuc/9"),
        ("POST", "/quan-tri/buu-cuc/9"),
        ("GET", "/quan-tri/buu-cuc/9/lich"),
        ("POST", "/quan-tri/buu-cuc/9/lich/khung-gio"),
        ("POST", "/quan-tri/buu-cuc/9/lich/khung-gio/9/xoa"),
        ("POST", "/quan-tri/buu-cuc/9/lich/ngay-nghi"),
        ("POST", "/quan-tri/buu-cuc/9/lich/ngay-nghi/9/xoa"),
        ("GET", "/quan-tri/buu-cuc/9/khoa-api"),
        ("POST", "/quan-tri/buu-cuc/9/khoa-api"),
        ("GET", "/quan-tri/buu-cuc/9/khoa-api/9"),
        ("POST", "/quan-tri/buu-cuc/9/khoa-api/9/thu-hoi"),
        # Community teams and the helpers' guide (tests/assist/test_admin.py covers them).
        ("GET", "/quan-tri/to-cong-nghe"),
        ("GET", "/quan-tri/to-cong-nghe/moi"),
        ("POST", "/quan-tri/to-cong-nghe/moi"),
        ("GET", "/quan-tri/to-cong-nghe/9"),
        ("POST", "/quan-tri/to-cong-nghe/9"),
        ("GET", "/quan-tri/thu-tuc"),
        ("GET", "/quan-tri/thu-tuc/1.001193/huong-dan"),
        ("POST", "/quan-tri/thu-tuc/1.001193/huong-dan"),
    ]


@pytest.fixture
def real_targets(admin: User) -> tuple[int, int, int]:
    unit = commune_units(1)[0]
    row = CalendarOverride(day=clock.today(), kind="day_off", note="x")
    db.session.add(row)
    db.session.commit()
    return unit.id, admin.id, row.id


# --- access -------------------------------------------------------------------------------------


def test_every_admin_route_is_listed_here(app: Flask) -> None:
    """If a route is added to the blueprint, the access tests below must cover it."""
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if re.match(r"(?:\w+_)?admin\.", rule.endpoint)  # admin, and <domain>_admin
        for method in rule.methods & {"GET", "POST"}
    }
    listed = {
        (method, re.sub(r"/(?:\d\.\d{6}|\d+)(?=/|$)", "/<id>", url))
        for method, url in admin_urls(1, 2, 3)
    }
    normalised = {(m, re.sub(r"<(?:int:)?\w+>", "<id>", r)) for m, r in rules}
    assert normalised == listed


@pytest.mark.parametrize(
    "role", [Role.CITIZEN, Role.OFFICER, Role.SPECIALIST, Role.POSTAL, Role.COMMUNITY]
)
def test_other_roles_get_403_everywhere(app, make_user, real_targets, role) -> None:
    client = app.test_client()
    login(client, make_user(role=role))
    for method, url in admin_urls(*real_targets):
        response = client.open(url, method=method, data={})
        assert response.status_code == 403, (role, method, url, response.status_code)
    # Nothing changed behind the refusals.
    assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 1
    assert db.session.get(Unit, real_targets[0]) is not None


def test_anonymous_users_are_sent_to_log_in(client, real_targets) -> None:
    for method, url in admin_urls(*real_targets):
        response = client.open(url, method=method, data={})
        assert response.status_code == 303, (method, url)
        assert urlsplit(response.location).path == "/dang-nhap", (method, url)


def test_admin_sees_every_page(app, admin_client, real_targets) -> None:
    unit_id, user_id, _ = real_targets
    app.config["WTF_CSRF_ENABLED"] = True  # so that the forms carry their tokens
    for url in (
        "/quan-tri/",
        "/quan-tri/don-vi",
        "/quan-tri/don-vi/moi",
        f"/quan-tri/don-vi/{unit_id}",
        "/quan-tri/can-bo",
        "/quan-tri/can-bo/moi",
        f"/quan-tri/can-bo/{user_id}",
        f"/quan-tri/can-bo/{user_id}/mat-khau",
        "/quan-tri/ngay-nghi",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = page(response)
        assert len(html.find_all("h1")) == 1, url
        for form in html.find_all("form", method="post"):
            assert form.find("input", attrs={"name": "csrf_token"}), (url, form.get("action"))


def test_overview_counts(admin_client, make_user) -> None:
    make_user(role=Role.OFFICER)
    make_user(role=Role.CITIZEN)
    text = admin_client.get("/quan-tri/").text
    units = db.session.scalar(select(func.count()).select_from(Unit))
    assert f"{units} đơn vị" in text
    assert "2 tài khoản" in text  # the admin and the officer, not the citizen


# --- units --------------------------------------------------------------------------------------


def unit_data(**overrides: str) -> dict[str, str]:
    data = {
        "code": NEW_CODE,
        "name": "Điểm tiếp nhận Bản Phà Khảo",
        "kind": "commune_centre",
        "commune_code": "",
        "parent_name": "",
        "address": "Bản Phà Khảo, xã Mường Lống",
    }
    data.update(overrides)
    return data


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


# --- staff accounts -----------------------------------------------------------------------------


def create_officer(admin_client: FlaskClient, units: list[Unit], phone: str = "0987 654 321"):
    return admin_client.post(
        "/quan-tri/can-bo/moi",
        data={
            "phone": phone,
            "full_name": "  Trần   Văn Minh ",
            "role": "officer",
            "units": [str(u.id) for u in units],
        },
    )


def test_admin_creates_an_officer_with_a_one_time_password(app, admin_client) -> None:
    units = commune_units(2)
    response = create_officer(admin_client, units)
    assert response.status_code == 303
    officer = db.session.scalar(select(User).filter_by(phone="0987654321"))
    assert officer is not None
    assert officer.full_name == "Trần Văn Minh"
    assert officer.role == Role.OFFICER
    assert sorted(officer.unit_ids) == sorted(u.id for u in units)
    assert response.location.endswith(f"/quan-tri/can-bo/{officer.id}/mat-khau")

    first = admin_client.get(response.location)
    password = shown_password(first)
    assert password and len(password) == 10
    assert "trao tận tay" in first.text and "Đã tạo tài khoản cho Trần Văn Minh" in first.text
    assert officer.check_password(password)

    second = admin_client.get(response.location)
    assert second.status_code == 200
    assert shown_password(second) is None and password not in second.text
    assert "không thể xem lại" in second.text

    # The officer signs in with it through the ordinary login form.
    other = app.test_client()
    signed_in = other.post("/dang-nhap", data={"phone": "0987654321", "password": password})
    assert signed_in.status_code == 303
    assert other.get("/tai-khoan").status_code == 200

    listing = admin_client.get("/quan-tri/can-bo").text
    assert "Trần Văn Minh" in listing and units[1].name in listing


def test_passwords_are_random_and_readable() -> None:
    passwords = {generate_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert len(password) == 10 and not set(password) & set("0O1lI")
        assert any(c.isdigit() for c in password) and any(c.isupper() for c in password)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"units": []}, "units", "phải thuộc ít nhất một đơn vị"),
        ({"phone": "12345"}, "phone", "Số điện thoại di động chưa đúng"),
        ({"phone": "CITIZEN"}, "phone", "đã có tài khoản công dân"),
        ({"role": ""}, "role", "Vui lòng chọn vai trò."),
        ({"role": "citizen"}, "role", "Vui lòng chọn vai trò."),
        ({"full_name": ""}, "full_name", "Vui lòng nhập họ và tên."),
        ({"units": ["999999"]}, "units", "không còn tồn tại"),
        ({"units": ["x"]}, "units", "không hợp lệ"),
    ],
)
def test_invalid_staff_is_shown_again_with_422(admin_client, citizen, data, field, message) -> None:
    posted = {
        "phone": "0987654321",
        "full_name": "Trần Văn Minh",
        "role": "specialist",
        "units": [str(commune_units(1)[0].id)],
    }
    posted.update(data)
    if posted["phone"] == "CITIZEN":
        posted["phone"] = citizen.phone
    response = admin_client.post("/quan-tri/can-bo/moi", data=posted)
    assert response.status_code == 422
    assert message in response.text
    html = page(response)
    assert html.find(id=field).find_parent(class_="invalid") or "invalid" in html.find(
        id=field
    ).get("class", [])
    assert html.find("input", attrs={"name": "full_name"})["value"] == posted["full_name"]
    assert shown_password(response) is None
    count = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "specialist")
    )
    assert count == 0


def test_postal_staff_need_no_unit(admin_client) -> None:
    # They need a post office instead (tests/postal/test_admin.py).
    office = PostOffice(code="463100", name="Bưu điện xã Anh Sơn")
    db.session.add(office)
    db.session.commit()
    response = admin_client.post(
        "/quan-tri/can-bo/moi",
        data={
            "phone": "0977000111",
            "full_name": "Lê Thị Lan",
            "role": "postal",
            "post_office": str(office.id),
        },
    )
    assert response.status_code == 303
    assert db.session.scalar(select(User).filter_by(phone="0977000111")).role == "postal"


def test_citizens_are_never_listed_or_edited_here(admin_client, make_user) -> None:
    person = make_user(role=Role.CITIZEN, full_name="Vi Thị Công Dân")
    make_user(role=Role.COMMUNITY, full_name="Lô Văn Pằn")
    listing = admin_client.get("/quan-tri/can-bo").text
    assert "Lô Văn Pằn" in listing and "Vi Thị Công Dân" not in listing
    assert admin_client.get(f"/quan-tri/can-bo/{person.id}").status_code == 404
    response = admin_client.post(f"/quan-tri/can-bo/{person.id}/cap-lai-mat-khau")
    assert response.status_code == 404
    db.session.expire_all()
    assert person.check_password(PASSWORD)


def test_staff_search(admin_client, make_user) -> None:
    make_user(role=Role.OFFICER, full_name="Trần Văn Minh", phone="0911222333")
    make_user(role=Role.POSTAL, full_name="Lê Thị Lan")
    html = page(admin_client.get("/quan-tri/can-bo", query_string={"q": "tran van"}))
    assert [a.get_text() for a in html.select("tbody td:first-child a")] == ["Trần Văn Minh"]
    html = page(admin_client.get("/quan-tri/can-bo", query_string={"q": "0911 222"}))
    assert [a.get_text() for a in html.select("tbody td:first-child a")] == ["Trần Văn Minh"]
    html = page(admin_client.get("/quan-tri/can-bo", query_string={"vai-tro": "postal"}))
    assert [a.get_text() for a in html.select("tbody td:first-child a")] == ["Lê Thị Lan"]


def edit_data(user: User, **overrides) -> dict:  # type: ignore[no-untyped-def,type-arg]
    data = {
        "full_name": user.full_name,
        "role": user.role,
        "units": [str(i) for i in sorted(user.unit_ids)],
        "active": "y" if user.is_active_account else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_admin_edits_staff_roles_and_units(admin_client, make_user) -> None:
    first, second = commune_units(2)
    officer = make_user(role=Role.OFFICER, units=[first])
    form = page(admin_client.get(f"/quan-tri/can-bo/{officer.id}"))
    assert form.find("input", attrs={"name": "units", "value": str(first.id)}).has_attr("checked")
    assert form.find("input", attrs={"name": "active"}).has_attr("checked")
    response = admin_client.post(
        f"/quan-tri/can-bo/{officer.id}",
        data=edit_data(
            officer, full_name="Trần Văn Mạnh", role="specialist", units=[str(second.id)]
        ),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (officer.full_name, officer.role) == ("Trần Văn Mạnh", "specialist")
    assert officer.unit_ids == {second.id}


def test_deactivated_staff_cannot_log_in(app, admin_client, make_user) -> None:
    officer = make_user(role=Role.OFFICER, units=commune_units(1))
    session_before = app.test_client()
    login(session_before, officer)
    assert session_before.get("/tai-khoan").status_code == 200

    response = admin_client.post(
        f"/quan-tri/can-bo/{officer.id}", data=edit_data(officer, active="")
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert officer.is_active_account is False
    assert "Đã khóa" in admin_client.get("/quan-tri/can-bo").text

    attempt = app.test_client().post(
        "/dang-nhap", data={"phone": officer.phone, "password": PASSWORD}
    )
    assert attempt.status_code == 422
    # A session opened before the lock no longer works either.
    assert session_before.get("/tai-khoan").status_code == 303

    admin_client.post(f"/quan-tri/can-bo/{officer.id}", data=edit_data(officer, active="y"))
    again = app.test_client().post(
        "/dang-nhap", data={"phone": officer.phone, "password": PASSWORD}
    )
    assert again.status_code == 303


def test_admin_cannot_deactivate_or_demote_self(admin_client, admin) -> None:
    response = admin_client.post(f"/quan-tri/can-bo/{admin.id}", data=edit_data(admin, active=""))
    assert response.status_code == 422
    assert "không thể tự khóa tài khoản" in response.text
    response = admin_client.post(
        f"/quan-tri/can-bo/{admin.id}", data=edit_data(admin, role="officer")
    )
    assert response.status_code == 422
    assert "không thể tự bỏ quyền quản trị" in response.text
    db.session.expire_all()
    assert admin.is_active_account and admin.role == Role.ADMIN
    assert admin_client.get("/quan-tri/").status_code == 200
    # Renaming oneself is fine.
    response = admin_client.post(
        f"/quan-tri/can-bo/{admin.id}", data=edit_data(admin, full_name="Phạm Quốc Bảo")
    )
    assert response.status_code == 303


def test_admin_may_lock_another_admin(admin_client, make_user) -> None:
    other = make_user(role=Role.ADMIN)
    response = admin_client.post(f"/quan-tri/can-bo/{other.id}", data=edit_data(other, active=""))
    assert response.status_code == 303
    db.session.expire_all()
    assert other.is_active_account is False


def test_reset_password_shows_a_new_one_once(app, admin_client, make_user) -> None:
    officer = make_user(role=Role.POSTAL)
    response = admin_client.post(f"/quan-tri/can-bo/{officer.id}/cap-lai-mat-khau")
    assert response.status_code == 303
    password = shown_password(admin_client.get(response.location))
    assert password
    assert shown_password(admin_client.get(response.location)) is None
    old = app.test_client().post("/dang-nhap", data={"phone": officer.phone, "password": PASSWORD})
    assert old.status_code == 422
    new = app.test_client().post("/dang-nhap", data={"phone": officer.phone, "password": password})
    assert new.status_code == 303


def test_the_password_of_one_account_is_not_shown_on_another(admin_client, make_user) -> None:
    first, second = make_user(role=Role.POSTAL), make_user(role=Role.POSTAL)
    response = admin_client.post(f"/quan-tri/can-bo/{first.id}/cap-lai-mat-khau")
    assert shown_password(admin_client.get(f"/quan-tri/can-bo/{second.id}/mat-khau")) is None
    # Looking at another account did not throw the waiting password away.
    assert shown_password(admin_client.get(response.location))


# --- calendar overrides -------------------------------------------------------------------------


def ordinary_working_day() -> date:
    """A working day at least a week ahead, this year or next."""
    official = WorkingCalendar()
    day = clock.today() + timedelta(days=7)
    while not official.is_working_day(day) or day.weekday() >= 5:
        day += timedelta(days=1)
    assert day.year <= clock.today().year + 1
    return day


def test_a_day_off_changes_the_working_calendar_and_can_be_removed(admin_client) -> None:
    day = ordinary_working_day()
    assert working_calendar().is_working_day(day)
    response = admin_client.post(
        "/quan-tri/ngay-nghi",
        data={"day": day.isoformat(), "kind": "day_off", "note": "Nghỉ bù theo thông báo"},
    )
    assert response.status_code == 303
    assert working_calendar().is_working_day(day) is False
    listing = admin_client.get("/quan-tri/ngay-nghi").text
    assert f"Đã thêm ngày {day:%d/%m/%Y}" in listing and "Nghỉ bù theo thông báo" in listing

    # Same date again: the row is updated, not duplicated.
    response = admin_client.post(
        "/quan-tri/ngay-nghi", data={"day": f"{day:%d/%m/%Y}", "kind": "working_day"}
    )
    assert response.status_code == 303
    rows = db.session.scalars(select(CalendarOverride)).all()
    assert [(r.day, r.kind, r.note) for r in rows] == [(day, "working_day", "")]
    assert "Đã cập nhật" in admin_client.get("/quan-tri/ngay-nghi").text
    assert working_calendar().is_working_day(day)

    admin_client.post("/quan-tri/ngay-nghi", data={"day": day.isoformat(), "kind": "day_off"})
    assert working_calendar().is_working_day(day) is False
    response = admin_client.post(f"/quan-tri/ngay-nghi/{rows[0].id}/xoa")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 0
    assert working_calendar().is_working_day(day)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "", "kind": "day_off"}, "Vui lòng chọn ngày."),
        ({"day": "31/02/2026", "kind": "day_off"}, "Ngày chưa đúng"),
        ({"day": "NEXT", "kind": ""}, "Vui lòng chọn loại ngày."),
        ({"day": "NEXT", "kind": "holiday"}, "Vui lòng chọn loại ngày."),
        ({"day": "FAR", "kind": "day_off"}, "Chỉ nhập ngày trong năm"),
        ({"day": "NEXT", "kind": "day_off", "note": "x" * 201}, "Tối đa 200 ký tự."),
    ],
)
def test_invalid_override_is_shown_again_with_422(admin_client, data, message) -> None:
    data = dict(data)
    if data["day"] == "NEXT":
        data["day"] = ordinary_working_day().isoformat()
    elif data["day"] == "FAR":
        data["day"] = f"{clock.today().year + 2}-01-02"
    response = admin_client.post("/quan-tri/ngay-nghi", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert page(response).find("input", attrs={"name": "day"})["value"] == data["day"]
    assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 0


def test_the_calendar_page_lists_the_next_official_holidays(admin_client) -> None:
    clock.freeze(clock.now().replace(year=2026, month=3, day=2))
    expected = upcoming_holidays(date(2026, 3, 2))
    assert len(expected) == 10
    # Hùng Kings' day (10/3 lunar) is Sunday 26/4/2026, observed on Monday 27/4.
    assert [h.day for h in expected[:2]] == [date(2026, 4, 26), date(2026, 4, 27)]
    html = page(admin_client.get("/quan-tri/ngay-nghi"))
    items = html.select(".holidays li")
    assert len(items) == 10
    assert "26/04/2026" in items[0].get_text() and "Giỗ Tổ Hùng Vương" in items[0].get_text()
    assert "01/01/2027" in items[8].get_text()


# --- CSRF ---------------------------------------------------------------------------------------


def test_posts_without_a_csrf_token_are_refused(app, admin_client, make_user) -> None:
    officer = make_user(role=Role.POSTAL)
    app.config["WTF_CSRF_ENABLED"] = True
    day = ordinary_working_day()
    posts = [
        ("/quan-tri/don-vi/moi", unit_data()),
        ("/quan-tri/can-bo/moi", {"phone": "0977000111", "full_name": "A", "role": "postal"}),
        (f"/quan-tri/can-bo/{officer.id}", edit_data(officer, active="")),
        (f"/quan-tri/can-bo/{officer.id}/cap-lai-mat-khau", {}),
        ("/quan-tri/ngay-nghi", {"day": day.isoformat(), "kind": "day_off"}),
    ]
    for headers in ({}, HTMX):
        for url, data in posts:
            response = admin_client.post(url, data=data, headers=headers)
            assert response.status_code == 400, (url, response.status_code)
            assert "Phiên làm việc đã hết hạn" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(Unit).filter_by(code=NEW_CODE)) is None
    assert db.session.scalar(select(User).filter_by(phone="0977000111")) is None
    assert officer.is_active_account and officer.check_password(PASSWORD)
    assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 0

    # Control: the same request with the page's own token goes through.
    token = page(admin_client.get("/quan-tri/ngay-nghi")).find(
        "input", attrs={"name": "csrf_token"}
    )["value"]
    response = admin_client.post(
        "/quan-tri/ngay-nghi", data={"day": day.isoformat(), "kind": "day_off", "csrf_token": token}
    )
    assert response.status_code == 303
    assert working_calendar().is_working_day(day) is False
