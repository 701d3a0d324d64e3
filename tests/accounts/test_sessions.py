"""Sessions kept on the server: a copy of a session cookie opens nothing once its session has
ended: by logging out, a new password, an administrator's reset or lock, "sign out everywhere",
a password reset by code, the idle sign-out of a shared device, or its age."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import PASSWORD, SentCodes, login
from sqlalchemy import select

from app.accounts.models import User, UserSession
from app.catalogue.models import Unit
from app.core import clock
from app.core.roles import Role
from app.extensions import db

NEW_PASSWORD = "Ca-phe-sua-da-2026"
START = datetime(2026, 3, 2, 9, 0)


def copy_of(app, client):  # type: ignore[no-untyped-def]
    """Another browser holding a copy of ``client``'s session cookie, as one copied off a
    shared PC would be."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain=cookie.domain or "localhost")
    return thief


def opens_my_dossiers(client) -> bool:  # type: ignore[no-untyped-def]
    response = client.get("/ho-so-cua-toi")
    if response.status_code == 303:
        assert urlsplit(response.location).path == "/dang-nhap"
        return False
    assert response.status_code == 200
    return True


def sessions_of(user_id: int) -> list[UserSession]:
    db.session.expire_all()
    query = select(UserSession).filter_by(user_id=user_id).order_by(UserSession.id)
    return list(db.session.scalars(query))


def test_a_cookie_copied_before_logout_opens_nothing_after(app, client, citizen) -> None:
    login(client, citizen)
    thief = copy_of(app, client)
    assert opens_my_dossiers(thief)  # the copy works while the session lives…
    assert client.post("/dang-xuat").status_code == 303
    assert not opens_my_dossiers(client)
    assert not opens_my_dossiers(thief)  # …and not once it is over
    assert thief.get("/tai-khoan").status_code == 303
    (ended,) = sessions_of(citizen.id)
    assert ended.ended_at is not None and ended.end_reason == "logout"


def test_the_cookie_holds_a_random_key_and_the_server_only_its_hash(app, client, citizen) -> None:
    login(client, citizen)
    with client.session_transaction() as session:
        key = session["sid"]
    (row,) = sessions_of(citizen.id)
    assert len(key) >= 40 and key not in row.key_hash and row.key_hash != key
    # A forged key, or none, signs nobody in even with the right user id.
    for forged in ("", "x" * 43, row.key_hash):
        with client.session_transaction() as session:
            session["sid"] = forged
        assert not opens_my_dossiers(client)


