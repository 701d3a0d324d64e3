"""What happens to an outbox message after a gateway's answer or a delivery report: pure rules.

A message's life (:class:`OutboxStatus`)::

    pending ──accepted──▶ sent ──report 5──▶ delivered
       │  ▲                 └────report 4──▶ rejected
       │  └─ failed this time (backoff), or held: the gateway refuses our account
       ├──rejected by the gateway (blocked or malformed number)──▶ rejected
       └──failed NOTIFY_MAX_ATTEMPTS times──▶ failed

:func:`after_send` decides from the kind of answer (:class:`Outcome`), :func:`after_report`
from a delivery report's state. No Flask, no database: the outbox applies the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class OutboxStatus(StrEnum):
    PENDING = "pending"  # queued: due at next_attempt_at (held while held_reason is set)
    SENT = "sent"  # accepted by the gateway, not known to have arrived
    DELIVERED = "delivered"  # the delivery report says it arrived
    REJECTED = "rejected"  # the gateway or the carrier will not deliver it: never retried
    FAILED = "failed"  # gave up after the last attempt (or its one-time code expired)


# Statuses a message never leaves by sending (a delivery report may still correct them).
FINAL: frozenset[str] = frozenset(
    {OutboxStatus.DELIVERED, OutboxStatus.REJECTED, OutboxStatus.FAILED}
)


class Outcome(StrEnum):
    """What one attempt came to (app/notifications/channels.py's Receipt and errors)."""

    ACCEPTED = "accepted"  # a Receipt
    FAILED = "failed"  # SendFailed, or an adapter's bug: try again later
    REJECTED = "rejected"  # SendRejected: never for this message
    REFUSED = "refused"  # GatewayRefused: our account, not the message


# Delay before attempt n+1 after n failed attempts; the last value repeats.
BACKOFF_MINUTES: tuple[int, ...] = (1, 5, 30, 120, 720)


def retry_delay(attempts: int) -> timedelta:
    """Wait after ``attempts`` failed attempts (1 → 1 min, 2 → 5, 3 → 30, 4 → 120…)."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


@dataclass(frozen=True)
class Decision:
    status: OutboxStatus
    attempts: int  # the attempts counted, this one included unless the gateway refused us
    next_attempt_at: datetime | None  # when still pending; None: unchanged
    held: bool  # waiting for the administrator to fix the gateway (attempt not counted)

    @property
    def keeps_secret(self) -> bool:
        """A one-time code stays sealed only while the message may still be sent."""
        return self.status == OutboxStatus.PENDING


def after_send(
    outcome: Outcome,
    *,
    attempts: int,
    max_attempts: int,
    now: datetime,
    held_retry: timedelta,
) -> Decision:
    """The message's new state after an attempt; ``attempts`` counts those made before it."""
    if outcome is Outcome.REFUSED:
        return Decision(OutboxStatus.PENDING, attempts, now + held_retry, held=True)
    counted = attempts + 1
    if outcome is Outcome.ACCEPTED:
        return Decision(OutboxStatus.SENT, counted, None, held=False)
    if outcome is Outcome.REJECTED:
        return Decision(OutboxStatus.REJECTED, counted, None, held=False)
    if counted >= max_attempts:
        return Decision(OutboxStatus.FAILED, counted, None, held=False)
    return Decision(OutboxStatus.PENDING, counted, now + retry_delay(counted), held=False)


def after_report(status: str, state: str) -> OutboxStatus | None:
    """The status a delivery report (``state``: delivered, rejected or pending) gives a message
    now in ``status``; ``None`` when the report changes nothing.

    A delivered message stays delivered whatever comes after (the gateway repeats its reports,
    and arrival is the last word). A report for a message still pending here (the sender died
    between the gateway's "accepted" and its own commit) tells that the gateway has it.
    """
    if status == OutboxStatus.DELIVERED:
        return None
    if state == "delivered":
        return OutboxStatus.DELIVERED
    if state == "rejected":
        return None if status == OutboxStatus.REJECTED else OutboxStatus.REJECTED
    if status == OutboxStatus.PENDING:
        return OutboxStatus.SENT
    return None
