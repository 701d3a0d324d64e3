"""Administration of post offices: communes served, staff, pickup slot templates, closed days,
API tokens; what a post office head may do for their own office."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from helpers import login
from sqlalchemy import func, select

from app.accounts.models import User
from app.assist.models import CommunityTeam
from app.core import clock
from app.core.roles import Role
from app.dossiers.calendar import working_calendar
from app.dossiers.models import Dossier
from app.extensions import db
from app.postal import tokens
from app.postal.flow import Leg, ShipmentStatus
from app.postal.models import (
    ApiToken,
    PickupSlot,
    PostOffice,
    PostOfficeClosure,
    PostOfficeCommune,
    Shipment,
    SlotTemplateRow,
)
from app.postal.operations.slots import ensure_slots
from app.postal.operations.tokens import issue as issue_token
from app.postal.queries import shipments
from app.postal.queries.tokens import verify as verify_token

HTMX = {"HX-Request": "true"}
ANH_SON, MUONG_XEN, CUA_LO = "17329", "16813", "16732"
MONDAY = datetime(2026, 11, 23, 9, 0)  # Wednesday 25/11 and Thursday 26/11 are working days


# --- fixtures and helpers -----------------------------------------------------------------------


def make_office(code: str = "463100", name: str = "Bưu điện xã Anh Sơn", communes=(ANH_SON,)):  # type: ignore[no-untyped-def]
    office = PostOffice(code=code, name=name, address="Khối 1")
    for commune in communes:
        office.communes.append(PostOfficeCommune(commune_code=commune))
    db.session.add(office)
    db.session.commit()
    return office


@pytest.fixture
def office(app: Flask) -> PostOffice:
    return make_office()


@pytest.fixture
def other_office(app: Flask) -> PostOffice:
    return make_office("463500", "Bưu cục Mường Xén", (MUONG_XEN,))


@pytest.fixture
def head(make_user, office):  # type: ignore[no-untyped-def]
    return make_user(role=Role.POSTAL_HEAD, post_office_id=office.id, full_name="Vi Văn Hùng")


@pytest.fixture
def head_client(app: Flask, head: User) -> FlaskClient:
    client = app.test_client()
    login(client, head)
    return client


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def office_data(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "code": "463200",
        "name": "Bưu cục Cửa Lò",
        "address": "Số 1 Bình Minh, phường Cửa Lò",
        "phone": "0238 3844 123",
        "active": "y",
        "communes": [CUA_LO],
    }
    data.update(overrides)
    return data


def field_errors(html: BeautifulSoup, field_id: str) -> str:
    """The error text shown beside a field (its .field / fieldset marked invalid)."""
    control = html.find(id=field_id)
    assert control is not None, field_id
    box = (
        control if "invalid" in control.get("class", []) else control.find_parent(class_="invalid")
    )
    assert box is not None, f"{field_id} is not marked invalid"
    return " ".join(e.get_text() for e in box.select(".error"))


def booked_pickup(office: PostOffice, slot: PickupSlot, owner: User, procedure) -> Shipment:  # type: ignore[no-untyped-def]
    """A citizen booked into ``slot`` (the place taken as the booking service does)."""
    dossier = Dossier(client_token=f"t{slot.id}", owner_id=owner.id, procedure_id=procedure.id)
    db.session.add(dossier)
    db.session.flush()
    shipment = Shipment(
        dossier_id=dossier.id,
        leg=Leg.PICKUP,
        status=ShipmentStatus.PICKUP_REQUESTED,
        post_office_id=office.id,
        slot_id=slot.id,
        planned_day=slot.day,
        commune_code=ANH_SON,
        contact_phone="0912345678",
    )
    slot.booked += 1
    db.session.add(shipment)
    db.session.commit()
    return shipment


def make_slots(office: PostOffice, days: int = 7) -> list[PickupSlot]:
    clock.freeze(MONDAY)
    ensure_slots(office, clock.today(), days, working_calendar())
    db.session.commit()
    return list(
        db.session.scalars(
            select(PickupSlot).filter_by(post_office_id=office.id).order_by(PickupSlot.day)
        )
    )


def office_urls(office_id: int, row_id: int, closure_id: int, token_id: int) -> list[tuple]:  # type: ignore[type-arg]
    base = f"/quan-tri/buu-cuc/{office_id}"
    return [
        ("GET", "/quan-tri/buu-cuc"),
        ("GET", "/quan-tri/buu-cuc/moi"),
        ("POST", "/quan-tri/buu-cuc/moi"),
        ("GET", base),
        ("POST", base),
        ("GET", f"{base}/lich"),
        ("POST", f"{base}/lich/khung-gio"),
        ("POST", f"{base}/lich/khung-gio/{row_id}/xoa"),
        ("POST", f"{base}/lich/ngay-nghi"),
        ("POST", f"{base}/lich/ngay-nghi/{closure_id}/xoa"),
        ("GET", f"{base}/khoa-api"),
        ("POST", f"{base}/khoa-api"),
        ("GET", f"{base}/khoa-api/{token_id}"),
        ("POST", f"{base}/khoa-api/{token_id}/thu-hoi"),
    ]


@pytest.fixture
def targets(office: PostOffice, admin: User) -> tuple[int, int, int, int]:
    row = SlotTemplateRow(
        post_office_id=office.id, weekday=0, start=time(8), end=time(11), capacity=3
    )
    closure = PostOfficeClosure(post_office_id=office.id, day=date(2099, 1, 5), note="x")
    db.session.add_all([row, closure])
    db.session.commit()
    token, _ = issue_token(office, "Hệ thống", ["read"], admin)
    db.session.commit()
    return office.id, row.id, closure.id, token.id


def nothing_changed(office_id: int, row_id: int, closure_id: int, token_id: int) -> None:
    db.session.expire_all()
    assert db.session.get(SlotTemplateRow, row_id) is not None
    assert db.session.get(PostOfficeClosure, closure_id) is not None
    assert db.session.get(ApiToken, token_id).revoked_at is None
    assert db.session.scalar(select(func.count()).select_from(PostOffice)) == 1
    assert db.session.scalar(select(func.count()).select_from(SlotTemplateRow)) == 1


# --- access -------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, targets) -> None:
    for method, url in office_urls(*targets):
        response = client.open(url, method=method, data={})
        assert response.status_code == 303, (method, url)
        assert urlsplit(response.location).path == "/dang-nhap", (method, url)
    nothing_changed(*targets)


@pytest.mark.parametrize("role", [Role.POSTAL, Role.OFFICER, Role.CITIZEN, Role.COMMUNITY])
def test_roles_without_postal_manage_get_403_everywhere(app, make_user, office, targets, role):  # type: ignore[no-untyped-def]
    # Even a postal worker of this very office: the schedule is the head's.
    client = app.test_client()
    post_office_id = office.id if role == Role.POSTAL else None
    login(client, make_user(role=role, post_office_id=post_office_id))
    for method, url in office_urls(*targets):
        response = client.open(url, method=method, data={"weekday": "1", "start": "08:00"})
        assert response.status_code == 403, (role, method, url, response.status_code)
    nothing_changed(*targets)


def test_a_head_may_not_open_the_rest_of_the_administration(head_client, targets) -> None:
    admin_only = [(m, u) for m, u in office_urls(*targets) if "/lich" not in u]
    assert len(admin_only) == 9
    for method, url in admin_only + [("GET", "/quan-tri/"), ("GET", "/quan-tri/can-bo")]:
        response = head_client.open(url, method=method, data={"name": "x", "scopes": ["read"]})
        assert response.status_code == 403, (method, url)
    nothing_changed(*targets)
    assert head_client.get(f"/quan-tri/buu-cuc/{targets[0]}/lich").status_code == 200


def test_a_head_gets_404_for_another_office(head_client, other_office, targets) -> None:
    row = SlotTemplateRow(
        post_office_id=other_office.id, weekday=1, start=time(8), end=time(11), capacity=3
    )
    closure = PostOfficeClosure(post_office_id=other_office.id, day=date(2099, 1, 6))
    db.session.add_all([row, closure])
    db.session.commit()
    other = f"/quan-tri/buu-cuc/{other_office.id}"
    mine = f"/quan-tri/buu-cuc/{targets[0]}"
    for method, url, data in [
        ("GET", f"{other}/lich", {}),
        (
            "POST",
            f"{other}/lich/khung-gio",
            {"weekday": "2", "start": "8", "end": "9", "capacity": "2"},
        ),
        ("POST", f"{other}/lich/khung-gio/{row.id}/xoa", {}),
        ("POST", f"{other}/lich/ngay-nghi", {"day": "2099-02-02"}),
        ("POST", f"{other}/lich/ngay-nghi/{closure.id}/xoa", {}),
        # Another office's rows through one's own office are not found either.
        ("POST", f"{mine}/lich/khung-gio/{row.id}/xoa", {}),
        ("POST", f"{mine}/lich/ngay-nghi/{closure.id}/xoa", {}),
        ("GET", "/quan-tri/buu-cuc/999999/lich", {}),
    ]:
        response = head_client.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
    db.session.expire_all()
    assert db.session.get(SlotTemplateRow, row.id) is not None
    assert db.session.get(PostOfficeClosure, closure.id) is not None
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SlotTemplateRow)
            .filter_by(post_office_id=other_office.id)
        )
        == 1
    )


def test_a_head_finds_their_schedule_and_changes_it(head_client, office) -> None:
    clock.freeze(MONDAY)
    html = page(head_client.get(f"/quan-tri/buu-cuc/{office.id}/lich"))
    assert html.h1.get_text() == "Lịch nhận hồ sơ tại nhà: Bưu điện xã Anh Sơn"
    # No links into the administration, which the head may not open.
    assert html.select_one(".crumbs") is None
    response = head_client.post(
        f"/quan-tri/buu-cuc/{office.id}/lich/khung-gio",
        data={"weekday": "1", "start": "13:30", "end": "16:00", "capacity": "4"},
    )
    assert response.status_code == 303
    response = head_client.post(
        f"/quan-tri/buu-cuc/{office.id}/lich/ngay-nghi", data={"day": "25/11/2026", "note": "Lũ"}
    )
    assert response.status_code == 303
    text = head_client.get(response.location).text
    assert "Bưu cục nghỉ ngày 25/11/2026" in text and "Thứ Ba" in text and "13:30–16:00" in text


def test_a_head_without_an_office_has_no_schedule(app, make_user, office) -> None:
    client = app.test_client()
    login(client, make_user(role=Role.POSTAL_HEAD))
    assert client.get(f"/quan-tri/buu-cuc/{office.id}/lich").status_code == 404


def test_admin_sees_every_page(app, admin_client, targets) -> None:
    app.config["WTF_CSRF_ENABLED"] = True  # so that the forms carry their tokens
    office_id, _, _, token_id = targets
    for url in (
        "/quan-tri/",
        "/quan-tri/buu-cuc",
        "/quan-tri/buu-cuc/moi",
        f"/quan-tri/buu-cuc/{office_id}",
        f"/quan-tri/buu-cuc/{office_id}/lich",
        f"/quan-tri/buu-cuc/{office_id}/khoa-api",
        f"/quan-tri/buu-cuc/{office_id}/khoa-api/{token_id}",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = page(response)
        assert len(html.find_all("h1")) == 1, url
        for form in html.find_all("form", method="post"):
            assert form.find("input", attrs={"name": "csrf_token"}), (url, form.get("action"))
        ids = [tag["id"] for tag in html.find_all(id=True)]
        assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))
    index = page(admin_client.get("/quan-tri/"))
    link = index.find("a", href="/quan-tri/buu-cuc")
    assert link is not None and link.get_text() == "Bưu cục"
    assert "1 bưu cục" in index.get_text()


def test_posts_without_a_csrf_token_are_refused(app, admin_client, targets) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    for method, url in office_urls(*targets):
        if method == "POST":
            response = admin_client.post(url, data=office_data())
            assert response.status_code == 400, url
    nothing_changed(*targets)


# --- post offices -------------------------------------------------------------------------------


def test_admin_creates_a_post_office(admin_client) -> None:
    response = admin_client.post(
        "/quan-tri/buu-cuc/moi", data=office_data(communes=[CUA_LO, ANH_SON])
    )
    assert response.status_code == 303
    created = db.session.scalar(select(PostOffice).filter_by(code="463200"))
    assert created is not None
    assert (created.name, created.phone, created.is_active) == (
        "Bưu cục Cửa Lò",
        "02383844123",
        True,
    )
    assert created.commune_codes == sorted([CUA_LO, ANH_SON])
    assert response.location.endswith(f"/quan-tri/buu-cuc/{created.id}")
    html = page(admin_client.get(response.location))
    assert "Đã thêm bưu cục “Bưu cục Cửa Lò” (463200)." in html.get_text()
    assert [li.get_text() for li in html.select(".served li")] == ["Phường Cửa Lò", "Xã Anh Sơn"]
    listing = page(admin_client.get("/quan-tri/buu-cuc"))
    (row,) = listing.select("table.list tbody tr")
    assert "2 xã, phường" in row.get_text() and "Đang hoạt động" in row.get_text()


def test_a_new_office_is_active_and_an_unticked_box_deactivates(admin_client) -> None:
    html = page(admin_client.get("/quan-tri/buu-cuc/moi"))
    assert html.find("input", attrs={"name": "active"}).has_attr("checked")
    data = office_data()
    del data["active"]
    assert admin_client.post("/quan-tri/buu-cuc/moi", data=data).status_code == 303
    assert db.session.scalar(select(PostOffice).filter_by(code="463200")).is_active is False


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "46320"}, "code", "Mã bưu cục gồm đúng 6 chữ số"),
        ({"code": "46320a"}, "code", "Mã bưu cục gồm đúng 6 chữ số"),
        ({"code": "463100"}, "code", "Mã 463100 đã được dùng cho “Bưu điện xã Anh Sơn”."),
        ({"code": ""}, "code", "Vui lòng nhập mã bưu cục."),
        ({"name": "   "}, "name", "Vui lòng nhập tên bưu cục."),
        ({"phone": "0238 38x"}, "phone", "Số điện thoại chỉ gồm chữ số"),
        ({"phone": "1234"}, "phone", "Số điện thoại chỉ gồm chữ số"),
        ({"communes": ["01001"]}, "communes", "không thuộc tỉnh này"),
        ({"address": "x" * 301}, "address", "Tối đa 300 ký tự."),
    ],
)
def test_invalid_post_office_is_shown_again_with_422(admin_client, office, data, field, message):  # type: ignore[no-untyped-def]
    posted = office_data(**data)
    response = admin_client.post("/quan-tri/buu-cuc/moi", data=posted)
    assert response.status_code == 422
    html = page(response)
    assert message in field_errors(html, field)
    assert html.find(id="error-summary") is not None
    # Nothing typed is lost.
    for name in ("code", "name", "address", "phone"):
        assert html.find("input", attrs={"name": name})["value"] == posted[name], name
    for code in posted["communes"]:
        box = html.find("input", attrs={"name": "communes", "value": code})
        assert box is None or box.has_attr("checked")
    assert db.session.scalar(select(func.count()).select_from(PostOffice)) == 1


def test_invalid_office_with_htmx_gets_the_form_fragment(admin_client) -> None:
    response = admin_client.post("/quan-tri/buu-cuc/moi", data=office_data(code="1"), headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="post-office-form"' in response.text
    response = admin_client.post("/quan-tri/buu-cuc/moi", data=office_data(), headers=HTMX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/quan-tri/buu-cuc/")


def test_admin_edits_a_post_office(admin_client, office) -> None:
    html = page(admin_client.get(f"/quan-tri/buu-cuc/{office.id}"))
    assert html.find("input", attrs={"name": "code"})["value"] == "463100"
    assert html.find("input", attrs={"name": "communes", "value": ANH_SON}).has_attr("checked")
    assert html.find("input", attrs={"name": "active"}).has_attr("checked")
    # The communes the office serves come first, in their own group.
    first_group = html.select_one(".picks fieldset")
    assert first_group.legend.get_text() == "Bưu cục này đang phục vụ (1)"
    response = admin_client.post(
        f"/quan-tri/buu-cuc/{office.id}",
        data={
            "code": "463101",
            "name": "Bưu điện  xã Anh Sơn ",
            "address": "Khối 2",
            "phone": "",
            "communes": [CUA_LO],
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (office.code, office.name, office.address, office.phone) == (
        "463101",
        "Bưu điện xã Anh Sơn",
        "Khối 2",
        "",
    )
    assert office.is_active is False
    assert office.commune_codes == [CUA_LO]
    # Anh Sơn has no office any more (nothing left behind in the table).
    assert db.session.get(PostOfficeCommune, ANH_SON) is None
    assert shipments.post_office_for(CUA_LO) is None  # the office is inactive


def test_a_commune_served_by_another_office_is_refused_unless_moved(
    admin_client, office, other_office
) -> None:
    html = page(admin_client.get("/quan-tri/buu-cuc/moi"))
    label = html.find("input", attrs={"name": "communes", "value": MUONG_XEN}).parent
    assert "Bưu cục Mường Xén" in label.get_text()
    assert html.find("input", attrs={"name": "move_communes"}) is not None

    data = office_data(communes=[CUA_LO, ANH_SON, MUONG_XEN])
    response = admin_client.post("/quan-tri/buu-cuc/moi", data=data)
    assert response.status_code == 422
    message = field_errors(page(response), "communes")
    assert "Xã Anh Sơn do “Bưu điện xã Anh Sơn” phục vụ" in message
    assert "Xã Mường Xén do “Bưu cục Mường Xén” phục vụ" in message
    assert "Chuyển sang bưu cục này" in message
    assert db.session.scalar(select(PostOffice).filter_by(code="463200")) is None

    response = admin_client.post("/quan-tri/buu-cuc/moi", data={**data, "move_communes": "y"})
    assert response.status_code == 303
    created = db.session.scalar(select(PostOffice).filter_by(code="463200"))
    text = admin_client.get(response.location).text
    assert "Đã chuyển sang bưu cục này: Xã Anh Sơn (trước đây do “Bưu điện xã Anh Sơn”)" in text
    db.session.expire_all()
    assert created.commune_codes == sorted([CUA_LO, ANH_SON, MUONG_XEN])
    assert office.commune_codes == [] and other_office.commune_codes == []
    assert shipments.post_office_for(ANH_SON).id == created.id


def test_moving_keeps_bookings_with_the_former_office(admin_client, office, citizen, procedure):  # type: ignore[no-untyped-def]
    office.templates.append(SlotTemplateRow(weekday=2, start=time(8), end=time(11), capacity=2))
    db.session.commit()
    wednesday = next(s for s in make_slots(office) if s.day == date(2026, 11, 25))
    shipment = booked_pickup(office, wednesday, citizen, procedure)
    response = admin_client.post(
        "/quan-tri/buu-cuc/moi", data=office_data(communes=[ANH_SON], move_communes="y")
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert shipment.post_office_id == office.id and shipment.slot_id == wednesday.id


def test_post_office_search_ignores_diacritics(admin_client, office, other_office) -> None:
    def found(query: str) -> list[str]:
        html = page(admin_client.get("/quan-tri/buu-cuc", query_string={"q": query}))
        return [a.get_text() for a in html.select("tbody a")]

    assert found("") == ["Bưu điện xã Anh Sơn", "Bưu cục Mường Xén"]
    assert found("MUONG xen") == ["Bưu cục Mường Xén"]
    assert found("463100") == ["Bưu điện xã Anh Sơn"]
    assert found("bưu") == ["Bưu điện xã Anh Sơn", "Bưu cục Mường Xén"]
    assert found("khong co") == []
    response = admin_client.get("/quan-tri/buu-cuc", query_string={"q": "anh son"}, headers=HTMX)
    assert "<html" not in response.text and "Bưu điện xã Anh Sơn" in response.text


def test_office_page_shows_communes_staff_templates_and_closed_days(
    admin_client, office, make_user
):  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    make_user(role=Role.POSTAL, post_office_id=office.id, full_name="Lê Thị Lan")
    make_user(role=Role.POSTAL_HEAD, post_office_id=office.id, full_name="Vi Văn Hùng")
    office.templates.append(SlotTemplateRow(weekday=0, start=time(8), end=time(11), capacity=6))
    office.closures.append(PostOfficeClosure(day=date(2026, 11, 27), note="Mưa lũ"))
    office.closures.append(PostOfficeClosure(day=date(2026, 11, 2), note="Đã qua"))
    db.session.commit()
    html = page(admin_client.get(f"/quan-tri/buu-cuc/{office.id}"))
    assert [li.get_text() for li in html.select(".served li")] == ["Xã Anh Sơn"]
    staff = [li.get_text(" ", strip=True) for li in html.select(".staff li")]
    assert staff == ["Lê Thị Lan Nhân viên bưu điện", "Vi Văn Hùng Trưởng bưu cục"]
    assert [li.get_text() for li in html.select(".templates li")] == [
        "Thứ Hai, 08:00–11:00: 6 lượt"
    ]
    assert [li.get_text() for li in html.select(".closures li")] == ["27/11/2026: Mưa lũ"]
    listing = page(admin_client.get("/quan-tri/buu-cuc"))
    assert listing.select_one("tbody .num").get_text() == "2"


# --- staff accounts and their post office --------------------------------------------------------


def staff_data(**overrides):  # type: ignore[no-untyped-def]
    data = {"phone": "0977000111", "full_name": "Vi Văn Hùng", "role": "postal_head"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_post_office_head_account_needs_a_post_office(admin_client, office) -> None:
    html = page(admin_client.get("/quan-tri/can-bo/moi"))
    assert [o["value"] for o in html.select("#post_office option")] == ["", str(office.id)]
    assert html.find("option", attrs={"value": "postal_head"}).get_text() == "Trưởng bưu cục"

    response = admin_client.post("/quan-tri/can-bo/moi", data=staff_data())
    assert response.status_code == 422
    assert "phải thuộc một bưu cục" in field_errors(page(response), "post_office")
    assert db.session.scalar(select(User).filter_by(phone="0977000111")) is None

    response = admin_client.post(
        "/quan-tri/can-bo/moi", data=staff_data(post_office=str(office.id))
    )
    assert response.status_code == 303
    head = db.session.scalar(select(User).filter_by(phone="0977000111"))
    assert (head.role, head.post_office_id) == ("postal_head", office.id)
    # The one-time password works as for every staff account.
    shown = page(admin_client.get(response.location)).select_one(".password")
    assert shown is not None and head.check_password(shown.get_text(strip=True))
    listing = admin_client.get("/quan-tri/can-bo", query_string={"vai-tro": "postal_head"}).text
    assert "Vi Văn Hùng" in listing and "Bưu điện xã Anh Sơn" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "postal"}, "phải thuộc một bưu cục"),
        ({"role": "community", "post_office": "OFFICE"}, "hãy để trống ô “Bưu cục”"),
        ({"role": "admin", "post_office": "OFFICE"}, "hãy để trống ô “Bưu cục”"),
        ({"post_office": "999999"}, "không còn tồn tại"),
        ({"post_office": "x"}, "không hợp lệ"),
    ],
)
def test_post_office_rule_for_staff(admin_client, office, data, message) -> None:
    if data.get("post_office") == "OFFICE":
        data = {**data, "post_office": str(office.id)}
    posted = staff_data(**data)
    response = admin_client.post("/quan-tri/can-bo/moi", data=posted)
    assert response.status_code == 422
    html = page(response)
    assert message in field_errors(html, "post_office")
    assert html.find("input", attrs={"name": "full_name"})["value"] == "Vi Văn Hùng"
    assert db.session.scalar(select(User).filter_by(phone="0977000111")) is None


def test_editing_staff_keeps_the_post_office_rule(admin_client, office, other_office, make_user):  # type: ignore[no-untyped-def]
    worker = make_user(role=Role.POSTAL, post_office_id=office.id)
    html = page(admin_client.get(f"/quan-tri/can-bo/{worker.id}"))
    assert html.find("option", attrs={"value": str(office.id)}).has_attr("selected")
    base = {"full_name": worker.full_name, "active": "y"}
    # Promoted to head of another office.
    response = admin_client.post(
        f"/quan-tri/can-bo/{worker.id}",
        data={**base, "role": "postal_head", "post_office": str(other_office.id)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (worker.role, worker.post_office_id) == ("postal_head", other_office.id)
    # Becoming an officer while still attached to an office is refused…
    response = admin_client.post(
        f"/quan-tri/can-bo/{worker.id}",
        data={**base, "role": "community", "post_office": str(other_office.id)},
    )
    assert response.status_code == 422
    assert "hãy để trống ô “Bưu cục”" in response.text
    # …and accepted once the office is cleared (a community member joins a team instead).
    team = CommunityTeam(name="Tổ Bản Huồi Tụ", commune_code="16813", village="Bản Huồi Tụ")
    db.session.add(team)
    db.session.commit()
    response = admin_client.post(
        f"/quan-tri/can-bo/{worker.id}",
        data={**base, "role": "community", "post_office": "", "team": str(team.id)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (worker.role, worker.post_office_id) == ("community", None)


# --- pickup slot templates ----------------------------------------------------------------------


def add_template(client: FlaskClient, office: PostOffice, **data: str):  # type: ignore[no-untyped-def]
    posted = {"weekday": "0", "start": "08:00", "end": "11:00", "capacity": "5", **data}
    return client.post(f"/quan-tri/buu-cuc/{office.id}/lich/khung-gio", data=posted)


def test_admin_adds_and_removes_slot_templates(admin_client, office) -> None:
    assert add_template(admin_client, office).status_code == 303
    response = add_template(admin_client, office, weekday="3", start="13h30", end="16.30")
    assert response.status_code == 303
    # The same window on another day, and an overlapping window, are fine.
    assert add_template(admin_client, office, weekday="1").status_code == 303
    assert add_template(admin_client, office, start="9", end="10").status_code == 303
    rows = db.session.scalars(
        select(SlotTemplateRow).order_by(SlotTemplateRow.weekday, SlotTemplateRow.start)
    ).all()
    assert [(r.weekday, r.start, r.end, r.capacity) for r in rows] == [
        (0, time(8), time(11), 5),
        (0, time(9), time(10), 5),
        (1, time(8), time(11), 5),
        (3, time(13, 30), time(16, 30), 5),
    ]
    html = page(admin_client.get(response.location))
    assert "Đã thêm khung giờ Thứ Năm 13:30–16:30, 5 lượt." in html.get_text()
    cells = [[td.get_text() for td in tr.select("td")[:3]] for tr in html.select("tbody tr")]
    assert cells[0] == ["Thứ Hai", "08:00–11:00", "5"]

    response = admin_client.post(f"/quan-tri/buu-cuc/{office.id}/lich/khung-gio/{rows[0].id}/xoa")
    assert response.status_code == 303
    assert "Đã xóa khung giờ Thứ Hai 08:00–11:00" in admin_client.get(response.location).text
    assert db.session.scalar(select(func.count()).select_from(SlotTemplateRow)) == 3


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": "11:00", "end": "08:00"}, "end", "Giờ kết thúc phải sau giờ bắt đầu"),
        ({"start": "11:00", "end": "11:00"}, "end", "Giờ kết thúc phải sau giờ bắt đầu"),
        ({"capacity": "0"}, "capacity", "từ 1 đến 50"),
        ({"capacity": "51"}, "capacity", "từ 1 đến 50"),
        ({"capacity": "năm"}, "capacity", "Vui lòng nhập một số nguyên"),
        ({"capacity": ""}, "capacity", "Vui lòng nhập số lượt nhận."),
        ({"start": "25:00"}, "start", "đồng hồ 24 giờ"),
        ({"end": "8:75"}, "end", "đồng hồ 24 giờ"),
        ({"start": "8 giờ sáng"}, "start", "đồng hồ 24 giờ"),
        ({"start": "8:00 PM"}, "start", "đồng hồ 24 giờ"),
        ({"start": ""}, "start", "Vui lòng nhập giờ bắt đầu."),
        ({"weekday": ""}, "weekday", "Vui lòng chọn thứ trong tuần."),
        ({"weekday": "7"}, "weekday", "Vui lòng chọn thứ trong tuần."),
        ({"weekday": "DUP"}, "start", "Thứ Hai đã có khung giờ 08:00–11:00 (3 lượt)"),
    ],
)
def test_invalid_slot_template_is_shown_again_with_422(admin_client, office, data, field, message):  # type: ignore[no-untyped-def]
    db.session.add(
        SlotTemplateRow(
            post_office_id=office.id, weekday=0, start=time(8), end=time(11), capacity=3
        )
    )
    db.session.commit()
    data = {**data, "weekday": "0"} if data.get("weekday") == "DUP" else data
    response = add_template(admin_client, office, **data)
    assert response.status_code == 422
    html = page(response)
    assert message in field_errors(html, field)
    for name in ("start", "end", "capacity"):
        if name in data:
            assert html.find("input", attrs={"name": name})["value"] == data[name], name
    assert db.session.scalar(select(func.count()).select_from(SlotTemplateRow)) == 1


def test_invalid_slot_template_with_htmx_gets_the_form_fragment(admin_client, office) -> None:
    response = admin_client.post(
        f"/quan-tri/buu-cuc/{office.id}/lich/khung-gio",
        data={"weekday": "0", "start": "9", "end": "8", "capacity": "2"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="slot-template-form"' in response.text


def test_removing_a_window_keeps_booked_slots_and_drops_unbooked_ones(
    admin_client, office, citizen, procedure
) -> None:
    for weekday in range(5):
        office.templates.append(
            SlotTemplateRow(weekday=weekday, start=time(8), end=time(11), capacity=2)
        )
    office.templates.append(SlotTemplateRow(weekday=2, start=time(13), end=time(16), capacity=2))
    db.session.commit()
    slots = make_slots(office, days=14)  # Monday 23/11 to Sunday 6/12: two Wednesdays
    by_day = {(s.day, s.start): s for s in slots}
    booked = by_day[(date(2026, 11, 25), time(8))]
    assert (date(2026, 12, 2), time(8)) in by_day
    booked_pickup(office, booked, citizen, procedure)
    row = next(r for r in office.templates if r.weekday == 2 and r.start == time(8))

    response = admin_client.post(f"/quan-tri/buu-cuc/{office.id}/lich/khung-gio/{row.id}/xoa")
    assert response.status_code == 303
    db.session.expire_all()
    left = {(s.day, s.start) for s in db.session.scalars(select(PickupSlot))}
    assert left == set(by_day) - {(date(2026, 12, 2), time(8))}
    # The booked Wednesday morning stays with its booking: the worker still comes.
    assert db.session.get(PickupSlot, booked.id).booked == 1
    assert db.session.scalar(select(Shipment.slot_id)) == booked.id
    # Making the slots again does not bring the removed window back.
    assert ensure_slots(office, clock.today(), 14, working_calendar()) == 0


def test_removing_a_window_drops_its_future_unbooked_slots(admin_client, office) -> None:
    office.templates.append(SlotTemplateRow(weekday=3, start=time(8), end=time(11), capacity=2))
    office.templates.append(SlotTemplateRow(weekday=4, start=time(8), end=time(11), capacity=2))
    db.session.commit()
    slots = make_slots(office)
    assert {s.day for s in slots} == {date(2026, 11, 26), date(2026, 11, 27)}
    thursday = next(r for r in office.templates if r.weekday == 3)
    admin_client.post(f"/quan-tri/buu-cuc/{office.id}/lich/khung-gio/{thursday.id}/xoa")
    db.session.expire_all()
    assert [s.day for s in db.session.scalars(select(PickupSlot))] == [date(2026, 11, 27)]


# --- closed days --------------------------------------------------------------------------------


def close(client: FlaskClient, office: PostOffice, day: str, note: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        f"/quan-tri/buu-cuc/{office.id}/lich/ngay-nghi", data={"day": day, "note": note}
    )


def test_a_day_without_bookings_is_closed_and_reopened(admin_client, office) -> None:
    office.templates.append(SlotTemplateRow(weekday=3, start=time(8), end=time(11), capacity=2))
    db.session.commit()
    thursday = make_slots(office)[0]
    assert thursday.day == date(2026, 11, 26)
    response = close(admin_client, office, "26/11/2026", "Mưa lũ, đường sạt lở")
    assert response.status_code == 303
    closure = db.session.scalar(select(PostOfficeClosure))
    assert (closure.day, closure.note) == (date(2026, 11, 26), "Mưa lũ, đường sạt lở")
    db.session.expire_all()
    assert db.session.get(PickupSlot, thursday.id).is_closed
    html = page(admin_client.get(response.location))
    assert "Bưu cục nghỉ ngày 26/11/2026" in html.get_text()
    assert "Thứ Năm, 26/11/2026: Mưa lũ, đường sạt lở" in html.select_one(".closures li").get_text()
    # An ISO date (from a date picker) works too, and the same day again only updates the note.
    assert close(admin_client, office, "2026-11-26", "Bão").status_code == 303
    assert [c.note for c in db.session.scalars(select(PostOfficeClosure))] == ["Bão"]

    response = admin_client.post(f"/quan-tri/buu-cuc/{office.id}/lich/ngay-nghi/{closure.id}/xoa")
    assert response.status_code == 303
    assert "Đã mở lại ngày 26/11/2026" in admin_client.get(response.location).text
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PostOfficeClosure)) == 0
    assert db.session.get(PickupSlot, thursday.id).is_closed is False


def test_a_day_with_bookings_is_not_closed(admin_client, office, citizen, procedure) -> None:
    office.templates.append(SlotTemplateRow(weekday=3, start=time(8), end=time(11), capacity=2))
    db.session.commit()
    thursday = make_slots(office)[0]
    booked_pickup(office, thursday, citizen, procedure)
    response = close(admin_client, office, "26/11/2026", "Mưa lũ")
    assert response.status_code == 422
    html = page(response)
    assert "Ngày 26/11/2026 đã có 1 lịch hẹn nhận hồ sơ" in field_errors(html, "day")
    assert html.find("input", attrs={"name": "day"})["value"] == "26/11/2026"
    assert html.find("input", attrs={"name": "note"})["value"] == "Mưa lũ"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PostOfficeClosure)) == 0
    assert db.session.get(PickupSlot, thursday.id).is_closed is False


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("23/11/2026", "Chỉ đóng được những ngày sắp tới."),
        ("2026-11-20", "Chỉ đóng được những ngày sắp tới."),
        ("31/11/2026", "Ngày chưa đúng"),
        ("ngày mai", "Ngày chưa đúng"),
        ("", "Vui lòng chọn ngày."),
    ],
)
def test_invalid_closed_day_is_shown_again_with_422(admin_client, office, day, message) -> None:
    clock.freeze(MONDAY)
    response = close(admin_client, office, day)
    assert response.status_code == 422
    html = page(response)
    assert message in field_errors(html, "day")
    assert html.find("input", attrs={"name": "day"})["value"] == day
    assert db.session.scalar(select(func.count()).select_from(PostOfficeClosure)) == 0


def test_invalid_closed_day_with_htmx_gets_the_form_fragment(admin_client, office) -> None:
    clock.freeze(MONDAY)
    response = admin_client.post(
        f"/quan-tri/buu-cuc/{office.id}/lich/ngay-nghi", data={"day": "01/01/2020"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="closure-form"' in response.text


# --- API tokens ---------------------------------------------------------------------------------


def issue(client: FlaskClient, office: PostOffice, **data):  # type: ignore[no-untyped-def]
    posted = {"name": "Hệ thống bưu chính Vietnam Post", "scopes": ["read", "events"], **data}
    return client.post(f"/quan-tri/buu-cuc/{office.id}/khoa-api", data=posted)


def shown_token(response) -> str | None:  # type: ignore[no-untyped-def]
    tag = page(response).select_one(".token")
    return tag.get_text(strip=True) if tag else None


def test_a_token_is_shown_once_and_only_its_hash_is_stored(admin_client, office) -> None:
    response = issue(admin_client, office)
    assert response.status_code == 303
    token = db.session.scalar(select(ApiToken))
    assert response.location.endswith(f"/quan-tri/buu-cuc/{office.id}/khoa-api/{token.id}")

    first = admin_client.get(response.location)
    plain = shown_token(first)
    assert plain and plain.startswith("mc_") and plain.startswith(token.prefix)
    assert "chỉ hiện một lần" in first.text
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    stored = db.session.execute(select(ApiToken.__table__)).one()
    assert plain not in [str(value) for value in stored]
    assert verify_token(plain).id == token.id
    assert (token.name, token.scopes) == ("Hệ thống bưu chính Vietnam Post", ["events", "read"])

    second = admin_client.get(response.location)
    assert second.status_code == 200
    assert shown_token(second) is None and plain not in second.text
    assert "không thể xem lại" in second.text

    listing = page(admin_client.get(f"/quan-tri/buu-cuc/{office.id}/khoa-api"))
    (row,) = listing.select("tbody tr")
    text = row.get_text(" ", strip=True)
    assert f"{token.prefix}…" in text and "Hệ thống bưu chính Vietnam Post" in text
    assert "Chưa dùng" in text and "Đang dùng" in text and plain not in listing.text
    assert tokens.SCOPES["read"] in text and tokens.SCOPES["events"] in text


def test_a_waiting_token_is_not_shown_on_another_tokens_page(admin_client, office, admin) -> None:
    older, _ = issue_token(office, "Cũ", ["read"], admin)
    db.session.commit()
    response = issue(admin_client, office)
    assert (
        shown_token(admin_client.get(f"/quan-tri/buu-cuc/{office.id}/khoa-api/{older.id}")) is None
    )
    assert shown_token(admin_client.get(response.location))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"scopes": []}, "scopes", "Vui lòng chọn ít nhất một quyền cho khóa."),
        ({"scopes": ["read", "admin"]}, "scopes", "Quyền đã chọn không hợp lệ."),
        ({"name": "  "}, "name", "Vui lòng đặt tên cho khóa"),
        ({"name": ""}, "name", "Vui lòng đặt tên cho khóa."),
    ],
)
def test_invalid_token_request_is_shown_again_with_422(admin_client, office, data, field, message):  # type: ignore[no-untyped-def]
    response = issue(admin_client, office, **data)
    assert response.status_code == 422
    html = page(response)
    assert message in field_errors(html, field)
    assert shown_token(response) is None
    if field == "scopes" and data["scopes"]:
        assert html.find("input", attrs={"name": "scopes", "value": "read"}).has_attr("checked")
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_revoked_token_no_longer_works(admin_client, office, admin) -> None:
    token, plain = issue_token(office, "Hệ thống", ["read"], admin)
    db.session.commit()
    response = admin_client.post(f"/quan-tri/buu-cuc/{office.id}/khoa-api/{token.id}/thu-hoi")
    assert response.status_code == 303
    text = admin_client.get(response.location).text
    assert "Đã thu hồi khóa “Hệ thống”" in text and "Đã thu hồi lúc" in text
    db.session.expire_all()
    assert token.revoked_at is not None and verify_token(plain) is None
    # Revoking twice keeps the first time.
    first = token.revoked_at
    admin_client.post(f"/quan-tri/buu-cuc/{office.id}/khoa-api/{token.id}/thu-hoi")
    db.session.expire_all()
    assert token.revoked_at == first


def test_tokens_of_another_office_are_not_found(admin_client, office, other_office, admin) -> None:
    token, plain = issue_token(other_office, "Hệ thống", ["read"], admin)
    db.session.commit()
    base = f"/quan-tri/buu-cuc/{office.id}/khoa-api/{token.id}"
    assert admin_client.get(base).status_code == 404
    assert admin_client.post(f"{base}/thu-hoi").status_code == 404
    assert verify_token(plain) is not None
