"""A forgotten password, reset with a code sent to the phone ("Quên mật khẩu?" on the login page).

Every phone gets the same answer: only a phone with an active account gets a code.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import PASSWORD, SentCodes, after_a_minute, login, without_phone
from sqlalchemy import select

from app.accounts.models import LoginThrottle, OneTimeCode, User
from app.core import clock
from app.core.roles import Role
from app.extensions import db

NEW_PASSWORD = "Mua-xuan-tren-nui-2026"
START = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    return {**app_config, **getattr(request, "param", {})}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> SentCodes:
    return SentCodes(monkeypatch)


def ask(client, phone: str):  # type: ignore[no-untyped-def]
    return client.post("/quen-mat-khau", data={"phone": phone})


def answer(client, code: str, password: str = NEW_PASSWORD, again: str | None = None):  # type: ignore[no-untyped-def]
    data = {"code": code, "password": password, "password_again": again or password}
    return client.post("/quen-mat-khau/ma", data=data)


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    main = BeautifulSoup(response.text, "html.parser").find("main")
    return " ".join(main.get_text(" ", strip=True).split())


def error_of(response, field: str) -> str:  # type: ignore[no-untyped-def]
    page = BeautifulSoup(response.text, "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in page.select(f"#{field} ~ .error"))


def codes() -> list[OneTimeCode]:
    db.session.expire_all()
    query = select(OneTimeCode).filter_by(purpose="reset").order_by(OneTimeCode.id)
    return list(db.session.scalars(query))


def test_the_login_page_links_to_the_reset(client) -> None:
    page = BeautifulSoup(client.get("/dang-nhap").text, "html.parser")
    link = page.find("a", href="/quen-mat-khau")
    assert link is not None and link.get_text(strip=True) == "Quên mật khẩu?"
    form_page = BeautifulSoup(client.get("/quen-mat-khau").text, "html.parser")
    assert len(form_page.find_all("h1")) == 1
    assert form_page.find("label", attrs={"for": "phone"}) is not None


def test_a_citizen_resets_a_forgotten_password(app, client, citizen, sent) -> None:
    response = ask(client, citizen.phone)
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/quen-mat-khau/ma"
    (row,) = codes()
    assert (row.phone, row.user_id) == (citizen.phone, citizen.id)
    assert "Nếu số này có tài khoản, một mã đã được gửi" in text_of(client.get("/quen-mat-khau/ma"))
    response = answer(client, sent.last(citizen.phone, "reset"))
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/ho-so-cua-toi"
    assert "Đã đặt mật khẩu mới" in text_of(client.get("/ho-so-cua-toi"))
    user = reload(citizen)
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    assert codes()[0].used_at is not None
    other = app.test_client()
    assert (
        other.post(
            "/dang-nhap", data={"phone": citizen.phone, "password": NEW_PASSWORD}
        ).status_code
        == 303
    )
    assert other.post("/dang-xuat").status_code == 303
    assert (
        other.post("/dang-nhap", data={"phone": citizen.phone, "password": PASSWORD}).status_code
        == 422
    )


def test_staff_land_on_their_own_work(app, client, make_user, sent) -> None:
    officer = make_user(role=Role.POSTAL, full_name="Lê Thị Lan")
    ask(client, officer.phone)
    response = answer(client, sent.last(officer.phone))
    assert urlsplit(response.location).path == "/buu-dien/"


def test_a_reset_ends_the_wait_of_wrong_passwords(app, client, citizen, sent) -> None:
    clock.freeze(START)
    for _ in range(6):
        app.test_client().post("/dang-nhap", data={"phone": citizen.phone, "password": "sai-roi"})
    assert db.session.get(LoginThrottle, citizen.phone).wait_until is not None
    ask(client, citizen.phone)
    assert answer(client, sent.last(citizen.phone)).status_code == 303
    assert db.session.get(LoginThrottle, citizen.phone) is None
    fresh = app.test_client()
    response = fresh.post("/dang-nhap", data={"phone": citizen.phone, "password": NEW_PASSWORD})
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngan-qua", "ít nhất 10 ký tự"),
        ("matkhau123", "bị dùng nhiều nhất"),
        ("Nguyenthihoa1990", "họ tên"),  # the citizen's own name (make_user: Nguyễn Thị Hoa)
        ("Hoa-12051990", "ngày sinh"),
    ],
)
def test_a_weak_new_password_is_refused_and_the_code_still_works(
    client, citizen, sent, password, message
) -> None:
    ask(client, citizen.phone)
    code = sent.last(citizen.phone)
    response = answer(client, code, password=password)
    assert response.status_code == 422
    assert message in error_of(response, "password")
    assert codes()[0].used_at is None
    assert reload(citizen).check_password(PASSWORD)
    assert answer(client, code).status_code == 303


def _walk(app, phone: str) -> list[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    start = clock.now()
    seen = []
    for step in (
        lambda: ask(client, phone),
        lambda: client.get("/quen-mat-khau/ma"),
        lambda: answer(client, "000000"),
        lambda: client.post("/quen-mat-khau/gui-lai"),  # too soon: refused politely
        lambda: client.get("/quen-mat-khau/ma"),
        lambda: after_a_minute() or client.post("/quen-mat-khau/gui-lai"),
        lambda: client.get("/quen-mat-khau/ma"),
        lambda: answer(client, "000001"),
    ):
        response = step()
        body = text_of(response) if response.status_code != 303 else ""
        with client.session_transaction() as session:
            state = dict(session["reset"])
        state["ref"] = len(state["ref"])
        body, state = without_phone(body, state, phone)
        seen.append((response.status_code, response.headers.get("Location", ""), body, state))
    clock.freeze(start)
    return seen


def test_the_same_answer_for_every_phone(app, make_user, monkeypatch) -> None:
    monkeypatch.setattr("app.accounts.codes.secrets.randbelow", lambda _: 987654)
    clock.freeze(START)
    with_password = make_user(phone="0987000111")
    unclaimed = make_user(phone="0987000222")
    unclaimed.password_hash = None
    locked = make_user(phone="0987000333", is_active_account=False)
    db.session.commit()
    walks = {
        phone: _walk(app, phone)
        for phone in (with_password.phone, unclaimed.phone, locked.phone, "0987000444")
    }
    assert len({repr(walk) for walk in walks.values()}) == 1, walks
    # Codes went to the two active accounts only (an unclaimed one gets its first password).
    assert {row.phone for row in codes()} == {with_password.phone, unclaimed.phone}


def test_an_expired_code_is_refused(app, client, citizen, sent) -> None:
    clock.freeze(START)
    ask(client, citizen.phone)
    clock.freeze(START + timedelta(minutes=app.config["OTP_MINUTES"], seconds=1))
    response = answer(client, sent.last(citizen.phone))
    assert error_of(response, "code") == "Mã đã hết hạn hoặc đã được dùng. Hãy gửi mã mới."
    assert reload(citizen).check_password(PASSWORD)


def test_the_code_step_needs_the_first_step(client) -> None:
    for response in (client.get("/quen-mat-khau/ma"), client.post("/quen-mat-khau/gui-lai")):
        assert urlsplit(response.location).path == "/quen-mat-khau"


def test_resetting_is_rate_limited_per_address(app, citizen) -> None:
    app.config["RATELIMIT_PASSWORD_RESET"] = "2/hour"
    for phone in ("0987000001", "0987000002"):
        assert ask(app.test_client(), phone).status_code == 303
    refused = ask(app.test_client(), citizen.phone)
    assert refused.status_code == 429
    assert "thử lại sau" in refused.text
    assert codes() == []


def test_sending_codes_is_limited_across_pages(app, citizen) -> None:
    """Register, claim and reset share one count of codes asked from an address."""
    app.config["RATELIMIT_CODE_SEND"] = "2/hour"
    client = app.test_client()
    assert client.post("/nhan-tai-khoan", data={"phone": "0987000001"}).status_code == 303
    assert ask(client, "0987000002").status_code == 303
    assert ask(client, citizen.phone).status_code == 429
    assert client.post("/nhan-tai-khoan/gui-lai").status_code == 429


@pytest.mark.parametrize("app_config", [{"DEMO_MODE": True}], indirect=True)
def test_demo_mode_shows_the_code(client, citizen, sent) -> None:
    response = ask(client, citizen.phone)
    assert response.status_code == 200
    assert f"Chế độ trình diễn: mã là {sent.last(citizen.phone)}" in text_of(response)


def test_signed_in_people_can_reset_too(client, citizen, sent) -> None:
    login(client, citizen)
    assert ask(client, citizen.phone).status_code == 303
    assert answer(client, sent.last(citizen.phone)).status_code == 303
