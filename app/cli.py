"""`flask seed`: national units, the demo catalogue and (demo mode only) the demo accounts."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from app.accounts.demo import create_demo_accounts
from app.assist.demo import create_demo_team
from app.catalogue.demo import create_demo_collection_accounts
from app.catalogue.models import Procedure
from app.catalogue.operations import sync_units, upsert_procedure
from app.catalogue.schema import load_demo_catalogue
from app.dossiers.demo import create_demo_dossiers
from app.extensions import db
from app.payments.demo import create_demo_payments, create_demo_transfer
from app.postal.demo import create_demo_post_office


def seed(with_demo_accounts: bool) -> dict[str, int]:
    counts = {
        "units": sync_units(
            current_app.config["PROVINCE_CODE"], current_app.config["PROVINCE_TREE"]
        )
    }
    if db.session.scalar(select(func.count()).select_from(Procedure)) == 0:
        for item in load_demo_catalogue():
            upsert_procedure(item)
        counts["procedures"] = len(load_demo_catalogue())
    if with_demo_accounts:
        counts["accounts"] = create_demo_accounts(current_app.config["PROVINCE_TREE"])
        counts["collection accounts"] = create_demo_collection_accounts()
        counts["dossiers"] = create_demo_dossiers()
        counts["fee receipts"] = create_demo_payments()
        counts["transfers to reconcile"] = create_demo_transfer()
        counts["post offices"] = create_demo_post_office()
        counts["community teams"] = create_demo_team()
    db.session.commit()
    return counts


def init_app(app: Flask) -> None:
    @app.cli.command("seed")
    @click.option("--demo/--no-demo", default=None, help="Create the demo accounts.")
    def seed_command(demo: bool | None) -> None:
        """Load units and the catalogue; demo accounts only in demo mode."""
        demo_mode = current_app.config["DEMO_MODE"]
        if demo and not demo_mode:
            raise click.ClickException("Demo accounts are refused outside demo mode (DEMO_MODE=1).")
        counts = seed(with_demo_accounts=demo_mode if demo is None else demo)
        click.echo(", ".join(f"{k}: {v} added" for k, v in counts.items()))
