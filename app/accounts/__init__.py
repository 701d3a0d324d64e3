"""Accounts: citizens and staff, signing in, consent."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.accounts import queries
    from app.accounts.views import account  # noqa: F401  (its routes are on the public blueprint)
    from app.accounts.views.admin import bp as admin
    from app.accounts.views.public import bp
    from app.catalogue import usage
    from app.core.admin import Card, provide

    app.register_blueprint(bp)
    app.register_blueprint(admin)
    provide(Card(20, "accounts/admin/_card_staff.html", queries.staff_card))
    usage.count_staff_with(queries.staff_counts)
