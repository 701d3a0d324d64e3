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
from app.documents.store import PdfStore


def init_app(app: Flask) -> None:
    group = click.Group("documents", help="Stored printed papers (PDF_CACHE_DIR).")

    @group.command("prune")
    @click.option("--days", default=30, show_default=True, type=click.FloatRange(min=0))
    def prune(days: float) -> None:
        """Remove stored PDFs not read nor written for DAYS days."""
        root = current_app.config.get("PDF_CACHE_DIR")
        if not root:
            click.echo("PDF_CACHE_DIR is empty: papers are not stored, nothing to prune.")
            return
        removed, freed = PdfStore(root).prune(days * 86400, clock.epoch())
        click.echo(f"{removed} stored paper(s) removed, {freed:,} bytes freed, in {root}")

    app.cli.add_command(group)
