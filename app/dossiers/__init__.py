"""The application: drafts, submitted dossiers, their workflow, deadlines and forms."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.dossiers.views.citizen import bp as citizen
    from app.dossiers.views.staff import bp as backoffice

    app.register_blueprint(citizen)
    app.register_blueprint(backoffice)
