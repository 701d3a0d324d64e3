"""Signing in with the national identity (VNeID) through OpenID Connect, against a real provider
(the npm package oidc-provider under Node, tests/oidc/provider.mjs): the flow, its checks, one
person one account, and signing out at the provider."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from flask.testing import FlaskClient
from helpers import PASSWORD, login, submit_via_services
from oidc.fixtures import CLIENT_ID, CLIENT_SECRET, Provider, forms_of, sign_in_at_provider
from sqlalchemy import func, select

from app.accounts import oidc
from app.accounts.models import AccountEvent, ProviderSignIn, User
from app.config import sign_in_problems
from app.core import clock
from app.core.roles import Role
from app.extensions import db

BASE = "http://localhost"
BACK = f"{BASE}/dang-nhap/vneid/ve"


@pytest.fixture
def app_config(app_config: dict[str, Any], oidc_provider: Provider) -> dict[str, Any]:
    return {
        **app_config,
        "OIDC_DISCOVERY_URL": oidc_provider.discovery_url,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_CLAIM_LEVEL": "loa",
        "OIDC_TIMEOUT_SECONDS": 2.0,
    }


@pytest.fixture
def provider(oidc_provider: Provider) -> Iterator[Provider]:
    oidc_provider.setup([BASE])
    yield oidc_provider
    oidc_provider.mode("normal")


@pytest.fixture
def agent() -> Iterator[requests.Session]:
    """The browser's side at the provider (its cookies there)."""
    with requests.Session() as session:
        yield session


def start(client: FlaskClient, next_page: str = "") -> str:
    answer = client.get("/dang-nhap/vneid" + (f"?next={next_page}" if next_page else ""))
    assert answer.status_code == 303, answer.text
    return answer.headers["Location"]


def come_back(client: FlaskClient, url: str):  # type: ignore[no-untyped-def]
    return client.get(url.removeprefix(BASE))


def sign_in(client: FlaskClient, agent: requests.Session, login: str):  # type: ignore[no-untyped-def]
    return come_back(client, sign_in_at_provider(agent, start(client), login, BACK))


def signed_in_as(client: FlaskClient) -> str:
    return client.get("/tai-khoan").text


def test_the_flow_makes_the_account_from_verified_claims(app, client, provider, agent) -> None:
    authorize = start(client, "/ho-so-cua-toi")
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(provider.issuer + "/auth?")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["scope"] == ["openid profile phone"]
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [BACK]

    answer = come_back(client, sign_in_at_provider(agent, authorize, "040190000123", BACK))
    assert answer.status_code == 303, answer.text
    assert provider.mode("normal") == "basic"  # the secret in the Authorization header
    assert answer.headers["Location"] == "/ho-so-cua-toi"
    user = db.session.scalar(select(User).filter_by(id_number="040190000123"))
    assert (user.full_name, user.phone, user.sex) == ("Nguyễn Văn Thành", "0912345678", "male")
    assert user.date_of_birth.isoformat() == "1990-04-15"
    assert user.password_hash is None and user.role == "citizen"
    event = db.session.scalar(select(AccountEvent).filter_by(user_id=user.id))
    assert event.kind == "created_by_provider" and event.detail["level"] == "2"
    account = signed_in_as(client)
    assert "Nguyễn Văn Thành" in account and "Đổi mật khẩu" not in account
    assert "Bạn đăng nhập bằng tài khoản định danh điện tử VNeID" in account
    # No token in the cookie: the ID token is on the server, sealed under a key only the cookie
    # holds (a JWT's header starts "eyJ": neither has one in clear).
    with client.session_transaction() as session:
        cookie = repr(dict(session))
    kept = db.session.scalar(select(ProviderSignIn).filter_by(user_id=user.id))
    assert "eyJ" not in cookie and "eyJ" not in kept.id_token
    assert kept.id_token not in cookie


def not_signed_in(client: FlaskClient) -> bool:
    return client.get("/tai-khoan").status_code == 303


