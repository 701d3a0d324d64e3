"""Fees paid the way people pay (DOMAIN.md §8): VietQR transfers matched to dossiers, cash at
the one-stop counter and at the door by the post office, refunds, and the unit's books."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints, signal receivers and CLI of the payments domain (added as they land)."""
    from app.dossiers import panels
    from app.payments import books_panels
    from app.payments.books_views import bp as books

    app.register_blueprint(books)
    panels.provide("staff", "payments/books/_refund_panel.html", books_panels.staff)
