"""Assisted digital: community digital technology teams helping citizens at the village hall."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.assist import idle
    from app.assist.views.stats import bp as stats
    from app.assist.views.volunteer import bp as assist

    app.register_blueprint(stats)
    app.register_blueprint(assist)
    idle.init_app(app)
    from app.assist.affiliation import register_affiliation

    register_affiliation()  # the staff form's team (app/accounts/affiliations.py)
