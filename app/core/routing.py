"""The URL converter of ids: ``<id:dossier_id>`` matches 1..2^31-1 only.

A longer or larger number (2^31, 2^63, forty digits) matches no route, so it answers 404 like
any id that names nothing, on every backend, before a view or the database sees it
(PostgreSQL's ``INTEGER`` would refuse it with an error). Every id in a route uses it.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from app.core.bounds import MAX_ID


class IdConverter(IntegerConverter):
    """A row's id in a path: ASCII digits, 1 to 2^31-1."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def init_app(app: Flask) -> None:
    """Register the converter; call before any blueprint is registered."""
    app.url_map.converters["id"] = IdConverter
