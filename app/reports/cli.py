"""`flask reports refresh`: keep the statistics' summary tables (app/reports/summary.py)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from app.core import clock
from app.extensions import db
from app.reports import summary

reports_cli = AppGroup("reports", help="Statistics: the summary tables.")


@reports_cli.command("refresh")
@click.option("--all", "everything", is_flag=True, help="Count every finished day again.")
def refresh_command(everything: bool) -> None:
    """Summarise the finished days not kept yet or changed since (run from a timer, e.g. every
    10 minutes and just after midnight; ``--all`` after bulk SQL). One transaction per month."""
    started = time.perf_counter()
    today = clock.today()
    days = summary.days_to_refresh(today, everything)
    db.session.commit()
    rows = 0
    for month_days in summary.by_month(days).values():
        rows += summary.summarise(sorted(month_days), today)
        db.session.commit()
    click.echo(
        f"{len(days)} ngày đã tổng hợp, {rows} dòng số liệu, {time.perf_counter() - started:.1f} s"
    )
