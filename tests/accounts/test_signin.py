"""Signing in against a guesser: the wait after wrong passwords in a row, the same answer (and
the same work) whether or not a phone has an account, and the rate limits of the login page."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import PASSWORD

from app.accounts import backoff, signin
from app.accounts.models import LoginThrottle, User
from app.core import clock
from app.core.roles import Role
from app.extensions import db

START = datetime(2026, 3, 2, 9, 0)
PHONE = "0912345678"
WRONG = "Số điện thoại hoặc mật khẩu chưa đúng."


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The method of every password hash checked (the one place hashes are checked)."""
    checked: list[str] = []
    real = __import__("app.accounts.models", fromlist=["check_password_hash"]).check_password_hash

    def counting(stored: str, password: str) -> bool:
        checked.append(stored.split("$", 1)[0])
        return real(stored, password)

    monkeypatch.setattr("app.accounts.models.check_password_hash", counting)
    return checked


def try_login(client, password: str, phone: str = PHONE, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/dang-nhap", data={"phone": phone, "password": password}, headers=headers)


def error_text(response) -> str:  # type: ignore[no-untyped-def]
    page = BeautifulSoup(response.text, "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in page.select(".field .error"))


def signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/ho-so-cua-toi").status_code == 200


# --- the wait after wrong passwords ------------------------------------------------------------


def test_fifty_wrong_passwords_then_the_right_one_does_not_sign_in(app, make_user, hashes) -> None:
    make_user(phone=PHONE)
    clock.freeze(START)
    client = app.test_client()
    answers = [try_login(client, f"doan-sai-{n}") for n in range(50)]
    # Five were checked; from the fifth the phone waits and the rest were not even checked.
    assert len(hashes) == app.config["LOGIN_FREE_FAILURES"] == 5
    assert [a.status_code for a in answers[:5]] == [422] * 5
    assert {a.status_code for a in answers[5:]} == {429}
    response = try_login(client, PASSWORD)
    assert response.status_code == 429
    assert len(hashes) == 5  # the right password was not checked either
    assert "tạm dừng đăng nhập" in error_text(response)
    assert "1 phút" in error_text(response)
    assert response.headers["Retry-After"] == "60"
    assert not signed_in(client)
    # After the wait, the right password works, and the count starts again.
    clock.freeze(START + timedelta(minutes=1))
    response = try_login(client, PASSWORD)
    assert response.status_code == 303
    assert signed_in(client)
    assert db.session.get(LoginThrottle, PHONE) is None


def test_each_wrong_password_after_the_fifth_doubles_the_wait_up_to_the_cap(app, make_user) -> None:
    make_user(phone=PHONE)
    client = app.test_client()
    moment = START
    clock.freeze(moment)
    for _ in range(4):
        assert try_login(client, "doan-sai-nua").status_code == 422
    waits = []
    for _ in range(8):
        response = try_login(client, "doan-sai-nua")
        assert response.status_code == 422  # checked, wrong, and now the phone waits
        db.session.expire_all()
        wait = db.session.get(LoginThrottle, PHONE).wait_until - moment
        waits.append(int(wait.total_seconds() // 60))
        # Before the wait is over nothing is checked; right after it, one more try.
        clock.freeze(moment + wait - timedelta(seconds=1))
        assert try_login(client, PASSWORD).status_code == 429
        moment += wait
        clock.freeze(moment)
    assert waits == [1, 2, 4, 8, 15, 15, 15, 15]
    assert app.config["LOGIN_WAIT_MAX_MINUTES"] == 15
    # A stranger who kept guessing has not locked the citizen out: 15 minutes at most.
    assert try_login(client, PASSWORD).status_code == 303


def test_the_message_says_how_long_to_wait_and_how_to_reset(app, make_user) -> None:
    make_user(phone=PHONE)
    clock.freeze(START)
    client = app.test_client()
    for _ in range(4):
        assert error_text(try_login(client, "sai-mat-khau")) == WRONG
    fifth = error_text(try_login(client, "sai-mat-khau"))
    assert fifth.startswith(WRONG)
    assert "hãy đợi 1 phút (đến 09:01)" in fifth
    assert "Quên mật khẩu?" in fifth
    clock.freeze(START + timedelta(seconds=30))
    waiting = try_login(client, "sai-mat-khau")
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "30"
    assert "thử lại sau 30 giây" in error_text(waiting)
    page = BeautifulSoup(waiting.text, "html.parser")
    assert len(page.find_all("h1")) == 1
    assert page.find("a", href="/quen-mat-khau") is not None


def test_a_right_password_forgets_the_wrong_ones(app, make_user) -> None:
    make_user(phone=PHONE)
    clock.freeze(START)
    client = app.test_client()
    for _ in range(4):
        try_login(client, "sai-mat-khau")
    assert try_login(client, PASSWORD).status_code == 303
    client.post("/dang-xuat")
    for _ in range(4):
        assert try_login(client, "sai-mat-khau").status_code == 422
    assert try_login(client, PASSWORD).status_code == 303


def test_old_wrong_passwords_are_forgotten(app, make_user) -> None:
    make_user(phone=PHONE)
    clock.freeze(START)
    client = app.test_client()
    for _ in range(4):
        try_login(client, "sai-mat-khau")
    clock.freeze(START + timedelta(hours=app.config["LOGIN_FORGET_HOURS"], minutes=1))
    for _ in range(4):
        assert try_login(client, "sai-mat-khau").status_code == 422
    assert db.session.get(LoginThrottle, PHONE).failures == 4
    assert try_login(client, PASSWORD).status_code == 303


def test_the_wait_is_per_phone_not_per_browser(app, make_user) -> None:
    make_user(phone=PHONE)
    other = make_user(phone="0912000999")
    clock.freeze(START)
    for _ in range(5):
        try_login(app.test_client(), "sai-mat-khau")  # a fresh browser every time
    assert try_login(app.test_client(), PASSWORD).status_code == 429
    # Another phone is not held up.
    assert try_login(app.test_client(), PASSWORD, phone=other.phone).status_code == 303


def test_an_administrators_new_password_works_at_once(app, make_user, admin_client) -> None:
    officer = make_user(phone=PHONE, role=Role.OFFICER, units=[])
    clock.freeze(START)
    for _ in range(6):
        try_login(app.test_client(), "sai-mat-khau")
    assert try_login(app.test_client(), PASSWORD).status_code == 429
    admin_client.post(f"/quan-tri/can-bo/{officer.id}/cap-lai-mat-khau")
    shown = admin_client.get(f"/quan-tri/can-bo/{officer.id}/mat-khau")
    password = BeautifulSoup(shown.text, "html.parser").select_one(".one-time .password")
    assert password is not None, shown.text
    assert try_login(app.test_client(), password.get_text(strip=True)).status_code == 303


def test_the_schedule_of_waits() -> None:
    assert [backoff.wait_after(n, 5, 15) for n in range(5)] == [None] * 5
    minutes = [backoff.wait_after(n, 5, 15).total_seconds() / 60 for n in range(5, 12)]
    assert minutes == [1, 2, 4, 8, 15, 15, 15]
    assert backoff.wait_after(10**6, 5, 15) == timedelta(minutes=15)
    steps, capped = backoff.schedule(START, 5, 15)
    assert steps == [(5 + n, START + timedelta(minutes=2**n)) for n in range(4)]
    assert capped == START + timedelta(minutes=15)


# --- the same answer, and the same work, whether or not the phone has an account ---------------


def _walk(app, phone: str) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    """Six wrong passwords and the answers: status, Retry-After, the messages."""
    client = app.test_client()
    seen = []
    for n in range(7):
        response = try_login(client, f"mat-khau-doan-{n}", phone=phone)
        seen.append(
            (response.status_code, response.headers.get("Retry-After", ""), error_text(response))
        )
    return seen


def test_the_same_answers_whatever_the_phone(app, make_user) -> None:
    make_user(phone=PHONE)
    unclaimed = make_user(phone="0912000222")
    unclaimed.password_hash = None
    closed = make_user(phone="0912000333", is_active_account=False)
    db.session.commit()
    clock.freeze(START)
    walks = {
        phone: _walk(app, phone) for phone in (PHONE, unclaimed.phone, closed.phone, "0912000444")
    }
    assert len({repr(walk) for walk in walks.values()}) == 1, walks
    assert walks[PHONE][4][0] == 422 and walks[PHONE][5][0] == 429


@pytest.mark.parametrize("who", ["account", "no account", "no password yet", "locked account"])
def test_one_hash_of_the_same_method_is_checked_whatever_the_phone(
    app, make_user, hashes, who
) -> None:
    user = make_user(phone="0912000555")
    if who == "no password yet":
        user.password_hash = None
    elif who == "locked account":
        user.is_active_account = False
    db.session.commit()
    phone = "0912000666" if who == "no account" else user.phone
    response = try_login(app.test_client(), "mat-khau-doan-thu", phone=phone)
    assert response.status_code == 422
    assert error_text(response) == WRONG
    assert hashes == [app.config["PASSWORD_HASH_METHOD"]]


def test_the_stand_in_hash_follows_the_installations_method(app) -> None:
    assert signin._stand_in_hash().startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    assert signin._stand_in_hash().startswith("scrypt:")


def test_a_locked_account_cannot_sign_in_even_with_its_password(app, make_user) -> None:
    user = make_user(is_active_account=False)
    response = try_login(app.test_client(), PASSWORD, phone=user.phone)
    assert response.status_code == 422 and error_text(response) == WRONG


# --- the rate limits of the login page (Flask-Limiter, real counting in memory) ----------------


def test_login_is_limited_per_phone(app, make_user) -> None:
    app.config["RATELIMIT_LOGIN_PER_PHONE"] = "3/minute"
    user = make_user(phone=PHONE)
    other = make_user(phone="0912000777")
    # Three tries for one phone, from three browsers, written three ways: the same phone.
    for typed in ("0912345678", "+84 912 345 678", "0912.345.678"):
        assert try_login(app.test_client(), "sai-mat-khau", phone=typed).status_code == 422
    refused = try_login(app.test_client(), PASSWORD, phone=user.phone)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Bạn đã thử quá nhiều lần" in refused.text
    # Another phone from the same address is not held up by it.
    assert try_login(app.test_client(), PASSWORD, phone=other.phone).status_code == 303


def test_login_is_limited_per_address(app, make_user) -> None:
    app.config["RATELIMIT_LOGIN_PER_ADDRESS"] = "4/minute"
    user = make_user(phone=PHONE)
    for n in range(4):
        phone = f"091200{n:04d}"
        assert try_login(app.test_client(), "sai-mat-khau", phone=phone).status_code == 422
    assert try_login(app.test_client(), PASSWORD, phone=user.phone).status_code == 429
    # Showing the page is not a try.
    assert app.test_client().get("/dang-nhap").status_code == 200


def test_the_limit_answer_for_htmx_keeps_the_form(app, make_user) -> None:
    app.config["RATELIMIT_LOGIN_PER_ADDRESS"] = "1/minute"
    client = app.test_client()
    try_login(client, "sai-mat-khau")
    response = try_login(client, PASSWORD, **{"HX-Request": "true"})
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#main"
    assert response.headers["HX-Reswap"].startswith("afterbegin")
    assert "<html" not in response.text
    notice = BeautifulSoup(response.text, "html.parser").find(id="too-many")
    assert notice is not None and notice["role"] == "alert"
    assert "Vui lòng thử lại sau" in notice.get_text(" ", strip=True)
    assert int(response.headers["Retry-After"]) >= 1


def test_signed_in_lands_on_the_right_page(app, make_user) -> None:
    user = make_user(phone=PHONE)
    response = try_login(app.test_client(), PASSWORD)
    assert urlsplit(response.location).path == "/ho-so-cua-toi"
    assert db.session.get(User, user.id) is not None
