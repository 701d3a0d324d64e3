"""GET /api/v1/thong-ke: the public statistics as JSON (no token: the numbers are public)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from app.api import errors, openapi, validation
from app.api.errors import invalid
from app.api.openapi.statistics import KINDS
from app.core import clock
from app.core.limits import limited
from app.core.permissions import public
from app.reports.periods import CUSTOM, period_from
from app.reports.public import public_report

bp = Blueprint("api_stats", __name__, url_prefix="/api/v1")
errors.init_blueprint(bp)


@bp.get("/thong-ke")
@public  # public numbers: no token, no session
@limited("statistics")
def statistics():
    found = {}
    for name in ("kind", "date", "first", "last"):
        if name in request.args:
            schema = openapi.parameter_schema("/thong-ke", "get", name)
            for message in validation.errors(request.args[name], schema).values():
                found[name] = message
    if found:
        raise invalid(found)
    args, today = request.args, clock.today()
    kind = KINDS.get(args.get("kind", "month"))
    period, note = period_from(kind, args.get("date"), args.get("first"), args.get("last"), today)
    if note:
        raise invalid({"first" if kind == CUSTOM else "date": note})
    return jsonify(public_report(period, today, current_app.config["STATS_MIN_CELL"]).as_json())
