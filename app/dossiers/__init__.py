"""The application: drafts, submitted dossiers, their workflow, deadlines and forms."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.dossiers.views.citizen import bp as citizen
    from app.dossiers.views.staff import bp as backoffice

    app.register_blueprint(citizen)
    app.register_blueprint(backoffice)
    from app.dossiers.unit_usage import count_for_the_catalogue

    count_for_the_catalogue()  # a unit with dossiers is kept (app/catalogue/usage.py)
