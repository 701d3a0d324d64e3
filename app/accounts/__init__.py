"""Accounts: citizens and staff, signing in, sessions, passwords, consent."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.accounts import cli, queries, signin, support
    from app.accounts.views import (  # noqa: F401  (their routes are on the public blueprint)
        account,
        claim,
        federation,
        merge,  # noqa: F401  (on the administration's blueprint)
        register,
        reset,
    )
    from app.accounts.views.admin import bp as admin
    from app.accounts.views.public import bp
    from app.catalogue import usage
    from app.core.admin import Card, provide
    from app.extensions import login_manager

    login_manager.user_loader(signin.load_user)
    app.add_template_global(support.support_phone)
    _declare_sms_texts()
    app.register_blueprint(bp)
    app.register_blueprint(admin)
    app.cli.add_command(cli.accounts)
    provide(Card(20, "accounts/admin/_card_staff.html", queries.staff_card))
    provide(Card(21, "accounts/admin/_card_merge.html", dict))
    usage.count_staff_with(queries.staff_counts)


def _declare_sms_texts() -> None:
    """The SMS accounts send with no dossier, for ``flask notifications templates``."""
    from app.accounts import codes
    from app.accounts.operations import registration
    from app.notifications.messages import register_phone_text

    for purpose, text in codes.TEXTS.items():
        register_phone_text(f"otp_{purpose}", text.replace("{code}", "{secret}"))
    register_phone_text("account_exists", registration.HAS_ACCOUNT)
    register_phone_text("account_exists.unclaimed", registration.HAS_UNCLAIMED_ACCOUNT)
    register_phone_text("account_exists.id_number", registration.ID_HAS_ACCOUNT)
