"""The count of wrong passwords in a row per phone number (app/accounts/backoff.py says how long
each makes the phone wait). Flush only.

Every try is counted *before* its password is checked, by one guarded UPDATE that also sets the
wait the try will cost if it is wrong: of many tries at once, only those that find the phone not
waiting get their password checked, and PostgreSQL's row lock lines them up, so 50 wrong
passwords sent together are checked :data:`free` times at most before the phone waits. A right
password then forgets the count. A phone without an account is counted the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, case, delete, literal, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.accounts import backoff
from app.accounts.models import LoginThrottle
from app.core import clock
from app.extensions import db

_table = LoginThrottle.__table__


def _ensure_row(phone: str, now: datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(_table)
        .values(phone=phone, failures=0, last_attempt_at=now, wait_until=None)
        .on_conflict_do_nothing(index_elements=[_table.c.phone])
    )


def count_try(phone: str, *, free: int, cap: int, forget: timedelta) -> int | None:
    """Count a try for ``phone`` and return how many in a row it makes (forgetting tries older
    than ``forget``), or None if the phone must still wait: then nothing is counted and the
    password must not be checked."""
    now = clock.now()
    _ensure_row(phone, now)
    failures = case((_table.c.last_attempt_at < now - forget, 1), else_=_table.c.failures + 1)
    steps, capped = backoff.schedule(now, free, cap)
    wait_until = case(
        (failures < free, null()),
        *[(failures == count, literal(until, DateTime())) for count, until in steps],
        else_=literal(capped, DateTime()),
    )
    counted = db.session.execute(
        update(_table)
        .where(
            _table.c.phone == phone,
            or_(_table.c.wait_until.is_(None), _table.c.wait_until <= now),
        )
        .values(failures=failures, last_attempt_at=now, wait_until=wait_until)
        .returning(_table.c.failures)
    ).scalar_one_or_none()
    return counted


def waiting_until(phone: str) -> datetime | None:
    """Until when ``phone`` waits before its next try (None: it does not)."""
    until = db.session.scalar(select(_table.c.wait_until).where(_table.c.phone == phone))
    return until if until is not None and until > clock.now() else None


def forget(phone: str) -> None:
    """The right password (or a new one, set with a code): the count starts again."""
    db.session.execute(delete(_table).where(_table.c.phone == phone))


def purge(older_than: timedelta) -> int:
    """Counts no one has added to for ``older_than``: gone (``flask accounts purge``)."""
    gone = db.session.execute(
        delete(_table).where(_table.c.last_attempt_at < clock.now() - older_than)
    )
    return gone.rowcount
