"""`flask accounts purge`: forget what signing in leaves behind once it no longer matters.
Run it daily (cron or a systemd timer), like `flask purge-drafts`."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from app.accounts import codes
from app.accounts.operations import pending_secrets, signin
from app.extensions import db

accounts = AppGroup("accounts", help="Accounts: sign-in housekeeping.")


@accounts.command("purge")
def purge_command() -> None:
    """Wrong-password counts no one added to for LOGIN_FORGET_HOURS, show-once secrets never
    shown, the details kept in expired registration codes, and codes older than 30 days."""
    counts = {
        "login counts": signin.purge(timedelta(hours=current_app.config["LOGIN_FORGET_HOURS"])),
        "secrets": pending_secrets.purge(),
        **codes.purge(timedelta(days=30)),
    }
    db.session.commit()
    click.echo(", ".join(f"{name}: {count} removed" for name, count in counts.items()))
