"""Where gateways call us: eSMS's delivery reports (no login, no CSRF: the secret in the
address is their only proof of origin; an unknown or unconfigured secret is 404)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from app.core.limits import limited
from app.core.permissions import public
from app.notifications.esms import CALLBACK_PATH, parse_delivery_report
from app.notifications.reports import callback_secret_matches, record_esms_report

bp = Blueprint("notifications", __name__)


@bp.get(f"{CALLBACK_PATH}<secret>")
@public  # to the session system: the secret in the address is checked below
@limited("delivery-report")
def esms_report(secret: str) -> Response:
    """A GET that writes: the gateway's webhook (tests/conftest.py allows this one)."""
    if not callback_secret_matches(secret):
        abort(404)
    try:
        report = parse_delivery_report(request.args)
    except ValueError as error:
        return Response(str(error), status=400, mimetype="text/plain")
    record_esms_report(report)
    return Response("OK", status=200, mimetype="text/plain")
