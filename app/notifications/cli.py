"""``flask notifications worker`` (sends within seconds), ``flask notifications send`` (the
periodic safety net, run by a timer) and ``flask notifications templates``."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import replace
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from app.notifications.messages import (
    SAMPLE,
    TEMPLATES,
    longest,
    lookup_url,
    render_key,
    template_texts,
    with_slots,
)
from app.notifications.outbox import send_pending
from app.notifications.sms import ascii_variant, encoding, pick_variant, sms_segments

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
notifications_cli = AppGroup("notifications", help="Messages to citizens (SMS, e-mail).")


@notifications_cli.command("send")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
def send_command(limit: int) -> None:
    """Send the due messages of the outbox; failed ones are retried later."""
    click.echo(str(send_pending(limit=limit)))


@notifications_cli.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for tests, scripts).")
@click.option(
    "--poll-seconds",
    type=click.FloatRange(min=0.05),
    default=None,
    help="Look for due messages this often without a wake-up (default: NOTIFY_POLL_SECONDS).",
)
def worker_command(once: bool, poll_seconds: float | None) -> None:
    """Send messages within seconds of their queueing, until SIGTERM or Ctrl-C."""
    from app.notifications.worker import run

    if not logging.getLogger().handlers:  # the CLI configures no logging: say what happens
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()  # the message in hand is finished first; a second signal ends it at once
        signal.signal(signum, signal.SIG_DFL)

    previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
    try:
        total = run(current_app._get_current_object(), stop, once=once, poll_seconds=poll_seconds)
    except Exception as error:  # --once only: the database did not answer
        raise click.ClickException(f"{type(error).__name__}: {error}") from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if once:
        click.echo(str(total))


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
    click.echo("Mẫu đăng ký brandname CSKH với nhà mạng (nội dung cố định + biến {…}; số SMS khi")
    click.echo("mọi biến dài nhất). SMS_ALPHABET=auto gửi có dấu hoặc không dấu tùy độ dài: đăng")
    click.echo("ký cả hai mẫu, hoặc đặt SMS_ALPHABET=ascii / unicode để chỉ cần một mẫu.\n")
    variants = ("unicode", "ascii") if alphabet == "auto" else (alphabet,)
    for key, text in template_texts().items():
        for variant in variants:
            template = pick_variant(with_slots(text), variant)
            worst = pick_variant(longest(text, "x" if variant == "ascii" else "ạ"), variant)
            click.echo(f"[{key}] {variant}, tối đa {sms_segments(worst)} SMS: {template}")
