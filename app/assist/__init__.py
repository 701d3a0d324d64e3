"""Assisted digital: community digital technology teams helping citizens at the village hall."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.assist import idle
    from app.assist.views import admin
    from app.assist.views.stats import bp as stats
    from app.assist.views.volunteer import bp as assist
    from app.core.admin import Card, provide

    app.register_blueprint(stats)
    app.register_blueprint(assist)
    app.register_blueprint(admin.bp)
    provide(Card(40, "assist/admin/_card_teams.html", admin.card))
    idle.init_app(app)
    from app.assist.affiliation import register_affiliation

    register_affiliation()  # the staff form's team (app/accounts/affiliations.py)
