"""Page-or-fragment responses: htmx asks for a fragment, anything else gets the whole page."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
from werkzeug.wrappers import Response


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def render(page: str, fragment: str | None = None, status: int = 200, **context: Any) -> Response:
    """Render ``fragment`` alone for htmx requests and ``page`` otherwise.

    Fragments are ordinary templates that the page includes, so both paths show the same markup.
    """
    template = fragment if (fragment and is_htmx()) else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
