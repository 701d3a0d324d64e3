"""The catalogue: procedures, their documents and fees, and the receiving units."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.catalogue import queries
    from app.catalogue.cli import catalogue_cli
    from app.catalogue.views.admin import bp as admin
    from app.catalogue.views.public import bp
    from app.core.admin import Card, provide

    app.register_blueprint(bp)
    app.register_blueprint(admin)
    app.cli.add_command(catalogue_cli)
    provide(Card(10, "catalogue/admin/_card_units.html", queries.units_card))
    provide(Card(50, "catalogue/admin/_card_guides.html", queries.guides_card))
