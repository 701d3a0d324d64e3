"""`flask postal …`: the post office's scheduled jobs."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.core import clock
from app.dossiers.calendar import working_calendar
from app.extensions import db
from app.postal.models import PostOffice
from app.postal.operations.booking import send_pickup_reminders
from app.postal.operations.slots import ensure_slots

postal_cli = AppGroup("postal", help="Post office jobs: reminders, pickup slots.")


@postal_cli.command("reminders")
def reminders_command() -> None:
    """Queue the SMS for pickups booked for tomorrow (run daily, e.g. at 17:00)."""
    count = send_pickup_reminders(clock.today())
    db.session.commit()
    click.echo(f"{count} reminders queued")


@postal_cli.command("slots")
def slots_command() -> None:
    """Create the coming days' pickup slots of every active office from its templates (ahead of
    time: the booking page offers them from the templates anyway, and makes a slot's row when
    it is first booked)."""
    calendar = working_calendar()
    days = current_app.config["POSTAL_SLOT_DAYS"]
    created = sum(
        ensure_slots(office, clock.today(), days, calendar)
        for office in db.session.scalars(select(PostOffice).filter_by(is_active=True))
    )
    db.session.commit()
    click.echo(f"{created} slots created")
