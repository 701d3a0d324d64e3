"""A citizen claims the account someone opened for them, with a code sent to their phone.

The pages answer the same way whatever the phone, so they never tell whether it has an
account; only a phone with an account without a password gets a code.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import PASSWORD, SentCodes, after_a_minute, submit_via_services, without_phone
from sqlalchemy import func, select

from app.accounts.models import OneTimeCode, User
from app.accounts.operations import register_on_behalf
from app.accounts.pending import _seal, _unseal
from app.accounts.queries import claimable_account
from app.accounts.views.claim import RESENT_MESSAGE, SENT_MESSAGE
from app.accounts.views.steps import TOO_MANY_MESSAGE
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.notifications.models import Notification

PHONE = "0987111222"
NEW_PASSWORD = "mat-khau-moi-cua-toi"
CLAIM_KEY = "claim"
DEMO = pytest.mark.parametrize("app_config", [{"DEMO_MODE": True}], indirect=True)
CSRF_ON = pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], indirect=True)


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    """The usual test config, with a test's own changes (``indirect`` parametrisation)."""
    return {**app_config, **getattr(request, "param", {})}


@pytest.fixture
def opened(app, make_user) -> User:  # type: ignore[no-untyped-def]
    """A citizen registered by a community team member: no password yet."""
    helper = make_user(role=Role.COMMUNITY, full_name="Vi Văn Tình")
    citizen = register_on_behalf(
        full_name="Lô Thị Mai",
        phone=PHONE,
        id_number="040190000999",
        date_of_birth=datetime(1960, 3, 2).date(),
        sex="female",
        helper=helper,
        place="Nhà văn hóa bản Huồi Tụ",
    )
    db.session.commit()
    assert citizen.password_hash is None and citizen.created_by_id == helper.id
    return citizen


# --- helpers -------------------------------------------------------------------------------


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    main = BeautifulSoup(response.text, "html.parser").find("main")
    assert main is not None, response.text[:200]
    return " ".join(main.get_text(" ", strip=True).split())


def code_rows() -> list[OneTimeCode]:
    db.session.expire_all()
    return list(db.session.scalars(select(OneTimeCode).order_by(OneTimeCode.id)))


def sms_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))


_sent: list[SentCodes] = []


@pytest.fixture(autouse=True)
def _codes_sent(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    _sent[:] = [SentCodes(monkeypatch)]
    yield
    _sent.clear()


def sent_code(phone: str = PHONE) -> str:
    """The last claim code sent to ``phone`` (its SMS is in the outbox)."""
    assert db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient == phone, Notification.template == "otp_claim")
    ), "no claim SMS in the outbox"
    return _sent[0].last(phone, "claim")


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def ask(client, phone: str = PHONE):  # type: ignore[no-untyped-def]
    return client.post("/nhan-tai-khoan", data={"phone": phone})


