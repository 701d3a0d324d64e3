"""The public postal service (Decision 45/2016): pickups, returns, item numbers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.postal.agency import bp as agency
    from app.postal.booking import bp as booking
    from app.postal.cli import postal_cli
    from app.postal.counter import bp as counter
    from app.postal.views import bp as postal

    for blueprint in (booking, postal, counter, agency):
        app.register_blueprint(blueprint)
    app.cli.add_command(postal_cli)
