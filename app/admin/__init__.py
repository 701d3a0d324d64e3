"""Administration: post offices (issue 10: moving to postal)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.admin import cards
    from app.admin.views import bp

    app.register_blueprint(bp)
    cards.provide_all()
