"""Signing in with the national identity (VNeID) through OpenID Connect, against a real provider
(the npm package oidc-provider under Node, tests/oidc/provider.mjs): the flow, its checks, one
person one account, and signing out at the provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask.testing import FlaskClient
from oidc.fixtures import CLIENT_ID, CLIENT_SECRET, Provider, forms_of, sign_in_at_provider
from sqlalchemy import select

from app.accounts import oidc
from app.accounts.models import AccountEvent, ProviderSignIn, User, UserSession
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
    assert answer.headers["Location"] == "/ho-so-cua-toi"
    user = db.session.scalar(select(User).filter_by(id_number="040190000123"))
    assert (user.full_name, user.phone, user.sex) == ("Nguyễn Văn Thành", "0912345678", "male")
    assert user.date_of_birth.isoformat() == "1990-04-15"
    assert user.password_hash is None and user.role == "citizen"
    event = db.session.scalar(select(AccountEvent).filter_by(user_id=user.id))
    assert event.kind == "created_by_provider" and event.detail["level"] == "2"
    assert "Nguyễn Văn Thành" in signed_in_as(client)
    # No token in the cookie: the ID token is on the server, under a key only the cookie holds.
    with client.session_transaction() as session:
        cookie = repr(dict(session))
    kept = db.session.scalar(select(ProviderSignIn).filter_by(user_id=user.id))
    assert kept.id_token.count(".") == 2 and kept.id_token not in cookie
    assert "eyJ" not in cookie
