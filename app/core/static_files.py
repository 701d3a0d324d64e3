"""Static files compressed once, at the highest levels, and served as they are.

``flask static compress`` (run by ``make run``, ``make test`` and ``make assets``) writes beside
each stylesheet, script and SVG under ``static/`` a ``.br`` (brotli, quality 11) and a ``.gz``
(gzip, level 9); they are never committed. The static view answers a client that accepts one
of them with those bytes (``Content-Encoding``, ``Vary: Accept-Encoding``), with the original's
type and the same caching as every fingerprinted static file (app/__init__.py). A file without
an up-to-date companion (older than its source, or never built) is compressed on the fly by
Flask-Compress, as before.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import quote

import brotli
import click
from flask import Flask, current_app, request, send_from_directory
from markupsafe import Markup
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from app.core.permissions import public

SUFFIXES = (".css", ".js", ".svg")
# Preferred first: brotli 11 is 10–18 % smaller than gzip 9 on our stylesheet and scripts.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
MIN_BYTES = 300  # smaller files gain less than the header costs (Flask-Compress too)
FAVICON_MAX_AGE = 7 * 24 * 3600  # its URL carries no fingerprint


@cache
def icon_data_url(root: Path) -> Markup:
    """The site icon inside the page, as a ``data:`` URL (~190 bytes in each full page's head).

    Linked as a file, Chromium fetched it again after every navigation, an htmx step's pushed
    URL included, never from its cache even though it is fingerprinted and immutable: one more
    request per step, which costs a whole round trip on 2G (tests/e2e/test_throttled_journey.py
    counts them). Double quotes become single ones and ``#`` is escaped: the value sits in a
    double-quoted attribute as it is.
    """
    svg = (root / "favicon.svg").read_text(encoding="utf-8").strip().replace('"', "'")
    return Markup("data:image/svg+xml," + quote(svg, safe=" <>/=:;,.'-"))


def brotli_11(data: bytes) -> bytes:
    return brotli.compress(data, quality=11)


def gzip_9(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


COMPRESSORS = {".br": brotli_11, ".gz": gzip_9}


def sources(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in SUFFIXES and path.stat().st_size >= MIN_BYTES:
            yield path


def _fresh(source: Path, companion: Path) -> bool:
    return companion.is_file() and companion.stat().st_mtime >= source.stat().st_mtime


def _write(target: Path, data: bytes) -> None:
    """Atomically: a request (or a parallel build) never reads half a file."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.chmod(temporary, 0o644)  # readable like its source (a web server in front may serve it)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, target)


def build(root: Path) -> list[Path]:
    """Write every missing or outdated companion under ``root``; the ones written."""
    written = []
    for source in sources(root):
        for suffix, compress in COMPRESSORS.items():
            companion = source.with_name(source.name + suffix)
            try:
                if not _fresh(source, companion):
                    _write(companion, compress(source.read_bytes()))
                    written.append(companion)
            except FileNotFoundError:
                continue  # removed while we worked
    return written


def _precompressed(root: Path, filename: str) -> tuple[str, str] | None:
    """(encoding, companion file name) the client accepts and we hold, fresh; else None."""
    source = safe_join(str(root), filename)
    if source is None or not filename.endswith(SUFFIXES) or not os.path.isfile(source):
        return None
    accepted = request.accept_encodings
    for encoding, suffix in ENCODINGS:
        if accepted[encoding] > 0 and _fresh(Path(source), Path(source + suffix)):
            return encoding, filename + suffix
    return None


def init_app(app: Flask) -> None:
    root = Path(app.static_folder or "")
    plain = app.view_functions["static"]

    def static(filename: str) -> Response:
        found = _precompressed(root, filename)
        if found is None:
            response = plain(filename=filename)
        else:
            encoding, companion = found
            kind = mimetypes.guess_type(filename)[0]  # the original's, as the plain view sends
            response = send_from_directory(root, companion, mimetype=kind)
            response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        return response

    app.view_functions["static"] = static

    @public
    def favicon() -> Response:
        """Browsers ask for /favicon.ico whatever the page links: the site's SVG icon (the
        layout links it fingerprinted), a week in cache, rather than a 404 page."""
        response = send_from_directory(root, "favicon.svg", mimetype="image/svg+xml")
        response.cache_control.public = True
        response.cache_control.max_age = FAVICON_MAX_AGE
        return response

    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.add_template_global(lambda: icon_data_url(root), "site_icon")

    @app.cli.group("static")
    def group() -> None:
        """Static files."""

    @group.command("compress")
    def compress_command() -> None:
        """Write .br (brotli 11) and .gz (gzip 9) beside each CSS, JS and SVG file."""
        written = build(Path(current_app.static_folder or ""))
        click.echo(f"{len(written)} compressed file(s) written.")
