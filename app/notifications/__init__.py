"""Messages to citizens (SMS and e-mail) through an outbox: queued with the action, sent later."""

from __future__ import annotations

from flask import Flask

from app.extensions import csrf


def init_app(app: Flask) -> None:
    from app.notifications.channels import check_configuration
    from app.notifications.cli import notifications_cli
    from app.notifications.views import bp
    from app.notifications.worker import install

    check_configuration(app.config)  # an unknown adapter, or a development one in production

    install(app)  # new outbox rows wake the worker (PostgreSQL NOTIFY)
    app.cli.add_command(notifications_cli)
    # Delivery reports come from the gateway, which has no session nor CSRF token: the secret
    # in their address authenticates them (app/notifications/views.py).
    csrf.exempt(bp)
    app.register_blueprint(bp)
