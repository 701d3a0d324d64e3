"""HTTPS in production (issue 11): Strict-Transport-Security on every answer, and cookies that
travel over HTTPS only, out of scripts' reach, with the session's ``__Host-`` prefix; while
development keeps working over plain http."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from helpers import PASSWORD

HTTPS = "https://localhost"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "APP_ENV": "production",
        "SECRET_KEY": "k7Qm2vX9pL4sT8wZ1nB6cR3yH5jD0fGa",
        "NOTIFY_ALLOW_DEV_ADAPTERS": True,
    }


def _cookies(response: Any) -> dict[str, str]:
    """Cookie name → its whole Set-Cookie header."""
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_every_answer_asks_browsers_to_keep_to_https(app: Flask) -> None:
    client = app.test_client()
    for path in ("/", "/dang-nhap", "/thu-tuc", "/khong-co-trang-nay", "/api/v1/pickups"):
        response = client.get(path, base_url=HTTPS)
        assert (
            response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        ), path


def test_hsts_seconds_is_configuration_and_zero_turns_it_off(app: Flask) -> None:
    app.config["HSTS_SECONDS"] = 86400
    response = app.test_client().get("/", base_url=HTTPS)
    assert response.headers["Strict-Transport-Security"] == "max-age=86400; includeSubDomains"
    app.config["HSTS_SECONDS"] = 0
    assert "Strict-Transport-Security" not in app.test_client().get("/", base_url=HTTPS).headers


def test_the_session_cookie_is_secure_httponly_lax_and_host_only(app: Flask, citizen) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    response = client.post(
        "/dang-nhap", data={"phone": citizen.phone, "password": PASSWORD}, base_url=HTTPS
    )
    assert response.status_code == 303
    cookies = _cookies(response)
    assert set(cookies) == {"__Host-session"}
    attributes = [part.strip() for part in cookies["__Host-session"].split(";")]
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(attributes)
    assert not any(a.lower().startswith("domain=") for a in attributes)
    assert client.get("/ho-so-cua-toi", base_url=HTTPS).status_code == 200
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_NAME"].startswith("__Host-")
