"""`flask catalogue …`: the procedures stay data after install (app/catalogue/data/)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.catalogue import changes, queries
from app.catalogue.checks import SchemaError
from app.catalogue.operations import upsert_procedure
from app.catalogue.schema import DEMO_CATALOGUE_PATH, load_catalogue_file
from app.extensions import db

catalogue_cli = AppGroup("catalogue", help="The procedure catalogue.")


@catalogue_cli.command("sync")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEMO_CATALOGUE_PATH,
    show_default=True,
    help="The catalogue file (JSON) to load.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
def sync_command(path: Path, dry_run: bool) -> None:
    """Add the file's new procedures and update the changed ones (fields, documents, form,
    fees). A procedure the database has and the file has not is kept: dossiers refer to it."""
    try:
        wanted = load_catalogue_file(path)
    except SchemaError as error:
        raise click.ClickException(f"{path}: {error}") from error
    plan = changes.compare(queries.catalogue_as_data(), wanted)
    for line in changes.report(plan):
        click.echo(line)
    if dry_run:
        click.echo("Chạy thử (--dry-run): chưa ghi gì vào cơ sở dữ liệu.")
        return
    for entry in plan.to_write:
        upsert_procedure(entry)
    db.session.commit()
    if plan.to_write:
        click.echo(f"Đã ghi: {len(plan.new)} thủ tục mới, {len(plan.changed)} thủ tục cập nhật.")
