"""Responses every blueprint needs: "go there" for plain and htmx forms, and a PDF inline."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import make_response, redirect
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
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
