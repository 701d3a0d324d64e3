"""Fees paid the way people pay (DOMAIN.md §8): VietQR transfers matched to dossiers, cash at
the one-stop counter and at the door by the post office, refunds, and the unit's books."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints, signal receivers and CLI of the payments domain (added as they land)."""
    from app.payments.views.citizen import bp as citizen_payments

    app.register_blueprint(citizen_payments)
    _show_on_dossier_pages()


def _show_on_dossier_pages() -> None:
    """What is owed and how to pay it, on the owner's dossier page and the journey's check
    step (app/dossiers/panels.py). Registering twice is harmless."""
    from app.dossiers import panels
    from app.payments import panels as payment_panels

    panels.provide("citizen", "payments/panels/citizen.html", payment_panels.citizen)
    panels.provide("check", "payments/panels/check.html", payment_panels.check)
