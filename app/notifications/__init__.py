"""Messages to citizens (SMS and e-mail) through an outbox: queued with the action, sent later."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context
from flask_login import current_user

from app.extensions import csrf


def init_app(app: Flask) -> None:
    from app.core import metrics
    from app.core.admin import Card, provide
    from app.notifications import queries
    from app.notifications.admin_views import bp as admin
    from app.notifications.channels import check_configuration
    from app.notifications.cli import notifications_cli
    from app.notifications.metrics import OutboxCollector
    from app.notifications.views import bp
    from app.notifications.worker import install

    check_configuration(app.config)  # an unknown adapter, or a development one in production

    install(app)  # new outbox rows wake the worker (PostgreSQL NOTIFY)
    app.cli.add_command(notifications_cli)
    # Delivery reports come from the gateway, which has no session nor CSRF token: the secret
    # in their address authenticates them (app/notifications/views.py).
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(admin)
    provide(Card(60, "notifications/admin/_card_outbox.html", queries.outbox_card))
    app.context_processor(_gateway_banner)
    metrics.add_collector(app, OutboxCollector())  # depth and age of the outbox, per scrape


def _gateway_banner() -> dict[str, Any]:
    """The banner across the administrator's pages while a gateway refuses our account
    (templates/layouts/base.html): one small query, for administrators only."""
    from app.core.roles import Permission, has_permission
    from app.notifications.queries import gateway_banner

    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return {}
    if not has_permission(current_user, Permission.MANAGE):
        return {}
    return {"gateway_banner": gateway_banner()}