def test_a_new_password_signs_out_the_other_devices_only(app, citizen) -> None:
    here, phone_lent = app.test_client(), app.test_client()
    login(here, citizen)
    login(phone_lent, citizen)
    copied = copy_of(app, here)
    response = here.post(
        "/tai-khoan/doi-mat-khau",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert "1 thiết bị khác đã bị đăng xuất" in here.get("/tai-khoan").text
    assert opens_my_dossiers(here)
    assert opens_my_dossiers(copied)  # the same session as here (the same cookie)
    assert not opens_my_dossiers(phone_lent)
    reasons = [s.end_reason for s in sessions_of(citizen.id)]
    assert reasons == [None, "new_password"]


def test_sign_out_everywhere(app, citizen) -> None:
    devices = [app.test_client() for _ in range(3)]
    for device in devices:
        login(device, citizen)
    copied = copy_of(app, devices[0])
    page = BeautifulSoup(devices[0].get("/tai-khoan").text, "html.parser")
    button = page.find("button", string="Đăng xuất khỏi mọi thiết bị")
    assert button is not None
    form = button.find_parent("form")
    assert form["method"] == "post" and form["action"] == "/tai-khoan/dang-xuat-moi-noi"
    response = devices[0].post("/tai-khoan/dang-xuat-moi-noi")
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/dang-nhap"
    assert "Đã đăng xuất khỏi mọi thiết bị" in devices[0].get("/dang-nhap").text
    for device in [*devices, copied]:
        assert not opens_my_dossiers(device)
    assert {s.end_reason for s in sessions_of(citizen.id)} == {"everywhere"}
    login(devices[1], citizen)  # signing in again works
    assert opens_my_dossiers(devices[1])


def test_sign_out_everywhere_is_a_post_with_csrf(app, citizen) -> None:
    client = app.test_client()
    login(client, citizen)
    assert client.get("/tai-khoan/dang-xuat-moi-noi").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/tai-khoan/dang-xuat-moi-noi").status_code == 400
    assert opens_my_dossiers(client)


def test_an_administrators_reset_and_lock_sign_the_staff_member_out(
    app, make_user, admin_client
) -> None:
    unit = db.session.scalars(select(Unit).order_by(Unit.id)).first()
    officer = make_user(role=Role.OFFICER, full_name="Trần Văn Minh", units=[unit])
    at_the_counter = app.test_client()
    login(at_the_counter, officer)
    assert at_the_counter.get("/tai-khoan").status_code == 200
    admin_client.post(f"/quan-tri/can-bo/{officer.id}/cap-lai-mat-khau")
    assert at_the_counter.get("/tai-khoan").status_code == 303
    assert sessions_of(officer.id)[0].end_reason == "admin_reset"

    password = BeautifulSoup(
        admin_client.get(f"/quan-tri/can-bo/{officer.id}/mat-khau").text, "html.parser"
    ).select_one(".one-time .password")
    at_home = app.test_client()
    response = at_home.post("/dang-nhap", data={"phone": officer.phone, "password": password.text})
    assert response.status_code == 303
    admin_client.post(
        f"/quan-tri/can-bo/{officer.id}",
        data={"full_name": officer.full_name, "role": "officer", "units": [str(unit.id)]},
    )  # the box "active" left unticked: the account is locked
    assert db.session.get(User, officer.id).is_active_account is False
    assert at_home.get("/tai-khoan").status_code == 303
    db.session.expire_all()
    assert sessions_of(officer.id)[-1].end_reason == "locked"


def test_a_session_ends_after_its_days_whatever_happens(app, client, citizen) -> None:
    clock.freeze(START)
    login(client, citizen)
    clock.freeze(START + timedelta(days=app.config["SESSION_DAYS"], minutes=-1))
    assert opens_my_dossiers(client)
    clock.freeze(START + timedelta(days=app.config["SESSION_DAYS"], minutes=1))
    assert not opens_my_dossiers(client)


def test_a_password_reset_by_code_signs_out_every_device(app, citizen, monkeypatch) -> None:
    codes = SentCodes(monkeypatch)
    lost_phone = app.test_client()
    login(lost_phone, citizen)
    client = app.test_client()
    assert client.post("/quen-mat-khau", data={"phone": citizen.phone}).status_code == 303
    response = client.post(
        "/quen-mat-khau/ma",
        data={
            "code": codes.last(citizen.phone, "reset"),
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert not opens_my_dossiers(lost_phone)
    assert opens_my_dossiers(client)


@pytest.mark.parametrize("app_config", [{"STAFF_IDLE_MINUTES": 10}], indirect=True)
def test_the_idle_sign_out_ends_the_session_for_every_copy(app, make_user) -> None:
    volunteer = make_user(role=Role.COMMUNITY, full_name="Lô Văn Pằn")
    clock.freeze(START)
    village_pc = app.test_client()
    login(village_pc, volunteer)
    village_pc.get("/tai-khoan")
    copied = copy_of(app, village_pc)
    clock.freeze(START + timedelta(minutes=5))
    assert copied.get("/tai-khoan").status_code == 200  # the copy's clock now says 09:05
    clock.freeze(START + timedelta(minutes=11))
    response = village_pc.get("/tai-khoan")  # idle since 09:00: signed out
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/dang-nhap"
    clock.freeze(START + timedelta(minutes=12))
    # Only 7 minutes since the copy was last used, but its session is over on the server.
    assert copied.get("/tai-khoan").status_code == 303
    assert sessions_of(volunteer.id)[0].end_reason == "idle"


@pytest.fixture
def app_config(app_config, request):  # type: ignore[no-untyped-def]
    return {**app_config, **getattr(request, "param", {})}
