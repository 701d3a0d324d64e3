"""The outbox: queue messages with the action that causes them, send them later.

* :func:`queue` (a message of an event, from a plain :class:`MessageContext`) and
  :func:`notify_phone` (an SMS of no dossier, a one-time code) add rows to the session of the
  caller's action and never commit: the request's commit queues the messages, its rollback
  forgets them.
* :func:`send_pending` (``flask notifications send``, run by a timer) sends what is due, one
  commit per message, and retries with a growing delay when a gateway fails. What each answer
  does to a message is app/notifications/outcomes.py; a gateway refusing our account holds the
  channel's messages (app/notifications/health.py records it); delivery reports come later
  (app/notifications/reports.py).

A one-time code never rests in clear: the row's ``body`` shows it masked, the code waits
sealed in ``sealed_secret`` (app/core/sealing.py, a key derived from SECRET_KEY) and
:func:`text_to_send` puts it back only for the adapter. Once the row is sent or has failed, or
the code has expired (:func:`forget_expired_secrets`, run by each send and by ``flask accounts
purge``), the sealed code is gone; a code that expired before it could be sent is not sent.

Delivery is at least once: a worker that dies between a gateway's "accepted" and its commit
sends that message again on the next run. Two workers never send the same row concurrently
(the row is locked while it is sent; on SQLite writers are serialised anyway).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, null, select, update

from app.core import clock, sealing
from app.extensions import db
from app.notifications import health
from app.notifications.channels import (
    GatewayRefused,
    Outgoing,
    Receipt,
    SendFailed,
    SendRejected,
    adapter_name,
    channel_for,
)
from app.notifications.messages import MessageContext, render
from app.notifications.models import Notification, OutboxStatus
from app.notifications.outcomes import (  # noqa: F401  (BACKOFF_MINUTES, retry_delay: as before)
    BACKOFF_MINUTES,
    Outcome,
    after_send,
    retry_delay,
)
from app.notifications.sms import SECRET, pick_variant, put_back, sms_segments, with_secret

log = logging.getLogger("motcua.notifications")

_ERROR_MAX = 500
_SEALING_PURPOSE = "notification-secret"
EXPIRED_UNSENT = "the one-time code expired before it could be sent"


@dataclass
class SendReport:
    sent: int = 0  # accepted by the gateway
    retried: int = 0  # failed this time, will be tried again
    failed: int = 0  # failed for the last time: status FAILED
    expired: int = 0  # one-time codes that expired before they could be sent: status FAILED
    rejected: int = 0  # the gateway will never take them (blocked or malformed number)
    held: int = 0  # waiting because the gateway refuses our account (attempts not counted)

    def count(self, outcome: Outcome, status: str) -> None:
        if outcome is Outcome.ACCEPTED:
            self.sent += 1
        elif outcome is Outcome.REJECTED:
            self.rejected += 1
        elif outcome is Outcome.FAILED and status == OutboxStatus.FAILED:
            self.failed += 1
        elif outcome is Outcome.FAILED:
            self.retried += 1
        # REFUSED: counted in ``held`` by the channel's hold

    def __str__(self) -> str:
        counts = f"sent {self.sent}, will retry {self.retried}, failed {self.failed}"
        extra = (
            (self.rejected, "rejected"),
            (self.held, "held (gateway refuses our account)"),
            (self.expired, "codes expired unsent"),
        )
        return counts + "".join(f", {label} {n}" for n, label in extra if n)


def queue(
    kind: str,
    context: MessageContext,
    *,
    phone: str = "",
    email: str = "",
    user_id: int | None = None,
    dossier_id: int | None = None,
) -> list[Notification]:
    """Queue the SMS and the e-mail for event ``kind`` (no commit).

    One SMS if there is a ``phone``, one e-mail if there is an ``email``; :class:`ValueError`
    for an unknown kind, even when there is no one to tell. The outbox knows nothing of
    dossiers: ``context`` is everything the message may say.
    """
    message = render(kind, context)
    moment = clock.now()
    rows: list[Notification] = []
    common = {
        "dossier_id": dossier_id,
        "user_id": user_id,
        "template": message.template,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": moment,
        "last_error": "",
        "created_at": moment,
    }
    if phone:
        text = pick_variant(message.sms, current_app.config.get("SMS_ALPHABET") or "auto")
        rows.append(
            Notification(
                channel="sms",
                recipient=phone,
                subject="",
                body=text,
                segments=sms_segments(text),
                **common,
            )
        )
    if email:
        rows.append(
            Notification(
                channel="email",
                recipient=email,
                subject=message.subject,
                body=message.email,
                segments=0,
                **common,
            )
        )
    db.session.add_all(rows)
    return rows


def notify_phone(
    phone: str,
    template: str,
    text: str,
    *,
    secret: str = "",
    secret_expires_at: datetime | None = None,
    user_id: int | None = None,
) -> Notification:
    """Queue an SMS that belongs to no dossier, no commit.

    A one-time code is the ``secret``, and ``text`` says where it goes with
    :data:`~app.notifications.sms.SECRET` (``"Mã: {secret}."``): the row keeps it masked, sealed
    until ``secret_expires_at``. The SMS variant and its segments are those of the real text."""
    moment = clock.now()
    alphabet = current_app.config.get("SMS_ALPHABET") or "auto"
    sealed = None
    if secret:
        if secret_expires_at is None:
            raise ValueError("a secret needs the moment it expires")
        sent, body = with_secret(text, secret, alphabet)
        sealed = sealing.seal(
            secret,
            secret_key=current_app.config["SECRET_KEY"],
            purpose=_SEALING_PURPOSE,
            at=moment,
        )
    elif SECRET in text:
        raise ValueError(f"{SECRET} in the text of {template!r} but no secret given")
    else:
        sent = body = pick_variant(text, alphabet)
    row = Notification(
        channel="sms",
        recipient=phone,
        user_id=user_id,
        template=template,
        subject="",
        body=body,
        segments=sms_segments(sent),
        sealed_secret=sealed,
        secret_expires_at=secret_expires_at if secret else None,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=moment,
        last_error="",
        created_at=moment,
    )
    db.session.add(row)
    return row


def text_to_send(row: Notification) -> str:
    """The text the recipient gets: the body, with a sealed one-time code put back in.

    :class:`~app.core.sealing.Unreadable` if the code was sealed under another SECRET_KEY."""
    if row.sealed_secret is None:
        return row.body
    secret = sealing.unseal(
        row.sealed_secret,
        secret_key=current_app.config["SECRET_KEY"],
        purpose=_SEALING_PURPOSE,
    )
    return put_back(row.body, secret)


def _outgoing(row: Notification) -> Outgoing:
    return Outgoing(
        id=row.id,
        channel=row.channel,
        recipient=row.recipient,
        template=row.template,
        subject=row.subject,
        text=text_to_send(row),
        stored=row.body,
        segments=row.segments,
        created_at=row.created_at,
    )


def forget_expired_secrets(now: datetime | None = None) -> tuple[int, int]:
    """Clear the sealed codes that have expired; a message still waiting with one is marked
    FAILED (a stale code is no use to anyone, and the citizen asks for a new one). Flush only;
    ``(codes cleared, of which messages given up unsent)``."""
    moment = now or clock.now()
    expired = and_(
        Notification.sealed_secret.is_not(None), Notification.secret_expires_at <= moment
    )
    given_up = db.session.execute(
        update(Notification)
        .where(expired, Notification.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.FAILED, last_error=EXPIRED_UNSENT)
        .execution_options(synchronize_session=False)
    )
    cleared = db.session.execute(
        update(Notification)
        .where(expired)
        .values(sealed_secret=null())
        .execution_options(synchronize_session=False)
    )
    return cleared.rowcount, given_up.rowcount


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(Notification.status == OutboxStatus.PENDING, Notification.next_attempt_at <= now)


def send_pending(limit: int = 100, now: datetime | None = None) -> SendReport:
    """Send up to ``limit`` due messages, oldest first; commits after each one.

    Owns the session (run it from the CLI or a worker, not inside a request's transaction).
    ``now`` is the moment that decides what is due and when retries are scheduled.

    What each attempt comes to (app/notifications/outcomes.py): accepted → SENT with the
    gateway's id; rejected → REJECTED at once; failed → retried with backoff, FAILED after
    NOTIFY_MAX_ATTEMPTS; the gateway refuses our account → the message and every other due one
    of its channel are held (attempt not counted) for NOTIFY_HELD_RETRY_MINUTES, the channel's
    state is recorded, and its other messages are not tried in this run.
    """
    moment = now or clock.now()
    config = current_app.config
    max_attempts = int(config.get("NOTIFY_MAX_ATTEMPTS") or 5)
    held_retry = timedelta(minutes=float(config.get("NOTIFY_HELD_RETRY_MINUTES") or 5))
    report = SendReport()
    report.expired = forget_expired_secrets(moment)[1]
    due = db.session.execute(
        select(Notification.id, Notification.channel)
        .where(_due(moment))
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
    ).all()
    db.session.commit()
    refused: set[str] = set()  # channels whose gateway refused us in this run
    for notification_id, channel in due:
        if channel in refused:
            continue
        # Lock the row while it is sent; a row another worker holds or has sent is skipped.
        row = db.session.scalar(
            select(Notification)
            .where(Notification.id == notification_id, _due(moment))
            .with_for_update(skip_locked=True)
        )
        if row is None:
            db.session.rollback()
            continue
        outcome = _attempt(row, moment, max_attempts, held_retry)
        report.count(outcome, row.status)
        if outcome is Outcome.REFUSED:
            refused.add(channel)
            report.held += 1 + _hold_channel(channel, row.held_reason, moment + held_retry)
        db.session.commit()
    return report


def _attempt(
    row: Notification, moment: datetime, max_attempts: int, held_retry: timedelta
) -> Outcome:
    """Send ``row`` once and apply the outcome to it (flushed by the caller's commit)."""
    adapter = adapter_name(row.channel)
    receipt: Receipt | None = None
    error: Exception | None = None
    try:
        receipt = channel_for(row.channel).send(_outgoing(row))
    except Exception as exc:  # a gateway error, or a bug in an adapter: retried either way
        if not isinstance(exc, SendFailed):
            log.exception("notification %s: adapter error", row.id)
        error = exc
    outcome = _outcome_of(error)
    decision = after_send(
        outcome, attempts=row.attempts, max_attempts=max_attempts, now=moment,
        held_retry=held_retry,
    )  # fmt: skip
    row.status, row.attempts = decision.status, decision.attempts
    if decision.next_attempt_at is not None:
        row.next_attempt_at = decision.next_attempt_at
    if not decision.keeps_secret:
        row.sealed_secret = None
    if isinstance(error, GatewayRefused):
        row.held_reason = _reason(error)
        health.record_refused(
            row.channel, adapter, code=error.code, reason=error.reason, now=moment
        )
        return outcome
    row.held_reason = ""
    if error is not None:
        row.last_error = f"{type(error).__name__}: {error}"[:_ERROR_MAX]
        if decision.status == OutboxStatus.FAILED:
            log.warning("notification %s failed for good after %d attempts", row.id, row.attempts)
        return outcome
    row.sent_at = clock.now()
    row.last_error = ""
    row.gateway_id = (receipt.gateway_id or None) if receipt else None
    health.record_ok(row.channel, adapter, now=moment)
    return outcome


def _outcome_of(error: Exception | None) -> Outcome:
    if error is None:
        return Outcome.ACCEPTED
    if isinstance(error, GatewayRefused):
        return Outcome.REFUSED
    if isinstance(error, SendRejected):
        return Outcome.REJECTED
    return Outcome.FAILED


def _reason(error: SendFailed) -> str:
    return (f"[{error.code}] {error.reason}" if error.code else error.reason)[:_ERROR_MAX]


def _hold_channel(channel: str, reason: str, until: datetime) -> int:
    """Hold every message of ``channel`` due before ``until`` (the gateway would refuse them
    all) until then; rows another sender holds are left to it. Flush only; how many held."""
    waiting = (
        select(Notification.id)
        .where(
            Notification.channel == channel,
            Notification.status == OutboxStatus.PENDING,
            Notification.next_attempt_at < until,
        )
        .with_for_update(skip_locked=True)
    )
    held = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(waiting))
        .values(held_reason=reason, next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return held.rowcount
