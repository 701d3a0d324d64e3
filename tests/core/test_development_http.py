"""Development works over plain http: no HSTS, no Secure cookie (see test_production.py)."""

from __future__ import annotations

from flask import Flask
from helpers import PASSWORD


def test_development_signs_in_over_plain_http(app: Flask, citizen) -> None:  # type: ignore[no-untyped-def]
    assert app.config["APP_ENV"] == "development"
    client = app.test_client()
    response = client.post("/dang-nhap", data={"phone": citizen.phone, "password": PASSWORD})
    assert response.status_code == 303
    assert "Strict-Transport-Security" not in response.headers
    (cookie,) = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("session=") and "Secure" not in cookie and "HttpOnly" in cookie
    assert client.get("/ho-so-cua-toi").status_code == 200