def back_with(url: str, **changes: str) -> str:
    """``url`` (the provider's return) with query parameters changed."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()} | changes
    return f"{parts.path}?{urlencode(query)}"


def test_a_wrong_state_is_refused_and_nothing_is_made(app, client, provider, agent, caplog) -> None:
    back = sign_in_at_provider(agent, start(client), "040190000123", BACK)
    answer = client.get(back_with(back, state="trang-thai-gia"))
    assert answer.status_code == 400
    assert "state does not match" in refused_for(caplog)
    assert "Không xác minh được lần đăng nhập này" in answer.text
    assert "Tổ công nghệ số cộng đồng" in answer.text  # the other ways in
    assert not_signed_in(client)
    assert db.session.scalar(select(User).filter_by(id_number="040190000123")) is None
    # The sign-in this browser began is spent: the right state no longer works either.
    assert come_back(client, back).status_code == 400


def test_a_return_this_browser_never_began_is_refused(app, client, provider, agent) -> None:
    back = sign_in_at_provider(agent, start(app.test_client()), "040190000123", BACK)
    assert come_back(client, back).status_code == 400
    assert not_signed_in(client)


def test_pkce_a_code_redeemed_without_its_verifier_is_refused(app, provider, agent, caplog) -> None:
    """A code taken from someone else's sign-in and brought back with one's own state: the
    provider refuses it, since the code verifier is not the one its challenge was made from."""
    victim, attacker = app.test_client(), app.test_client()
    stolen = parse_qs(
        urlsplit(sign_in_at_provider(agent, start(victim), "040190000123", BACK)).query
    )
    own = parse_qs(urlsplit(start(attacker)).query)
    answer = attacker.get(
        f"/dang-nhap/vneid/ve?{urlencode({'code': stolen['code'][0], 'state': own['state'][0]})}"
    )
    assert answer.status_code == 400
    assert "invalid_grant" in refused_for(caplog)  # PKCE verification failed at the provider
    assert not_signed_in(attacker)


def test_a_replayed_code_is_refused(app, client, provider, agent, caplog) -> None:
    back = sign_in_at_provider(agent, start(client), "040190000123", BACK)
    assert come_back(client, back).status_code == 303
    # The same return again: its state is spent.
    assert come_back(client, back).status_code == 400
    # The code with a fresh state of another browser: the provider redeems a code once.
    other = app.test_client()
    state = parse_qs(urlsplit(start(other)).query)["state"][0]
    assert other.get(back_with(back, state=state)).status_code == 400
    assert "invalid_grant" in refused_for(caplog)
    assert not_signed_in(other)


def refused_for(caplog: pytest.LogCaptureFixture) -> str:
    """Why the last sign-in was refused, as logged (never a token)."""
    return [r.getMessage() for r in caplog.records if "identity provider failed" in r.getMessage()][
        -1
    ]


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("bad-signature", "ID token signature"),
        ("wrong-audience", "check of its audience"),
        ("expired", "check of its expiry"),
        ("wrong-issuer", "check of its issuer"),
        ("wrong-nonce", "check of its nonce"),
    ],
)
def test_an_id_token_failing_a_check_is_refused(
    app, client, provider, agent, caplog, mode, why
) -> None:
    back = sign_in_at_provider(agent, start(client), "040190000123", BACK)
    provider.mode(mode)
    answer = come_back(client, back)
    assert answer.status_code == 400, answer.text
    assert why in refused_for(caplog)
    assert "Không xác minh được lần đăng nhập này" in answer.text
    assert not_signed_in(client)
    assert db.session.scalar(select(User).filter_by(id_number="040190000123")) is None


def test_a_rotated_key_is_fetched_again(app, client, provider, agent) -> None:
    assert sign_in(client, agent, "040190000123").status_code == 303
    kid = provider.rotate()  # the key the site holds is withdrawn
    other = app.test_client()
    with requests.Session() as elsewhere:
        answer = sign_in(other, elsewhere, "040185000456")
    assert answer.status_code == 303, answer.text
    leave = other.post("/dang-xuat").headers["Location"]
    assert oidc._header(parse_qs(urlsplit(leave).query)["id_token_hint"][0])["kid"] == kid


def test_a_cancelled_sign_in_says_so(app, client, provider, agent) -> None:
    page = agent.get(start(client), timeout=10)
    abort = re.search(r'href="([^"]*/abort)"', page.text)
    assert abort, page.text
    back = agent.get(requests.compat.urljoin(page.url, abort.group(1)), allow_redirects=False)
    while not back.headers["Location"].startswith(BACK):
        back = agent.get(
            requests.compat.urljoin(back.url, back.headers["Location"]), allow_redirects=False
        )
    answer = come_back(client, back.headers["Location"])
    assert answer.status_code == 200
    assert "Bạn đã dừng đăng nhập trên VNeID" in answer.text
    assert not_signed_in(client)


def test_no_id_number_claim_is_explained(app, client, provider, agent) -> None:
    provider.mode("no-id-number")
    answer = sign_in(client, agent, "040190000123")
    assert answer.status_code == 400
    assert "không gửi số định danh cá nhân" in answer.text
    assert not_signed_in(client)


def test_a_provider_that_does_not_answer(app, client, provider) -> None:
    app.config["OIDC_DISCOVERY_URL"] = "http://127.0.0.1:9/.well-known/openid-configuration"
    answer = client.get("/dang-nhap/vneid")
    assert answer.status_code == 503
    assert "đang không trả lời, hoặc trả lời quá chậm" in answer.text
    assert "Bộ phận Một cửa" in answer.text


def test_a_provider_too_slow_to_exchange_the_code(app, client, provider, agent) -> None:
    back = sign_in_at_provider(agent, start(client), "040190000123", BACK)
    app.config["OIDC_TIMEOUT_SECONDS"] = 0.5
    provider.mode("slow", delay=1.5)
    answer = come_back(client, back)
    assert answer.status_code == 503
    assert "trả lời quá chậm" in answer.text
    assert not_signed_in(client)


def test_a_token_endpoint_failing_on_its_side_is_the_provider_down(
    app, client, provider, agent
) -> None:
    back = sign_in_at_provider(agent, start(client), "040190000123", BACK)
    provider.mode("token-down")
    answer = come_back(client, back)
    assert answer.status_code == 503
    assert "đang không trả lời, hoặc trả lời quá chậm" in answer.text
    assert not_signed_in(client)


# --- one person, one account -------------------------------------------------------------------


def test_the_account_a_volunteer_opened_is_joined_with_all_its_dossiers(
    app, client, provider, agent, make_user, procedure
) -> None:
    volunteer = make_user(role=Role.COMMUNITY, full_name="Lô Văn Pằn")
    opened = make_user(
        full_name="Hồ Thị Lanh",  # the volunteer typed one diacritic wrong
        phone="0355000111",  # and the phone she had then
        id_number="040185000456",
        date_of_birth=date(1985, 11, 2),
        sex="female",
        created_by_id=volunteer.id,
    )
    dossier = submit_via_services(opened, procedure)
    answer = sign_in(client, agent, "040185000456")
    assert answer.status_code == 303
    assert db.session.scalar(select(func.count(User.id)).filter_by(id_number="040185000456")) == 1
    mine = client.get("/ho-so-cua-toi")
    assert dossier.code in mine.text  # filed by the volunteer, seen with no claim code
    db.session.expire_all()
    user = db.session.get(User, opened.id)
    assert (user.full_name, user.phone) == ("Hồ Thị Lành", "0387654321")
    events = db.session.scalars(select(AccountEvent).filter_by(user_id=user.id)).all()
    assert [e.kind for e in events] == ["joined_by_provider", "updated_by_provider"]
    assert events[1].detail == {
        "full_name": ["Hồ Thị Lanh", "Hồ Thị Lành"],
        "phone": ["0355000111", "0387654321"],
    }
    # Signing in again with nothing new changes nothing and records nothing.
    client.post("/dang-xuat")
    assert sign_in(app.test_client(), agent, "040185000456").status_code == 303
    assert db.session.scalar(select(func.count(AccountEvent.id))) == 2


def test_a_new_person_whose_phone_is_another_account_is_sent_to_the_counter(
    app, client, provider, agent, make_user
) -> None:
    make_user(phone="0912345678", id_number="040199000001", full_name="Trần Văn Bình")
    answer = sign_in(client, agent, "040190000123")
    assert answer.status_code == 409
    assert "đang thuộc một tài khoản khác" in answer.text
    assert db.session.scalar(select(User).filter_by(id_number="040190000123")) is None
    assert not_signed_in(client)


def test_a_locked_account_does_not_sign_in(app, client, provider, agent, make_user) -> None:
    make_user(id_number="040190000123", phone="0912345678", is_active_account=False)
    answer = sign_in(client, agent, "040190000123")
    assert answer.status_code == 403
    assert "đang bị khóa" in answer.text
    assert not_signed_in(client)


# --- signing out at the provider too ----------------------------------------------------------


def provider_remembers(agent: requests.Session, client: FlaskClient) -> bool:
    """Whether the provider still has this browser signed in: a new sign-in there comes
    straight back without asking for a login."""
    answer = agent.get(start(client), allow_redirects=False, timeout=10)
    while answer.is_redirect:
        location = requests.compat.urljoin(answer.url, answer.headers["Location"])
        if location.startswith(BACK):
            return True
        answer = agent.get(location, allow_redirects=False, timeout=10)
    return 'name="login"' not in answer.text


def end_at_provider(agent: requests.Session, url: str) -> str:
    """Confirm the provider's sign-out page as the person would: where it sends back to."""
    page = agent.get(url, timeout=10)
    assert page.status_code == 200, page.text
    form = forms_of(page.text)[0]
    done = agent.post(
        requests.compat.urljoin(page.url, form["action"]),
        data={**form["fields"], "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.is_redirect, done.text
    return done.headers["Location"]


def test_logout_ends_the_session_at_the_provider(app, client, provider, agent) -> None:
    assert sign_in(client, agent, "040190000123").status_code == 303
    assert provider_remembers(agent, app.test_client())
    answer = client.post("/dang-xuat")
    assert answer.status_code == 303
    leave = answer.headers["Location"]
    query = parse_qs(urlsplit(leave).query)
    assert leave.startswith(f"{provider.issuer}/session/end?")
    assert query["post_logout_redirect_uri"] == [f"{BASE}/dang-xuat/vneid"]
    assert query["id_token_hint"][0].count(".") == 2
    assert db.session.scalar(select(func.count(ProviderSignIn.id))) == 0  # used once
    assert not_signed_in(client)
    back = end_at_provider(agent, leave)
    assert back == f"{BASE}/dang-xuat/vneid"
    landed = come_back(client, back)
    assert (landed.status_code, landed.headers["Location"]) == (303, "/")
    assert "Bạn đã đăng xuất." in client.get("/").text
    assert not provider_remembers(agent, app.test_client())


def test_a_password_sign_in_signs_out_here_only(app, client, provider, citizen) -> None:
    login(client, citizen)
    answer = client.post("/dang-xuat")
    assert answer.headers["Location"] == "/"


def test_next_person_ends_the_previous_villagers_session_at_the_provider(
    app, client, provider, agent, make_user
) -> None:
    """A villager signed in with VNeID on the village hall's PC and walked away; the volunteer
    signs in on it and, when done, "Xong, người tiếp theo" signs the PC out at VNeID too."""
    assert sign_in(client, agent, "040190000123").status_code == 303
    volunteer = make_user(role=Role.COMMUNITY, full_name="Lô Văn Pằn")
    login(client, volunteer)
    answer = client.post("/ho-tro/xong")
    leave = answer.headers["Location"]
    assert leave.startswith(f"{provider.issuer}/session/end?"), leave
    assert come_back(client, end_at_provider(agent, leave)).headers["Location"] == "/ho-tro/"
    assert not provider_remembers(agent, app.test_client())
    # The volunteer is still signed in here, and the next "Xong" stays here.
    assert client.post("/ho-tro/xong").headers["Location"] == "/ho-tro/"


# --- the login page, passwords as a configured fallback ---------------------------------------


def test_the_login_page_leads_with_vneid_as_a_plain_link(app, client, provider) -> None:
    page = client.get("/dang-nhap?next=/ho-so-cua-toi").text
    button = page.index("Đăng nhập bằng tài khoản định danh điện tử VNeID")
    assert button < page.index('id="login-form"')
    assert 'href="/dang-nhap/vneid?next=/ho-so-cua-toi"' in page
    assert "Đăng ký" in page  # passwords still on: development
    # Our logout form's answer leads to the provider: the policy lets forms go there.
    policy = client.get("/dang-nhap").headers["Content-Security-Policy"]
    assert policy.endswith(f"form-action 'self' {provider.issuer}")


def test_without_configuration_there_is_no_vneid(app, client) -> None:
    app.config["OIDC_DISCOVERY_URL"] = ""
    assert "VNeID" not in client.get("/dang-nhap").text
    assert client.get("/dang-nhap/vneid").status_code == 404
    assert client.get("/dang-nhap/vneid/ve?code=x&state=y").status_code == 404


def test_with_citizen_passwords_off_only_staff_use_one(
    app, client, provider, citizen, make_user
) -> None:
    app.config["CITIZEN_PASSWORD_LOGIN"] = False
    page = client.get("/dang-nhap").text
    assert "Cán bộ, nhân viên đăng nhập bằng mật khẩu" in page
    assert "/dang-ky" not in page and "/nhan-tai-khoan" not in page
    refused = client.post("/dang-nhap", data={"phone": citizen.phone, "password": PASSWORD})
    assert refused.status_code == 422
    assert not_signed_in(client)
    for closed in ("/dang-ky", "/nhan-tai-khoan"):
        assert client.get(closed).headers["Location"] == "/dang-nhap"
    officer = make_user(role=Role.OFFICER)
    login(client, officer)


def test_the_start_and_return_are_rate_limited(app, client, provider) -> None:
    app.config["RATELIMIT_OIDC"] = "2/minute"
    assert client.get("/dang-nhap/vneid").status_code == 303
    assert client.get("/dang-nhap/vneid/ve?code=x&state=y").status_code == 400
    answer = client.get("/dang-nhap/vneid")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"]


def test_a_production_start_refuses_a_sign_in_that_cannot_work() -> None:
    production = {"PUBLIC_BASE_URL": "https://dichvucong.nghean.gov.vn"}
    vneid = {"OIDC_DISCOVERY_URL": "https://sso.example.vn/.well-known/openid-configuration"}
    assert sign_in_problems({**production, **vneid, "OIDC_CLIENT_ID": "motcua"}) == []
    assert sign_in_problems({**production, "CITIZEN_PASSWORD_LOGIN": True}) == []
    assert "citizens could not sign in" in sign_in_problems(production)[0]
    assert "go together" in sign_in_problems({**production, **vneid})[0]
    half = {"OIDC_DISCOVERY_URL": "http://sso.example.vn/x", "OIDC_CLIENT_ID": "motcua"}
    assert [p.split()[-1] for p in sign_in_problems(half)] == ["address", "registered)"]


def test_each_claim_check_on_its_own(app) -> None:
    now = int(clock.epoch())
    good = {"iss": "https://sso.vn", "aud": CLIENT_ID, "exp": now + 300, "iat": now}
    good |= {"sub": "abc", "nonce": "n-1"}
    oidc.check_claims(good, issuer="https://sso.vn", nonce="n-1")
    oidc.check_claims(
        {**good, "aud": [CLIENT_ID, "x"], "azp": CLIENT_ID}, issuer="https://sso.vn", nonce="n-1"
    )
    oidc.check_claims({**good, "exp": now - 30}, issuer="https://sso.vn", nonce="n-1")  # leeway
    cases = {
        "azp": {"aud": [CLIENT_ID, "ung-dung-khac"]},
        "audience": {"aud": ["ung-dung-khac"]},
        "expiry": {"exp": True},
        "issue time": {"iat": now + 3600},
        "subject": {"sub": ""},
        "nonce": {"nonce": None},
    }
    for name, change in cases.items():
        with pytest.raises(oidc.Failure, match=f"check of its {name}$"):
            oidc.check_claims({**good, **change}, issuer="https://sso.vn", nonce="n-1")


def test_claims_given_only_at_userinfo_are_fetched_there(app, client, provider, agent) -> None:
    provider.mode("claims-in-userinfo")
    assert sign_in(client, agent, "040170000789").status_code == 303
    user = db.session.scalar(select(User).filter_by(id_number="040170000789"))
    assert (user.full_name, user.phone) == ("Lò Văn Páo", "0971112233")
    hint = parse_qs(urlsplit(client.post("/dang-xuat").headers["Location"]).query)
    id_token = hint["id_token_hint"][0].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(id_token + "=" * (-len(id_token) % 4)))
    assert "citizen_id" not in claims and claims["sub"] == "040170000789"


def test_a_provider_taking_the_secret_only_in_the_form(app, client, oidc_provider, agent) -> None:
    oidc_provider.setup([BASE], auth_method="client_secret_post")
    oidc._metadata.clear()  # the discovery document changed: read it again
    try:
        assert sign_in(client, agent, "040190000123").status_code == 303
        assert oidc_provider.mode("normal") == "form"
    finally:
        oidc_provider.setup([BASE])
        oidc._metadata.clear()
