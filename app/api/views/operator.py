"""/api/v1/ routes: token check → validate → read or act → JSON (the request commits after).

Every route is ``@public`` to the browser-session permission system and guarded by
``@token_required`` instead (why: app/api/auth.py). The contract is app/api/openapi/.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, request

from app.api import errors, openapi, operations, queries, serialize, validation
from app.api.auth import token_required, touch
from app.api.errors import invalid, unknown_item
from app.core import clock
from app.core.limits import limited
from app.core.permissions import public
from app.postal import tokens
from app.postal.models import ApiToken

bp = Blueprint("api", __name__, url_prefix="/api/v1")
errors.init_blueprint(bp)


def _answer(token: ApiToken, body: dict[str, Any], status: int = 200) -> tuple[Response, int]:
    """A successful answer; the token's use is noted last, just before the request commits."""
    touch(token)
    return jsonify(body), status


def _day_and_cursor(path: str) -> tuple[date, int | None]:
    found: dict[str, str] = {}
    for name in ("date", "cursor"):
        if name in request.args:
            schema = openapi.parameter_schema(path, "get", name)
            for message in validation.errors(request.args[name], schema).values():
                found[name] = message
    if found:
        raise invalid(found)
    day = date.fromisoformat(request.args["date"]) if "date" in request.args else clock.today()
    return day, int(request.args["cursor"]) if "cursor" in request.args else None


@bp.get("/pickups")
@public  # to the session system; the token is checked below (app/api/auth.py)
@limited("api-token")
@token_required("read")
def pickups(token: ApiToken):
    day, after = _day_and_cursor("/pickups")
    page = queries.pickups(token.post_office_id, day, after)
    items = [serialize.pickup(s) for s in page.items]
    return _answer(
        token, {"date": day.isoformat(), "items": items, "next_cursor": page.next_cursor}
    )


@bp.get("/deliveries")
@public  # to the session system; the token is checked below (app/api/auth.py)
@limited("api-token")
@token_required("read")
def deliveries(token: ApiToken):
    day, after = _day_and_cursor("/deliveries")
    page = queries.deliveries(token.post_office_id, day, after)
    items = [serialize.delivery(s, day) for s in page.items]
    return _answer(
        token, {"date": day.isoformat(), "items": items, "next_cursor": page.next_cursor}
    )


@bp.get("/items/<item_number>")
@public  # to the session system; the token is checked below (app/api/auth.py)
@limited("api-token")
@token_required("read")
def item(token: ApiToken, item_number: str):
    shipment = queries.item(token.post_office_id, item_number)
    if shipment is None:
        raise unknown_item()
    return _answer(token, serialize.item(shipment))


@bp.post("/events")
@public  # to the session system; the token is checked below (app/api/auth.py)
@limited("api-token")
@token_required("events")
def post_event(token: ApiToken):
    event = operations.parse(request.get_json(force=True, silent=True))
    recorded = operations.record_once(token, event, ip=request.remote_addr or "")
    body = serialize.event(
        event.event_id, event.type, recorded.event, recorded.shipment, recorded.duplicate
    )
    return _answer(token, body, 200 if recorded.duplicate else 201)


@bp.get("/openapi.json")
@public  # the contract itself: no token, no personal data
def openapi_document():
    return jsonify(openapi.document(tokens.SCOPES))
