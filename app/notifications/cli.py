"""``flask notifications send`` (run by a timer) and ``flask notifications templates``."""

from __future__ import annotations

from dataclasses import replace

import click
from flask import current_app
from flask.cli import AppGroup

from app.notifications.messages import SAMPLE, TEMPLATES, lookup_url, render_key
from app.notifications.outbox import send_pending
from app.notifications.sms import ascii_variant, encoding, pick_variant, sms_segments

notifications_cli = AppGroup("notifications", help="Messages to citizens (SMS, e-mail).")


@notifications_cli.command("send")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
def send_command(limit: int) -> None:
    """Send the due messages of the outbox; failed ones are retried later."""
    click.echo(str(send_pending(limit=limit)))


@notifications_cli.command("templates")
@click.option(
    "--base-url",
    default=None,
    help="Public site address for the look-up link (default: PUBLIC_BASE_URL).",
)
def templates_command(base_url: str | None) -> None:
    """Every SMS for a sample dossier, with and without diacritics, and its segment count."""
    base = current_app.config.get("PUBLIC_BASE_URL", "") if base_url is None else base_url
    context = replace(SAMPLE, lookup_url=lookup_url(base, SAMPLE.code))
    alphabet = current_app.config.get("SMS_ALPHABET") or "auto"
    if not context.lookup_url:
        click.echo("(PUBLIC_BASE_URL is empty: messages give the code without a link)\n")
    for key in TEMPLATES:
        sms = render_key(key, context).sms
        plain = ascii_variant(sms)
        chosen = "có dấu" if pick_variant(sms, alphabet) == sms else "không dấu"
        click.echo(f"[{key}]  SMS_ALPHABET={alphabet} sends: {chosen}")
        for label, text in (("có dấu   ", sms), ("không dấu", plain)):
            counts = f"{encoding(text)}, {len(text)} ký tự, {sms_segments(text)} SMS"
            click.echo(f"  {label} ({counts}): {text}")
        click.echo("")
