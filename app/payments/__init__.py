"""Fees paid the way people pay (DOMAIN.md §8): VietQR transfers matched to dossiers, cash at
the one-stop counter and at the door by the post office, refunds, and the unit's books."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints, signal receivers and CLI of the payments domain (added as they land)."""
    from app.payments.views.reconciliation import bp as reconciliation

    # Transfers that need a person, and bank statements (the SePay webhook is app/api's).
    app.register_blueprint(reconciliation)
