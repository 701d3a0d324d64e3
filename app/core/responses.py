"""Responses every blueprint needs: "go there" for plain and htmx forms, and a PDF inline."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import make_response, redirect, request
from werkzeug.wrappers import Response

from app.core.htmx import is_htmx


def local_target(target: str | None, default: str) -> str:
    """``target`` when it is a path of this site, else ``default``: a "next" page sent by a
    form or a link may not lead elsewhere (``//host``, ``/\\host``, ``https:``) nor break the
    Location header (control characters, line breaks)."""
    target = target or ""
    parts = urlsplit(target)
    own_path = target.startswith("/") and not target.startswith(("//", "/\\"))
    printable = target.isprintable() and not any(c.isspace() for c in target)
    if own_path and printable and not parts.scheme and not parts.netloc:
        return target
    return default


def go(target: str) -> Response:
    """303 for a plain form; for htmx a full navigation (HX-Redirect), so the flash shows."""
    if not is_htmx():
        return redirect(target, 303)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = target
    return response


def pdf(data: bytes, filename: str) -> Response:
    """``data`` inline as ``filename``. Stored papers (app/documents/store.py) carry their
    ``version``: it becomes a strong ETag, and a request whose If-None-Match names it gets a
    304 with no body. The page stays ``no-store`` like every page with personal data (the
    app's after-request hook), so browsers on shared devices keep no copy."""
    response = make_response(bytes(data))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    version = getattr(data, "version", None)
    if version:
        response.set_etag(version)
        response.make_conditional(request)
    return response
