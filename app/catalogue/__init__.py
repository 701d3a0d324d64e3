"""The catalogue: procedures, their documents and fees, and the receiving units."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.catalogue.views.public import bp

    app.register_blueprint(bp)
