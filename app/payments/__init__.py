"""Fees paid the way people pay (DOMAIN.md §8): VietQR transfers matched to dossiers, cash at
the one-stop counter and at the door by the post office, refunds, and the unit's books."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints, signal receivers and CLI of the payments domain (added as they land)."""
    from app.dossiers import panels
    from app.payments import panels as payment_panels
    from app.payments.views.staff import bp as fees

    app.register_blueprint(fees)
    panels.provide("staff", "payments/panels/staff.html", payment_panels.staff)
    panels.provide("citizen", "payments/panels/citizen.html", payment_panels.citizen)
