"""Fees paid the way people pay (DOMAIN.md §8): VietQR transfers matched to dossiers, cash at
the one-stop counter and at the door by the post office, refunds, and the unit's books."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints and the panels this domain adds to the dossier's pages."""
    from app.core.admin import Card, provide
    from app.payments import queries
    from app.payments.books_views import bp as books
    from app.payments.views.admin import bp as transfers_admin
    from app.payments.views.citizen import bp as citizen_payments
    from app.payments.views.reconciliation import bp as reconciliation
    from app.payments.views.staff import bp as fees

    # Transfers that need a person, and bank statements (the SePay webhook is app/api's).
    for blueprint in (citizen_payments, fees, books, reconciliation, transfers_admin):
        app.register_blueprint(blueprint)
    # Transfers into an account no unit collects into wait for the administrator.
    provide(Card(15, "payments/admin/_card_transfers.html", queries.transfers_card))
    _show_on_dossier_pages()


def _show_on_dossier_pages() -> None:
    """What is owed and how to pay it, on the owner's dossier page and the journey's check
    step; the officer's fee panel, and the receipts with their refunds, on the staff page
    (app/dossiers/panels.py). Registering twice is harmless."""
    from app.dossiers import panels
    from app.payments import books_panels
    from app.payments import panels as payment_panels

    panels.provide("citizen", "payments/panels/citizen.html", payment_panels.citizen)
    panels.provide("check", "payments/panels/check.html", payment_panels.check)
    panels.provide("staff", "payments/panels/staff.html", payment_panels.staff)
    panels.provide("staff", "payments/books/_refund_panel.html", books_panels.staff)
