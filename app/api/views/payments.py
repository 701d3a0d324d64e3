"""/api/v1/payments/: what banks' notifiers tell us (the SePay webhook).

``@public`` to the browser-session permission system, like the operator's routes: SePay sends
no cookie, and the API key is checked first thing (app/api/sepay.py). Exempt from CSRF for the
same reason. The request commits after the answer is made; a transfer known before answers the
same ``{"success": true}``, so SePay stops retrying.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.api import errors, sepay
from app.core.limits import limited
from app.core.permissions import public
from app.payments.operations.transfers import receive

bp = Blueprint("payments_api", __name__, url_prefix="/api/v1/payments")
errors.init_blueprint(bp)


@bp.post("/sepay")
@public  # to the session system; the API key is checked below (app/api/sepay.py)
@limited("sepay-webhook")
def sepay_webhook():
    sepay.check_key()
    reported = sepay.parse(request.get_json(force=True, silent=True))
    if reported is not None:
        receive(reported)
    return jsonify(success=True)
