"""The outbox's decisions, pure: after an attempt, after a delivery report (no app, no database)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.notifications.outcomes import (
    OutboxStatus,
    Outcome,
    after_report,
    after_send,
    retry_delay,
)

NOW = datetime(2026, 12, 7, 9, 30)
HELD = timedelta(minutes=5)


def decide(outcome: Outcome, attempts: int, max_attempts: int = 5):  # type: ignore[no-untyped-def]
    return after_send(
        outcome, attempts=attempts, max_attempts=max_attempts, now=NOW, held_retry=HELD
    )


def test_accepted_is_sent_and_counts_the_attempt() -> None:
    decision = decide(Outcome.ACCEPTED, attempts=2)
    assert (decision.status, decision.attempts, decision.next_attempt_at) == ("sent", 3, None)
    assert not decision.held and not decision.keeps_secret


def test_rejected_is_final_at_the_first_attempt() -> None:
    decision = decide(Outcome.REJECTED, attempts=0)
    assert (decision.status, decision.attempts, decision.held) == ("rejected", 1, False)
    assert not decision.keeps_secret


@pytest.mark.parametrize(
    ("attempts", "status", "wait"),
    [
        (0, "pending", 1),
        (1, "pending", 5),
        (2, "pending", 30),
        (3, "pending", 120),
        (4, "failed", None),
    ],
)
def test_a_failure_backs_off_then_gives_up(attempts: int, status: str, wait: int | None) -> None:
    decision = decide(Outcome.FAILED, attempts=attempts)
    assert decision.status == status and decision.attempts == attempts + 1
    expected = NOW + timedelta(minutes=wait) if wait else None
    assert decision.next_attempt_at == expected
    assert decision.keeps_secret is (status == "pending")


def test_a_refusing_gateway_holds_the_message_without_counting() -> None:
    for attempts in (0, 4):  # even one failure away from giving up
        decision = decide(Outcome.REFUSED, attempts=attempts)
        assert (decision.status, decision.attempts) == ("pending", attempts)
        assert decision.next_attempt_at == NOW + HELD
        assert decision.held and decision.keeps_secret


def test_the_backoff_repeats_its_last_delay() -> None:
    assert [retry_delay(n).total_seconds() // 60 for n in (0, 1, 5, 9)] == [1, 1, 720, 720]


@pytest.mark.parametrize(
    ("status", "state", "becomes"),
    [
        ("sent", "delivered", "delivered"),
        ("sent", "rejected", "rejected"),
        ("sent", "pending", None),
        ("pending", "pending", "sent"),  # the gateway has it: the sender died before its commit
        ("pending", "delivered", "delivered"),
        ("failed", "delivered", "delivered"),  # it arrived after all
        ("failed", "rejected", "rejected"),
        ("rejected", "rejected", None),
        ("rejected", "delivered", "delivered"),
        ("delivered", "delivered", None),  # the gateway repeats its report
        ("delivered", "rejected", None),  # never back from delivered
        ("delivered", "pending", None),
    ],
)
def test_a_delivery_report(status: str, state: str, becomes: str | None) -> None:
    assert after_report(OutboxStatus(status), state) == becomes
