"""A printed paper as a PDF, or, when it cannot be made, a page that says to try again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from werkzeug.wrappers import Response

from app.core.htmx import render
from app.core.responses import pdf


def pdf_or_503(build: Callable[[], bytes], filename: str, **context: Any) -> Response:
    """The PDF ``build`` makes; nothing is stored, so a failure loses nothing."""
    try:
        return pdf(build(), filename)
    except Exception:  # WeasyPrint, fonts, disk: the page says try again, nothing is lost
        current_app.logger.exception("postal PDF %s failed", filename)
        return render("postal/print_failed.html", status=503, **context)
