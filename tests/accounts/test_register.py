"""Registering proves the phone first: the details, then the code sent to it makes the account.

A phone or an ID number that already has an account is never told on the page: the pages (and
the cookie) are the same as for a new phone, and only the phone of that account gets an SMS
saying so, with how to sign in, claim the account or reset the password.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import PASSWORD, SentCodes, after_a_minute, born, without_phone
from sqlalchemy import select

from app.accounts.models import OneTimeCode, User
from app.accounts.pending import _unseal
from app.core import clock
from app.core.roles import Role
from app.core.text import fold
from app.extensions import db
from app.notifications.models import Notification

HTMX = {"HX-Request": "true"}
PHONE = "0987654321"
ID_NUMBER = "040190777001"
TYPED_PASSWORD = "mat-khau-rat-dai"


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    return {**app_config, **getattr(request, "param", {})}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> SentCodes:
    return SentCodes(monkeypatch)


def registration(**changes: str) -> dict[str, str]:
    """What a woman from Nghệ An born 12/05/1990 types (ID 040 1 90 …), e-mail included."""
    data = {
        "full_name": "Lò Thị  Mai",
        "phone": "0987 654 321",
        **born("1990-05-12"),
        "sex": "female",
        "id_number": "040 190 777 001",
        "email": "lo.thi.mai@example.vn",
        "password": TYPED_PASSWORD,
        "password_again": TYPED_PASSWORD,
        "consent": "y",
    }
    data.update(changes)
    return data


def users() -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(select(User).order_by(User.id)))


def code_rows(purpose: str = "register") -> list[OneTimeCode]:
    db.session.expire_all()
    query = select(OneTimeCode).filter_by(purpose=purpose).order_by(OneTimeCode.id)
    return list(db.session.scalars(query))


def sms_to(phone: str) -> list[Notification]:
    query = select(Notification).filter_by(recipient=phone).order_by(Notification.id)
    return list(db.session.scalars(query))


def main_text(response) -> str:  # type: ignore[no-untyped-def]
    main = BeautifulSoup(response.text, "html.parser").find("main")
    assert main is not None, response.text[:300]
    return " ".join(main.get_text(" ", strip=True).split())


def code_error(response) -> str:  # type: ignore[no-untyped-def]
    page = BeautifulSoup(response.text, "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in page.select("#code ~ .error"))


# --- a new citizen ------------------------------------------------------------------------------


def test_a_new_citizen_proves_the_phone_and_gets_the_account(app, client, sent) -> None:
    clock.freeze(datetime(2026, 3, 2, 9, 0))
    response = client.post("/dang-ky", data=registration())
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/dang-ky/ma"
    assert users() == []  # nothing is an account before the phone is proved
    (row,) = code_rows()
    assert (row.phone, row.user_id) == (PHONE, None)
    # The details wait in the code's row, the password only as its hash.
    assert row.payload["full_name"] == "Lò Thị  Mai" and row.payload["id_number"] == ID_NUMBER
    assert TYPED_PASSWORD not in str(row.payload)
    assert row.payload["password_hash"].startswith(app.config["PASSWORD_HASH_METHOD"])
    # The cookie knows which code is pending: not the code, the phone, the name or the number.
    with client.session_transaction() as session:
        everything = str(dict(session))
        assert _unseal(session["register"]["ref"]) == row.id
    for secret in (PHONE, sent.last(PHONE), "Mai", ID_NUMBER, TYPED_PASSWORD):
        assert secret not in everything

    page = client.get("/dang-ky/ma")
    assert page.status_code == 200
    assert "Chúng tôi đã gửi một mã gồm 6 chữ số" in main_text(page)
    assert "Chế độ trình diễn" not in page.text
    wrong = client.post("/dang-ky/ma", data={"code": "000000"})
    assert wrong.status_code == 422 and code_error(wrong) == "Mã chưa đúng. Còn 4 lần thử."
    assert users() == []

    clock.freeze(datetime(2026, 3, 2, 9, 4))
    response = client.post("/dang-ky/ma", data={"code": sent.last(PHONE)})
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/thu-tuc"
    (user,) = users()
    assert (user.phone, user.id_number, user.full_name) == (PHONE, ID_NUMBER, "Lò Thị Mai")
    assert (user.date_of_birth, user.sex, user.role) == (date(1990, 5, 12), "female", "citizen")
    assert user.email == "lo.thi.mai@example.vn"
    assert user.privacy_consent_at == datetime(2026, 3, 2, 9, 0)  # when the box was ticked
    assert user.privacy_notice_version
    assert user.check_password(TYPED_PASSWORD) and TYPED_PASSWORD not in user.password_hash
    assert code_rows()[0].payload is None and code_rows()[0].used_at is not None
    assert "Đã tạo tài khoản" in main_text(client.get("/thu-tuc"))
    assert client.get("/ho-so-cua-toi").status_code == 200  # signed in
    with client.session_transaction() as session:
        assert "register" not in session


def test_the_code_is_used_once(app, client, sent) -> None:
    client.post("/dang-ky", data=registration())
    twin = app.test_client()
    with client.session_transaction() as session:
        state = dict(session["register"])
    with twin.session_transaction() as session:
        session["register"] = state
    assert client.post("/dang-ky/ma", data={"code": sent.last(PHONE)}).status_code == 303
    again = twin.post("/dang-ky/ma", data={"code": sent.last(PHONE)})
    assert again.status_code == 422
    assert code_error(again) == "Mã đã hết hạn hoặc đã được dùng. Hãy gửi mã mới."
    assert len(users()) == 1


def test_resend_replaces_the_code_and_keeps_the_details(client, sent) -> None:
    client.post("/dang-ky", data=registration())
    first = sent.last(PHONE)
    after_a_minute()
    response = client.post("/dang-ky/gui-lai")
    assert response.status_code == 303
    assert "Đã gửi mã mới" in main_text(client.get("/dang-ky/ma"))
    old, new = code_rows()
    assert old.payload is None and new.payload["id_number"] == ID_NUMBER
    second = sent.last(PHONE)
    if second != first:
        assert client.post("/dang-ky/ma", data={"code": first}).status_code == 422
    assert client.post("/dang-ky/ma", data={"code": second}).status_code == 303
    assert [u.phone for u in users()] == [PHONE]


def test_the_next_page_is_kept_through_both_steps(client, sent) -> None:
    response = client.post("/dang-ky?next=/thu-tuc/1.000001", data=registration())
    assert response.location.endswith("/dang-ky/ma?next=/thu-tuc/1.000001")
    page = BeautifulSoup(client.get(response.location).text, "html.parser")
    assert page.find("form", action="/dang-ky/ma?next=/thu-tuc/1.000001") is not None
    response = client.post("/dang-ky/ma?next=/thu-tuc/1.000001", data={"code": sent.last(PHONE)})
    assert urlsplit(response.location).path == "/thu-tuc/1.000001"


def test_over_htmx_both_steps_navigate_the_whole_page(client, sent) -> None:
    response = client.post("/dang-ky", data=registration(), headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/dang-ky/ma"
    response = client.post("/dang-ky/ma", data={"code": sent.last(PHONE)}, headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/thu-tuc"
    assert len(users()) == 1


def test_the_code_step_needs_the_first_step(client) -> None:
    for response in (client.get("/dang-ky/ma"), client.post("/dang-ky/gui-lai")):
        assert response.status_code == 303
        assert urlsplit(response.location).path == "/dang-ky"


def test_someone_registered_meanwhile_is_told_only_after_the_code(client, make_user, sent) -> None:
    client.post("/dang-ky", data=registration())
    make_user(phone=PHONE)  # the same phone registered in another browser meanwhile
    response = client.post("/dang-ky/ma", data={"code": sent.last(PHONE)})
    assert response.status_code == 422
    assert "Số điện thoại này đã có tài khoản. Hãy đăng nhập." in main_text(response)
    assert len(users()) == 1


# --- a phone or an ID number that already has an account ----------------------------------------


def _walk(app, data: dict[str, str]) -> list[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    """What a browser sees (and keeps in its cookie) registering with ``data``, typing two wrong
    codes, asking for another, and typing a wrong one."""
    client = app.test_client()
    start = clock.now()
    seen = []
    for step in (
        lambda: client.post("/dang-ky", data=data),
        lambda: client.get("/dang-ky/ma"),
        lambda: client.post("/dang-ky/ma", data={"code": "000000"}),
        lambda: client.post("/dang-ky/ma", data={"code": "000001"}),
        lambda: client.post("/dang-ky/gui-lai"),  # too soon: refused politely
        lambda: after_a_minute() or client.post("/dang-ky/gui-lai"),
        lambda: client.get("/dang-ky/ma"),
        lambda: client.post("/dang-ky/ma", data={"code": "000002"}),
    ):
        response = step()
        body = main_text(response) if response.status_code != 303 else ""
        with client.session_transaction() as session:
            state = dict(session["register"])
        state["ref"] = len(state["ref"])
        body, state = without_phone(body, state, data["phone"])
        seen.append((response.status_code, response.headers.get("Location", ""), body, state))
    clock.freeze(start)
    return seen


def test_the_same_pages_whether_or_not_the_phone_or_id_has_an_account(
    app, make_user, monkeypatch
) -> None:
    # Every code is 987654, so every try of the walk is wrong for the new phone too.
    monkeypatch.setattr("app.accounts.codes.secrets.randbelow", lambda _: 987654)
    clock.freeze(datetime(2026, 3, 2, 9, 0))
    owner = make_user(phone="0987000111", id_number="040190000111")
    unclaimed = make_user(phone="0987000222", id_number="040190000222")
    unclaimed.password_hash = None
    db.session.commit()
    walks = {
        "new": _walk(app, registration()),
        "phone taken": _walk(app, registration(phone=owner.phone, id_number="040190777002")),
        "unclaimed phone": _walk(
            app, registration(phone=unclaimed.phone, id_number="040190777003")
        ),
        "id taken": _walk(app, registration(phone="0987000333", id_number=owner.id_number)),
    }
    assert len({repr(walk) for walk in walks.values()}) == 1, walks
    everything = repr(walks)
    for told in ("Số điện thoại này đã có tài khoản", "Số định danh này", "Hãy đăng nhập"):
        assert told not in everything
    assert len(users()) == 2  # nobody registered twice
    # A code went to the new phone only; the others got the notice (below), no code.
    assert {row.phone for row in code_rows()} == {PHONE}


def test_a_taken_phone_is_told_by_sms_how_to_sign_in(client, make_user) -> None:
    owner = make_user(phone=PHONE, id_number="040190000111")
    response = client.post("/dang-ky", data=registration(id_number="040190777009"))
    assert urlsplit(response.location).path == "/dang-ky/ma"
    (sms,) = sms_to(PHONE)
    assert sms.template == "account_exists" and sms.user_id == owner.id
    assert "da co tai khoan" in fold(sms.body) and "quen mat khau" in fold(sms.body)
    assert code_rows() == [] and len(users()) == 1


def test_a_taken_phone_without_password_is_told_how_to_claim(client, make_user) -> None:
    owner = make_user(phone=PHONE, id_number="040190000111")
    owner.password_hash = None
    db.session.commit()
    client.post("/dang-ky", data=registration(id_number="040190777009"))
    (sms,) = sms_to(PHONE)
    assert "nhan tai khoan" in fold(sms.body)


def test_a_taken_id_number_is_told_to_its_accounts_phone_only(client, make_user) -> None:
    owner = make_user(phone="0987000111", id_number=ID_NUMBER)
    response = client.post("/dang-ky", data=registration())
    assert urlsplit(response.location).path == "/dang-ky/ma"
    assert sms_to(PHONE) == []  # the phone typed gets nothing: no code, no notice
    (sms,) = sms_to(owner.phone)
    assert "so dinh danh" in fold(sms.body) and "quen mat khau" in fold(sms.body)
    assert code_rows() == [] and len(users()) == 1


def test_the_notices_count_against_the_phones_hourly_limit(app, make_user) -> None:
    make_user(phone=PHONE, id_number="040190000111")
    for n in range(app.config["OTP_PER_HOUR"] + 2):
        app.test_client().post("/dang-ky", data=registration(id_number=f"04019077701{n}"))
    assert len(sms_to(PHONE)) == app.config["OTP_PER_HOUR"]


def test_the_password_is_hashed_whether_or_not_a_code_goes(app, make_user, monkeypatch) -> None:
    """The work done is the same for a taken phone: it is no quicker to answer."""
    hashed: list[str] = []
    real = __import__("app.accounts.models", fromlist=["x"]).generate_password_hash
    monkeypatch.setattr(
        "app.accounts.models.generate_password_hash",
        lambda password, method: hashed.append(method) or real(password, method=method),
    )
    make_user(phone="0987000111", id_number="040190000111")
    hashed.clear()
    app.test_client().post("/dang-ky", data=registration())
    app.test_client().post("/dang-ky", data=registration(phone="0987000111"))
    assert hashed == [app.config["PASSWORD_HASH_METHOD"]] * 2


# --- passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Abc12345!", "ít nhất 10 ký tự"),
        ("matkhau123", "bị dùng nhiều nhất"),
        ("12345678910", "bị dùng nhiều nhất"),
        ("aaaaaaaaaaaa", "còn dễ đoán"),
        ("0987654321", "số điện thoại"),
        ("+84987654321", "số điện thoại"),
        ("LoThiMai1990", "họ tên"),
        ("Mai@12051990", "ngày sinh"),
        ("040190777001", "số định danh"),
    ],
)
def test_a_weak_password_is_refused_before_any_code_goes(client, password, message) -> None:
    response = client.post(
        "/dang-ky", data=registration(password=password, password_again=password)
    )
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    error = page.select_one("#password ~ .error").get_text(" ", strip=True)
    assert message in error
    assert code_rows() == [] and users() == []
    assert not page.find(id="password").get("value")


# --- demo mode ----------------------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"DEMO_MODE": True}], indirect=True)
def test_demo_mode_shows_the_code_on_the_page_once(client, sent) -> None:
    response = client.post("/dang-ky", data=registration())
    assert response.status_code == 200
    assert f"Chế độ trình diễn: mã là {sent.last(PHONE)}" in main_text(response)
    with client.session_transaction() as session:
        assert sent.last(PHONE) not in str(dict(session))
    assert "Chế độ trình diễn" not in client.get("/dang-ky/ma").text
    # Over htmx the code page takes the whole page's place.
    after_a_minute()
    response = client.post("/dang-ky/gui-lai", headers=HTMX)
    assert response.headers["HX-Retarget"] == "body"
    assert f"mã là {sent.last(PHONE)}" in main_text(response)
    assert client.post("/dang-ky/ma", data={"code": sent.last(PHONE)}).status_code == 303


# --- limits -------------------------------------------------------------------------------------


def test_registering_is_rate_limited_per_address(app, client) -> None:
    app.config["RATELIMIT_REGISTER"] = "2/hour"
    for n in range(2):
        response = client.post("/dang-ky", data=registration(phone=f"098700000{n}"))
        assert response.status_code == 303
    refused = client.post("/dang-ky", data=registration(phone="0987000009"))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 60
    assert "Bạn đã thử quá nhiều lần" in main_text(refused)
    assert client.get("/dang-ky").status_code == 200  # the form still shows


def test_checking_codes_is_rate_limited(app, client) -> None:
    app.config["RATELIMIT_CODE_CHECK"] = "3/10minutes"
    client.post("/dang-ky", data=registration())
    for n in range(3):
        assert client.post("/dang-ky/ma", data={"code": f"00000{n}"}).status_code == 422
    assert client.post("/dang-ky/ma", data={"code": "000009"}).status_code == 429


def test_a_browser_over_its_hourly_codes_is_told_so_politely(app, client) -> None:
    limit = app.config["OTP_PER_HOUR"]
    clock.freeze(datetime(2026, 3, 2, 9, 0))
    client.post("/dang-ky", data=registration())
    for _ in range(limit - 1):
        after_a_minute()
        client.post("/dang-ky/gui-lai")
    response = client.post("/dang-ky", data=registration())
    assert response.status_code == 422
    assert "nhiều mã trong một giờ qua" in main_text(response)
    clock.freeze(datetime(2026, 3, 2, 9, 0) + timedelta(hours=1, minutes=1))
    assert client.post("/dang-ky", data=registration()).status_code == 303


def test_staff_accounts_are_not_made_here(client, sent) -> None:
    client.post("/dang-ky", data=registration())
    client.post("/dang-ky/ma", data={"code": sent.last(PHONE)})
    assert [u.role for u in users()] == [Role.CITIZEN]
    assert users()[0].check_password(TYPED_PASSWORD)
    assert not users()[0].check_password(PASSWORD)
