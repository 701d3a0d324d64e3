"""Accounts: citizens and staff, signing in, consent."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.accounts.views.public import bp

    app.register_blueprint(bp)
