"""The administration: who may enter, its home page, staff accounts and one-time passwords, CSRF."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from admin_helpers import (
    HTMX,
    NEW_CODE,
    admin_urls,
    commune_units,
    edit_data,
    ordinary_working_day,
    page,
    shown_password,
    unit_data,
)
from flask import Flask
from flask.testing import FlaskClient
from helpers import PASSWORD, login
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.staff import generate_password
from app.catalogue.models import CalendarOverride, Unit
from app.core import clock
from app.core.roles import Role
from app.dossiers.calendar import working_calendar
from app.extensions import db
from app.postal.models import PostOffice

pytestmark = pytest.mark.usefixtures("clean_units")


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
    normalised = {(m, re.sub(r"<(?:id:)?\w+>", "<id>", r)) for m, r in rules}
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