def answer(client, code: str, password: str = NEW_PASSWORD, again: str | None = None):  # type: ignore[no-untyped-def]
    data = {"code": code, "password": password, "password_again": again or password}
    return client.post("/nhan-tai-khoan/ma", data=data)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def error_of(response) -> str:  # type: ignore[no-untyped-def]
    page = BeautifulSoup(response.text, "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in page.select("#code ~ .error"))


# --- the whole claim -----------------------------------------------------------------------


def test_login_page_links_to_the_claim(client) -> None:
    page = BeautifulSoup(client.get("/dang-nhap").text, "html.parser")
    link = page.find("a", href="/nhan-tai-khoan")
    assert link is not None
    assert link.get_text(strip=True) == (
        "Người khác đã tạo tài khoản giúp bạn? Nhận tài khoản bằng mã gửi qua tin nhắn"
    )


def test_a_citizen_claims_the_account_and_finds_the_dossier(app, client, opened, procedure) -> None:
    dossier = submit_via_services(opened, procedure)

    response = ask(client, "0987 111 222")
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/nhan-tai-khoan/ma"
    (row,) = code_rows()
    assert (row.purpose, row.phone, row.user_id) == ("claim", PHONE, opened.id)
    # The session knows which code is pending, not the code, not the phone (only masked, for
    # the page to say where the code went), not a name.
    with client.session_transaction() as session:
        everything = str(dict(session))
        state = dict(session[CLAIM_KEY])
    assert set(state) == {"to", "ref", "tries", "until", "sent"}
    assert state["to"] == "0987***222"
    assert _unseal(state["ref"]) == row.id
    for secret in (PHONE, sent_code(), "Mai", opened.id_number):
        assert secret not in everything

    page = client.get("/nhan-tai-khoan/ma")
    assert page.status_code == 200
    assert SENT_MESSAGE in text_of(page)
    assert "Chế độ trình diễn" not in page.text

    response = answer(client, sent_code())
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/ho-so-cua-toi"
    mine = client.get("/ho-so-cua-toi")
    assert mine.status_code == 200
    assert "Đã nhận tài khoản" in text_of(mine)
    assert dossier.code in mine.text
    assert reload(opened).check_password(NEW_PASSWORD)
    assert code_rows()[0].used_at is not None
    with client.session_transaction() as session:
        assert CLAIM_KEY not in session

    # From now on the citizen signs in with the phone and the new password.
    other = app.test_client()
    response = other.post("/dang-nhap", data={"phone": PHONE, "password": NEW_PASSWORD})
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/ho-so-cua-toi"
    assert dossier.code in other.get("/ho-so-cua-toi").text


def test_an_opened_account_cannot_sign_in_before_it_is_claimed(client, opened) -> None:
    response = client.post("/dang-nhap", data={"phone": PHONE, "password": "bat-ky"})
    assert response.status_code == 422
    assert client.get("/ho-so-cua-toi").status_code == 303


# --- wrong, expired, used codes --------------------------------------------------------------


def test_a_wrong_code_counts_and_then_locks_the_code(app, client, opened) -> None:
    ask(client)
    code = sent_code()
    attempts = app.config["OTP_ATTEMPTS"]
    for n in range(1, attempts + 1):
        response = answer(client, wrong(code))
        assert response.status_code == 422
        left = attempts - n
        expected = f"Mã chưa đúng. Còn {left} lần thử." if left else "Mã chưa đúng. Hãy gửi mã mới."
        assert error_of(response) == expected
        assert code_rows()[0].attempts == n
        assert reload(opened).password_hash is None
    # Locked: even the right code is refused now.
    response = answer(client, code)
    assert response.status_code == 422
    assert error_of(response) == "Đã nhập sai quá số lần cho phép. Hãy gửi mã mới."
    assert reload(opened).password_hash is None
    assert code_rows()[0].used_at is None
    assert client.get("/ho-so-cua-toi").status_code == 303  # not signed in


def test_a_form_error_is_not_a_try_and_keeps_the_code(client, opened) -> None:
    ask(client)
    code = sent_code()
    for response in (
        answer(client, code, again="khong-giong-nhau"),
        answer(client, code, password="ngan"),
        answer(client, "12345"),
    ):
        assert response.status_code == 422
    assert code_rows()[0].attempts == 0
    assert reload(opened).password_hash is None
    assert answer(client, "  ".join([code[:3], code[3:]])).status_code == 303


def test_a_password_of_the_citizens_own_details_is_refused_and_the_code_kept(
    client, opened
) -> None:
    ask(client)
    code = sent_code()
    for mine in ("LoThiMai1960!", "Mai-0987111222", "Mai@02031960"):
        response = answer(client, code, password=mine)
        assert response.status_code == 422
        assert "số điện thoại, số định danh, ngày sinh hay họ tên" in text_of(response)
    assert code_rows()[0].used_at is None
    assert reload(opened).password_hash is None
    assert answer(client, code).status_code == 303  # the code still works (3 of 5 tries used)


def test_an_expired_code_is_refused(app, client, opened) -> None:
    start = datetime(2026, 3, 2, 9, 0)
    clock.freeze(start)
    ask(client)
    code = sent_code()
    clock.freeze(start + timedelta(minutes=app.config["OTP_MINUTES"], seconds=1))
    response = answer(client, code)
    assert response.status_code == 422
    assert error_of(response) == "Mã đã hết hạn hoặc đã được dùng. Hãy gửi mã mới."
    assert reload(opened).password_hash is None


def test_a_code_works_until_it_expires(app, client, opened) -> None:
    start = datetime(2026, 3, 2, 9, 0)
    clock.freeze(start)
    ask(client)
    clock.freeze(start + timedelta(minutes=app.config["OTP_MINUTES"], seconds=-1))
    assert answer(client, sent_code()).status_code == 303
    assert reload(opened).check_password(NEW_PASSWORD)


def test_a_code_is_used_once(app, client, opened) -> None:
    ask(client)
    code = sent_code()
    # A copy of the same browser session (a replayed cookie, a double tap in two tabs).
    twin = app.test_client()
    with client.session_transaction() as session:
        state = dict(session[CLAIM_KEY])
    with twin.session_transaction() as session:
        session[CLAIM_KEY] = state
    assert answer(client, code).status_code == 303
    response = answer(twin, code, password="mat-khau-cua-ke-gian")
    assert response.status_code == 422
    assert error_of(response) == "Mã đã hết hạn hoặc đã được dùng. Hãy gửi mã mới."
    assert reload(opened).check_password(NEW_PASSWORD)
    assert twin.get("/ho-so-cua-toi").status_code == 303


def test_an_account_that_got_a_password_meanwhile_keeps_it(client, opened) -> None:
    ask(client)
    code = sent_code()
    reload(opened).set_password(PASSWORD)  # claimed from another browser in the meantime
    db.session.commit()
    response = answer(client, code)
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/dang-nhap"
    assert reload(opened).check_password(PASSWORD)
    assert not reload(opened).check_password(NEW_PASSWORD)


def test_resend_replaces_the_code(client, opened) -> None:
    ask(client)
    first = sent_code()
    after_a_minute()
    response = client.post("/nhan-tai-khoan/gui-lai")
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/nhan-tai-khoan/ma"
    assert RESENT_MESSAGE in text_of(client.get("/nhan-tai-khoan/ma"))
    rows = code_rows()
    assert len(rows) == 2
    with client.session_transaction() as session:
        assert _unseal(session[CLAIM_KEY]["ref"]) == rows[1].id
    second = sent_code()
    if second != first:
        assert answer(client, first).status_code == 422
    assert answer(client, second).status_code == 303


# --- the hourly limit ------------------------------------------------------------------------


@pytest.mark.parametrize("phone", [PHONE, "0987000333"], ids=["claimable", "no account"])
def test_resend_is_limited_per_hour_with_the_same_polite_message(
    app, client, opened, phone
) -> None:
    limit = app.config["OTP_PER_HOUR"]
    start = datetime(2026, 3, 2, 9, 0)
    clock.freeze(start)
    ask(client, phone)
    for _ in range(limit - 1):
        after_a_minute()
        assert client.post("/nhan-tai-khoan/gui-lai").status_code == 303
    rows = len(code_rows())
    assert rows == (limit if phone == PHONE else 0)
    after_a_minute()
    response = client.post("/nhan-tai-khoan/gui-lai")
    assert response.status_code == 303
    page = client.get("/nhan-tai-khoan/ma")
    assert TOO_MANY_MESSAGE in text_of(page)
    assert len(code_rows()) == rows
    # Asking again from step 1 is the same request: the same answer.
    response = ask(client, phone)
    assert response.status_code == 422
    assert TOO_MANY_MESSAGE in text_of(response)
    # An hour later it works again.
    clock.freeze(start + timedelta(hours=1, minutes=1))
    assert client.post("/nhan-tai-khoan/gui-lai").status_code == 303
    assert len(code_rows()) == rows + (1 if phone == PHONE else 0)


def test_the_phones_limit_holds_across_browsers_and_says_nothing(app, opened) -> None:
    """A fresh browser gets the usual answer once the phone had its codes: nothing is sent."""
    limit = app.config["OTP_PER_HOUR"]
    for _ in range(limit):
        assert ask(app.test_client()).status_code == 303
    assert len(code_rows()) == limit
    messages = sms_count()
    fresh = app.test_client()
    response = ask(fresh)
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/nhan-tai-khoan/ma"
    assert SENT_MESSAGE in text_of(fresh.get("/nhan-tai-khoan/ma"))
    assert len(code_rows()) == limit and sms_count() == messages


# --- the pages never tell whether a phone has an account -----------------------------------------


def _walk(app, phone: str) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    """What a browser sees (and keeps in its cookie) asking for a code for ``phone``, typing a
    wrong code twice, asking for a new one and typing a wrong one."""
    client = app.test_client()
    start = clock.now()
    seen = []
    for step in (
        lambda: ask(client, phone),
        lambda: client.get("/nhan-tai-khoan/ma"),
        lambda: answer(client, "000000"),
        lambda: answer(client, "000001"),
        lambda: client.post("/nhan-tai-khoan/gui-lai"),  # too soon: refused politely
        lambda: client.get("/nhan-tai-khoan/ma"),
        lambda: after_a_minute() or client.post("/nhan-tai-khoan/gui-lai"),
        lambda: client.get("/nhan-tai-khoan/ma"),
        lambda: answer(client, "000002"),
    ):
        response = step()
        body = text_of(response) if response.status_code != 303 else ""
        with client.session_transaction() as session:
            # The cookie is signed, not encrypted: what it holds must not tell either.
            state = dict(session[CLAIM_KEY])
        state["ref"] = len(state["ref"])
        body, state = without_phone(body, state, phone)
        seen.append((response.status_code, response.headers.get("Location", ""), body, state))
    clock.freeze(start)
    return seen


def test_the_same_answer_whatever_the_phone(app, opened, make_user, monkeypatch) -> None:
    with_password = make_user(phone="0987000444")
    # Every code is 987654, so every try of the walk is wrong for the claimable phone too.
    monkeypatch.setattr("app.accounts.codes.secrets.randbelow", lambda _: 987654)
    clock.freeze(datetime(2026, 3, 2, 9, 0))
    walks = {}
    for name, phone in [("no account", "0987000333"), ("password", with_password.phone)]:
        walks[name] = _walk(app, phone)
        assert code_rows() == [], name
        assert sms_count() == 0, name
    walks["claimable"] = _walk(app, PHONE)
    assert walks["no account"] == walks["password"] == walks["claimable"]
    assert SENT_MESSAGE in walks["claimable"][1][2]
    assert "Mã chưa đúng. Còn 4 lần thử." in walks["claimable"][2][2]
    assert len(code_rows()) == 2  # the claimable phone only: the request and the resend
    assert {row.phone for row in code_rows()} == {PHONE}
    assert reload(with_password).check_password(PASSWORD)


def test_a_stand_in_code_expires_like_a_real_one(app, client, make_user) -> None:
    start = datetime(2026, 3, 2, 9, 0)
    clock.freeze(start)
    ask(client, "0987000333")
    clock.freeze(start + timedelta(minutes=app.config["OTP_MINUTES"], seconds=1))
    response = answer(client, "123456")
    assert error_of(response) == "Mã đã hết hạn hoặc đã được dùng. Hãy gửi mã mới."


def test_staff_and_closed_accounts_are_not_claimable(app, make_user) -> None:
    staff = make_user(role=Role.OFFICER)
    closed = make_user(is_active_account=False)
    for user in (staff, closed):
        user.password_hash = None
    db.session.commit()
    assert claimable_account(staff.phone) is None
    assert claimable_account(closed.phone) is None


# --- demo mode -----------------------------------------------------------------------------


@DEMO
def test_demo_mode_shows_the_code_on_the_page(app, client, opened) -> None:
    response = ask(client)
    assert response.status_code == 200
    assert f"Chế độ trình diễn: mã là {sent_code()}" in text_of(response)
    # Shown once, stored nowhere: not in the session (not even as a flash message).
    with client.session_transaction() as session:
        assert sent_code() not in str(dict(session))
    assert "Chế độ trình diễn" not in client.get("/nhan-tai-khoan/ma").text
    after_a_minute()
    response = client.post("/nhan-tai-khoan/gui-lai")
    assert f"Chế độ trình diễn: mã là {sent_code()}" in text_of(response)
    assert answer(client, sent_code()).status_code == 303


def test_outside_demo_mode_the_code_is_never_shown(app, client, opened) -> None:
    assert app.config["DEMO_MODE"] is False
    pages = [ask(client), client.get("/nhan-tai-khoan/ma"), answer(client, "000000")]
    after_a_minute()
    pages += [client.post("/nhan-tai-khoan/gui-lai"), client.get("/nhan-tai-khoan/ma")]
    for response in pages:
        assert "Chế độ trình diễn" not in response.text
    assert len(code_rows()) == 2
    shown = " ".join(text_of(response) for response in pages if response.status_code != 303)
    assert sent_code() not in shown


# --- plumbing --------------------------------------------------------------------------------


def test_step_two_and_resend_need_a_request_first(client) -> None:
    for response in (client.get("/nhan-tai-khoan/ma"), client.post("/nhan-tai-khoan/gui-lai")):
        assert response.status_code == 303
        assert urlsplit(response.location).path == "/nhan-tai-khoan"


def test_a_phone_that_is_not_a_mobile_number_is_refused(client) -> None:
    response = ask(client, "12345")
    assert response.status_code == 422
    assert "Số điện thoại di động chưa đúng" in text_of(response)
    assert code_rows() == []


@CSRF_ON
def test_claim_posts_need_the_csrf_token(client, opened) -> None:
    assert ask(client).status_code == 400
    with client.session_transaction() as session:
        session[CLAIM_KEY] = {"ref": "", "tries": 0, "until": "2099-01-01T00:00:00", "sent": []}
    assert answer(client, "123456").status_code == 400
    assert client.post("/nhan-tai-khoan/gui-lai").status_code == 400
    assert code_rows() == []
    assert reload(opened).password_hash is None


def test_the_sealed_reference_tells_nothing_and_cannot_be_forged(app) -> None:
    sealed = _seal(41)
    assert _unseal(sealed) == 41
    assert _seal(41) != sealed  # a fresh nonce every time
    stand_in = _seal(None)
    assert len(stand_in) == len(sealed)
    assert _unseal(stand_in) is None
    flipped = bytearray(sealed.encode())
    flipped[12] = ord("A") if flipped[12] != ord("A") else ord("B")
    for forged in (flipped.decode(), "", "not base64!", sealed[:-4]):
        assert _unseal(forged) is None
