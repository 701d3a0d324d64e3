"""Responses every blueprint needs: "go there" for plain and htmx forms, and a PDF inline."""

from __future__ import annotations

from flask import make_response, redirect
from werkzeug.wrappers import Response

from app.core.htmx import is_htmx


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
