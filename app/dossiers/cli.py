"""`flask calendar-override` and `flask purge-drafts`: the dossiers' jobs for operators (the
names stay top-level: crontabs call them)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.dossiers.operations.calendar import record_override
from app.dossiers.operations.retention import purge_stale_drafts
from app.extensions import db


@click.command("calendar-override")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("kind", type=click.Choice(["day_off", "working_day"]))
@click.argument("note", default="")
@with_appcontext
def calendar_override_command(day, kind: str, note: str) -> None:  # type: ignore[no-untyped-def]
    """Record an announced day off or extra working day (e.g. a government swap)."""
    record_override(day.date(), kind, note)
    db.session.commit()
    click.echo(f"{day.date():%d/%m/%Y}: {kind}")


@click.command("purge-drafts")
@click.option("--days", type=int, default=None, help="Age in days (DRAFT_RETENTION_DAYS).")
@with_appcontext
def purge_drafts_command(days: int | None) -> None:
    """Delete drafts nobody touched for the retention period, with their uploads."""
    count = purge_stale_drafts(days or current_app.config["DRAFT_RETENTION_DAYS"])
    db.session.commit()
    click.echo(f"{count} drafts deleted")


def init_app(app: Flask) -> None:
    app.cli.add_command(calendar_override_command)
    app.cli.add_command(purge_drafts_command)
