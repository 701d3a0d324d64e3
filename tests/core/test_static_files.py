"""Static files precompressed at brotli 11 (and gzip 9) and served as they are."""

from __future__ import annotations

import gzip
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import unquote

import brotli
import pytest
from bs4 import BeautifulSoup
from flask import url_for

from app.config import ROOT

STATIC = ROOT / "static"
CSS = STATIC / "css" / "app.css"


@pytest.fixture
def built(app) -> None:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["static", "compress"])
    assert result.exit_code == 0, result.output


def static_url(app, filename: str) -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        return url_for("static", filename=filename)


@pytest.mark.parametrize("filename", ["css/app.css", "js/app.js", "vendor/htmx.min.js"])
def test_brotli_clients_get_the_brotli_11_bytes(app, client, built, filename) -> None:
    source = (STATIC / filename).read_bytes()
    response = client.get(static_url(app, filename), headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert response.data == brotli.compress(source, quality=11)
    assert brotli.decompress(response.data) == source
    assert response.mimetype in ("text/css", "text/javascript")
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.cache_control.immutable and response.cache_control.public
    assert response.cache_control.max_age == app.config["STATIC_MAX_AGE"]

    # Revalidation: the same ETag answers 304 with nothing.
    again = client.get(
        static_url(app, filename),
        headers={"Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""


def test_gzip_only_clients_get_gzip_9_and_others_the_plain_file(app, client, built) -> None:
    url = static_url(app, "css/app.css")
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.data == gzip.compress(CSS.read_bytes(), compresslevel=9, mtime=0)

    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.data == CSS.read_bytes()
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert plain.headers["ETag"] != response.headers["ETag"]  # one per representation


def test_an_outdated_companion_is_never_served(app, client) -> None:
    """A stylesheet edited after the last build is compressed on the fly from the new text."""
    folder = STATIC / f"test-{uuid.uuid4().hex}"
    folder.mkdir()
    try:
        sheet = folder / "trang.css"
        sheet.write_text(".thong-bao { color: #0b4f8a; }\n" * 30, encoding="utf-8")
        assert app.test_cli_runner().invoke(args=["static", "compress"]).exit_code == 0
        companion = folder / "trang.css.br"
        assert brotli.decompress(companion.read_bytes()) == sheet.read_bytes()
        sheet.write_text(".thong-bao { color: #8a0b0b; }\n" * 30, encoding="utf-8")
        later = companion.stat().st_mtime + 5
        os.utime(sheet, (later, later))
        url = static_url(app, f"{folder.name}/trang.css")
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.headers["Content-Encoding"] == "br"
        assert brotli.decompress(response.data) == sheet.read_bytes()
    finally:
        shutil.rmtree(folder)


def test_the_companions_are_never_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"static/**/*.br", "static/**/*.gz"} <= set(ignored)


def test_a_missing_file_is_still_404(client) -> None:
    response = client.get("/static/css/khong-co.css", headers={"Accept-Encoding": "br"})
    assert response.status_code == 404
    assert client.get("/static/../app/config.py").status_code == 404
    assert Path(STATIC / "css" / "khong-co.css.br").exists() is False


def test_the_favicon_is_a_small_svg_linked_from_every_page(app, client) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.data == (STATIC / "favicon.svg").read_bytes() and len(icon.data) < 300
    assert icon.cache_control.public and icon.cache_control.max_age == 7 * 24 * 3600
    assert not icon.cache_control.no_store

    # In the page itself: Chromium fetched a linked icon again after every navigation and
    # every pushed htmx step, never from its cache (tests/e2e/test_throttled_journey.py).
    icon_link = BeautifulSoup(client.get("/").text, "html.parser").find("link", rel="icon")
    href = icon_link["href"]
    assert href.startswith("data:image/svg+xml,<svg") and len(href) < 300
    assert unquote(href.split(",", 1)[1]) == icon.data.decode().strip().replace('"', "'")


def test_no_script_holds_up_the_first_paint(client) -> None:
    """The head carries only deferred app.js; htmx is fetched by it after the page loads."""
    head = client.get("/").text.split("</head>")[0]
    assert head.count("<script") == 1
    assert "defer" in head.split("<script")[1].split(">")[0]
    assert 'data-htmx="/static/vendor/htmx.min.js?v=' in head
    assert 'src="/static/vendor/htmx.min.js' not in head


def test_urls_kept_per_process_follow_where_the_app_is_mounted(app) -> None:
    """routing.App keeps the URLs of argument-less endpoints and static files; the mount point
    (SCRIPT_NAME) is part of what they are kept by, and the fingerprint stays."""
    for root in ("", "/motcua", ""):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            assert url_for("public.home") == f"{root}/"
            css = url_for("static", filename="css/app.css")
            assert css.startswith(f"{root}/static/css/app.css?v=")
            assert url_for("public.lookup_code", code="X1") == f"{root}/tra-cuu/X1"
            assert url_for("public.home", _external=True) == f"http://localhost{root}/"
            assert url_for("public.home", _anchor="main") == f"{root}/#main"
