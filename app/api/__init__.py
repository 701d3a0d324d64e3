"""/api/v1/: a small JSON API for the postal operator's own systems (Decision 45/2016).

The operator's tracking system reads a post office's day (pickups to make, results to deliver),
looks up one item, and reports what its workers did to an item (out for delivery, delivered,
failed, returned to the agency). Every call carries a post office's bearer token
(app/postal/tokens.py) and sees only that office's items.

- :mod:`app.api.openapi` is the contract: the OpenAPI 3.1 document served at
  ``/api/v1/openapi.json``, whose JSON Schemas the views also validate requests with;
- :mod:`app.api.auth` checks the token (``@token_required(scope)``);
- :mod:`app.api.operations` turns a reported event into a step of a postal leg
  (:mod:`app.postal.operations.delivery`), once;
- :mod:`app.api.views.payments` is SePay's webhook for transfers into the units' collection
  accounts (:mod:`app.api.sepay` checks its key and reads its body; app/payments matches);
- :mod:`app.api.views.operator` are the thin routes; :mod:`app.api.queries` and
  :mod:`app.api.serialize` read and shape the office's items.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.api.views.operator import bp
    from app.api.views.payments import bp as payments_bp
    from app.api.views.statistics import bp as statistics_bp
    from app.extensions import csrf

    # The operator's systems authenticate with a bearer token, never a cookie (app/api/auth.py),
    # and SePay with its API key (app/api/sepay.py).
    for blueprint in (bp, payments_bp):
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
    app.register_blueprint(statistics_bp)  # public numbers: GET only, no token
