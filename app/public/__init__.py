"""The public look-up of a dossier's status."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.public.views.public import bp

    app.register_blueprint(bp)
