"""Messages to citizens (SMS and e-mail) through an outbox: queued with the action, sent later."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.notifications.channels import check_configuration
    from app.notifications.cli import notifications_cli

    check_configuration(app.config)  # an unknown adapter, or a development one in production

    app.cli.add_command(notifications_cli)
