"""The app's Compress (app/extensions.py) compresses error answers as well as 2xx ones: a small
Flask app with the same settings, so that a 500 can be raised on purpose."""

from __future__ import annotations

import brotli
import pytest
from flask import Flask, abort, make_response

from app.config import Config
from app.extensions import Compress

PAGE = "<p>Hệ thống gặp sự cố. Dữ liệu bạn đã lưu vẫn còn; hãy thử lại sau ít phút.</p>" * 40


def _site() -> Flask:
    site = Flask(__name__)
    for name in dir(Config):
        if name.startswith("COMPRESS_"):
            site.config[name] = getattr(Config, name)

    @site.route("/<int:status>")
    def answer(status: int):  # type: ignore[no-untyped-def]
        if status == 500:
            raise RuntimeError("hỏng")
        return make_response("" if status in (204, 304) else PAGE, status)

    @site.route("/khong-co")
    def missing():  # type: ignore[no-untyped-def]
        abort(404)

    @site.errorhandler(404)
    @site.errorhandler(500)
    def error_page(error):  # type: ignore[no-untyped-def]
        return PAGE, getattr(error, "code", 500)

    Compress(site)
    return site


@pytest.mark.parametrize(
    "path, status", [("/200", 200), ("/422", 422), ("/khong-co", 404), ("/500", 500), ("/503", 503)]
)
def test_answers_are_compressed_whatever_their_status(path, status) -> None:
    response = _site().test_client().get(path, headers={"Accept-Encoding": "br"})
    assert response.status_code == status
    assert response.headers.get("Content-Encoding") == "br"
    assert brotli.decompress(response.data).decode() == PAGE
    assert int(response.headers["Content-Length"]) == len(response.data) < len(PAGE.encode()) / 5


@pytest.mark.parametrize("status", [204, 304])
def test_bodiless_answers_are_left_alone(status) -> None:
    response = _site().test_client().get(f"/{status}", headers={"Accept-Encoding": "br"})
    assert response.status_code == status
    assert "Content-Encoding" not in response.headers


def test_an_error_page_never_becomes_a_304() -> None:
    """Flask-Compress answers conditional requests; an error page has no validator to match."""
    client = _site().test_client()
    headers = {
        "Accept-Encoding": "br",
        "If-None-Match": "*",
        "If-Modified-Since": "Tue, 01 Jan 2030 00:00:00 GMT",
    }
    response = client.get("/khong-co", headers=headers)
    assert response.status_code == 404
    assert response.headers.get("Content-Encoding") == "br"
