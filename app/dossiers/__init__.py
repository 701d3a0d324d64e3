"""The application: drafts, submitted dossiers, their workflow, deadlines and forms."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.dossiers.views.backoffice import bp as backoffice
    from app.dossiers.views.citizen import bp as citizen

    app.register_blueprint(citizen)
    app.register_blueprint(backoffice)
