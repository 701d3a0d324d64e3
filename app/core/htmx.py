"""Page-or-fragment responses: htmx asks for a fragment, anything else gets the whole page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import make_response, render_template, request
from werkzeug.wrappers import Response


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


FRAGMENT_ONLY_ATTRIBUTE = "_fragment_only"


def fragment_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that only ever answers htmx with a piece of a page (no layout): the
    every-page test checks that all other HTML pages carry the site's layout."""
    setattr(view, FRAGMENT_ONLY_ATTRIBUTE, True)
    return view


def render(page: str, fragment: str | None = None, status: int = 200, **context: Any) -> Response:
    """Render ``fragment`` alone for htmx requests and ``page`` otherwise.

    Fragments are ordinary templates that the page includes, so both paths show the same markup.
    """
    template = fragment if (fragment and is_htmx()) else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
