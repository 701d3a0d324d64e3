"""How long a phone number waits after wrong passwords in a row.

The first ``free - 1`` wrong passwords cost nothing; from the ``free``-th on, each one makes the
next try wait 1, 2, 4, 8… minutes, never more than ``cap`` minutes: a guesser gets a handful of
tries an hour, and someone who types their password wrong a few times, or whose phone a
stranger is guessing, waits at most ``cap`` minutes before the right password works again.

Pure: no Flask, no database.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def wait_after(failures: int, free: int, cap: int) -> timedelta | None:
    """The wait after ``failures`` wrong passwords in a row, or None when there is none."""
    if failures < free:
        return None
    return timedelta(minutes=min(2 ** min(failures - free, 30), cap))


def schedule(now: datetime, free: int, cap: int) -> tuple[list[tuple[int, datetime]], datetime]:
    """Until when each count of failures from ``free`` on makes the phone wait, if it happens
    ``now``: ``([(free, now + 1 min), (free + 1, now + 2 min), …], now + cap)``, the list ending
    where the cap begins (the cap is the wait for any count beyond the list)."""
    steps = []
    failures = free
    while (wait := wait_after(failures, free, cap)) is not None and wait < timedelta(minutes=cap):
        steps.append((failures, now + wait))
        failures += 1
    return steps, now + timedelta(minutes=cap)
