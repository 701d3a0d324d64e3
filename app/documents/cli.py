"""`flask documents prune`: remove stored papers nobody asked for in a while.

A stored paper is superseded, never updated, when what it prints changes (a new version, a
new file), and a dossier's papers stop being asked for once it is closed; the old files are
dead weight. Run it from a daily timer, e.g. ``flask documents prune --days 30``: a paper
read within the period stays; a removed one is simply rendered again if asked for.
"""

from __future__ import annotations

import click
from flask import Flask, current_app

from app.core import clock
from app.documents import store


def init_app(app: Flask) -> None:
    group = click.Group("documents", help="Stored printed papers (PDF_CACHE_DIR or the S3 bucket).")

    @group.command("prune")
    @click.option("--days", default=30, show_default=True, type=click.FloatRange(min=0))
    def prune(days: float) -> None:
        """Remove stored PDFs not read nor written for DAYS days."""
        papers = store.from_config(current_app.config)
        if papers is None:
            click.echo("PDF_CACHE_DIR is empty: papers are not stored, nothing to prune.")
            return
        removed, freed = papers.prune(days * 86400, clock.epoch())
        click.echo(f"{removed} stored paper(s) removed, {freed:,} bytes freed, in {papers.blobs!r}")

    app.cli.add_command(group)
