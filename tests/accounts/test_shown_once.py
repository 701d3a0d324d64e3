"""A staff member's one-time password is shown once to the administrator who made it, and never
travels in the cookie (a Flask session is signed, not encrypted): it waits on the server XOR a
pad only that administrator's session holds, and showing it deletes it."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from bs4 import BeautifulSoup
from flask import Flask
from helpers import login
from sqlalchemy import select

from app.accounts.models import PendingSecret
from app.core import clock
from app.core.roles import Role
from app.extensions import db


def cookie_contents(app: Flask, client) -> str:  # type: ignore[no-untyped-def]
    """Everything the session cookie says, decoded as anyone holding it could."""
    cookie = client.get_cookie("session")
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return repr(serializer.loads(cookie.value)) + cookie.value


def shown_password(response) -> str | None:  # type: ignore[no-untyped-def]
    tag = BeautifulSoup(response.text, "html.parser").select_one(".one-time .password")
    return tag.get_text(strip=True) if tag else None


def held() -> list[PendingSecret]:
    db.session.expire_all()
    return list(db.session.scalars(select(PendingSecret)))


def test_the_password_is_never_in_the_cookie_and_shown_once(app, admin_client, make_user):
    officer = make_user(role=Role.POSTAL, full_name="Lê Thị Lan")
    response = admin_client.post(f"/quan-tri/can-bo/{officer.id}/cap-lai-mat-khau")
    page_url = response.location
    (row,) = held()
    sealed = row.sealed
    # A copy of the cookie taken before the page is shown (the copy a thief would keep).
    replay = app.test_client()
    replay.set_cookie("session", admin_client.get_cookie("session").value, domain="localhost")

    password = shown_password(admin_client.get(page_url))
    assert password and len(password) >= 10
    encodings = [password, base64.b64encode(password.encode()).decode()]
    encodings.append(base64.urlsafe_b64encode(password.encode()).decode().rstrip("="))
    for encoded in encodings:
        assert encoded not in cookie_contents(app, replay)
        assert encoded not in sealed
    assert held() == []  # shown: gone from the server

    for again in (admin_client.get(page_url), replay.get(page_url)):
        assert again.status_code == 200
        assert shown_password(again) is None and password not in again.text
        assert "không thể xem lại" in again.text


def test_a_new_staff_members_password_is_held_the_same_way(app, admin_client) -> None:
    from app.catalogue.models import Unit

    unit = db.session.scalars(select(Unit).order_by(Unit.id)).first()
    response = admin_client.post(
        "/quan-tri/can-bo/moi",
        data={
            "full_name": "Trần Văn Minh",
            "phone": "0987 654 321",
            "role": "officer",
            "units": [str(unit.id)],
        },
    )
    assert response.status_code == 303, response.text
    assert len(held()) == 1
    password = shown_password(admin_client.get(response.location))
    assert password and password not in cookie_contents(app, admin_client)
    assert held() == []
    staff = app.test_client()
    response = staff.post("/dang-nhap", data={"phone": "0987654321", "password": password})
    assert response.status_code == 303


def test_another_administrator_cannot_see_it(app, admin_client, make_user) -> None:
    officer = make_user(role=Role.POSTAL)
    other_admin = make_user(role=Role.ADMIN, full_name="Hồ Văn Nam")
    response = admin_client.post(f"/quan-tri/can-bo/{officer.id}/cap-lai-mat-khau")
    with admin_client.session_transaction() as session:
        waiting = dict(session["shown_once"])
    other = app.test_client()
    login(other, other_admin)
    with other.session_transaction() as session:
        session["shown_once"] = waiting  # even with the first administrator's pad and id
    assert shown_password(other.get(response.location)) is None
    assert shown_password(admin_client.get(response.location))


def test_a_password_never_shown_expires(app, admin_client, make_user) -> None:
    officer = make_user(role=Role.POSTAL)
    clock.freeze(datetime(2026, 3, 2, 9, 0))
    response = admin_client.post(f"/quan-tri/can-bo/{officer.id}/cap-lai-mat-khau")
    clock.freeze(datetime(2026, 3, 2, 9, 0) + timedelta(minutes=10, seconds=1))
    assert shown_password(admin_client.get(response.location)) is None
    assert held() == []  # the attempt to show it removed it too


def test_a_tampered_pad_shows_nothing_readable(app, admin_client, make_user) -> None:
    officer = make_user(role=Role.POSTAL)
    response = admin_client.post(f"/quan-tri/can-bo/{officer.id}/cap-lai-mat-khau")
    with admin_client.session_transaction() as session:
        session["shown_once"] = {**session["shown_once"], "pad": "not base64!"}
    assert admin_client.get(response.location).status_code == 200
    assert held() == []
