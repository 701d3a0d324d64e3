"""``flask notifications worker``: sends the outbox's messages within seconds of their queueing.

The outbox table stays the single source of truth: the worker only calls
:func:`~app.notifications.outbox.send_pending` again and again, so everything the outbox
guarantees (a message queued with its action, sent at least once, retried with backoff, one
sender per row) holds whether a message leaves through the worker or through the periodic
``flask notifications send``, which stays as the safety net after an outage.

How it wakes up
  * On PostgreSQL, each new outbox row announces itself: an ``after_insert`` event on the
    :class:`~app.notifications.models.Notification` mapper (:func:`install`) runs
    ``pg_notify('motcua_outbox', '')`` in the action's own transaction, so the notification is
    delivered when, and only if, the action commits (PostgreSQL folds the repeats of one
    transaction into one). The worker LISTENs on a connection of its own and sends at once.
  * Every ``NOTIFY_POLL_SECONDS`` (default 1) it also looks for due rows without being told:
    the retries whose time has come, rows written by anything that bypasses the mapper, a
    notification lost while the listening connection was down, and, on SQLite (which has no
    LISTEN), every message. A poll is one indexed query and two no-op updates.

  Why not an RQ queue on Redis: the message would then live in two places (the row and the
  job), a job enqueued before the commit can run before the row exists (or for an action
  rolled back), a job enqueued after it is lost if the process dies in between, and Redis
  becomes one more service to run for a handful of SMS a minute. LISTEN/NOTIFY is
  transactional with the row itself and needs nothing but the database we already have.

One message at a time
  Each pass calls ``send_pending(limit=1)`` while messages leave, so a stop request (SIGTERM,
  SIGINT, or the ``stop`` event of a thread) waits for the message in hand only, never a batch.
  A pass that sends nothing (the next row failed and is scheduled for later, or another worker
  holds it) ends the burst; the next one starts on the next notification or poll. During a
  gateway outage that spaces the failing attempts by a poll interval rather than a burst.

Two workers
  On PostgreSQL any number may run: ``send_pending`` locks the row it sends (``FOR UPDATE SKIP
  LOCKED``), so a row is never sent by two of them. On SQLite there is no row lock: run one
  sender. The worker takes an exclusive lock on a file beside the database
  (``<database>.worker.lock``), so a second worker on the same SQLite file waits rather than
  sending twice (``flask notifications send`` from cron takes no such lock: do not schedule it
  beside a worker on SQLite).

When the database is unreachable the worker logs it once, waits 1, 2, 5, 10, then 30 seconds
between tries, reconnects, and says when the database is back; it never exits for it. It logs
one line per burst of sending with counts only, never a recipient or a message's text.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TextIO

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper

from app.extensions import db
from app.notifications.models import Notification
from app.notifications.outbox import SendReport, send_pending

log = logging.getLogger("motcua.notifications.worker")

CHANNEL = "motcua_outbox"
BACKOFF_SECONDS: tuple[float, ...] = (1, 2, 5, 10, 30)
# Messages sent in one burst before the worker looks at its stop event and its connection
# again through a full wait (a burst ends sooner as soon as a pass sends nothing).
BURST_MAX = 1000
_STOP_SLICE_SECONDS = 0.5


def install(app: Flask) -> None:
    """Announce every new outbox row on PostgreSQL (once per process; a no-op on SQLite)."""
    if not event.contains(Notification, "after_insert", _announce):
        event.listen(Notification, "after_insert", _announce)


def _announce(mapper: Mapper[Any], connection: Connection, target: Notification) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


@dataclass
class Tally:
    """What the worker did (the counts of :class:`~app.notifications.outbox.SendReport`)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0

    def add(self, report: SendReport | Tally) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + int(getattr(report, name, 0) or 0))

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __str__(self) -> str:
        counts = f"sent {self.sent}, will retry {self.retried}, failed {self.failed}"
        return counts + (f", codes expired unsent {self.expired}" if self.expired else "")


def burst(stop: threading.Event) -> Tally:
    """Send due messages one by one while they leave; stop after the message in hand."""
    tally = Tally()
    for _ in range(BURST_MAX):
        report = send_pending(limit=1)
        tally.add(report)
        if not (report.sent or report.expired) or stop.is_set():
            break
    return tally


class Listener:
    """A connection of its own that LISTENs on :data:`CHANNEL` (PostgreSQL); elsewhere a
    plain sleep that a stop request cuts short."""

    def __init__(self, engine: Engine, stop: threading.Event) -> None:
        self.engine = engine
        self.stop = stop
        self.listens = engine.dialect.name == "postgresql"
        self._connection: Any = None

    def open(self) -> None:
        if not self.listens or self._connection is not None:
            return
        pooled = self.engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # LISTEN belongs to this connection: never hand it back to the pool
        try:
            connection.rollback()  # the pool's ping may have begun a transaction
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
        except Exception:
            pooled.close()
            raise
        self._connection = connection

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for a new row; True if one was announced."""
        if self._connection is None:
            self.stop.wait(seconds)
            return False
        left = seconds
        try:
            while left > 0 and not self.stop.is_set():  # in slices: a stop is heard within one
                piece = min(left, _STOP_SLICE_SECONDS)
                if any(True for _ in self._connection.notifies(timeout=piece, stop_after=1)):
                    for _ in self._connection.notifies(timeout=0.01):
                        pass  # rows queued together: one pass sends them all
                    return True
                left -= piece
        except Exception:  # the connection died: the next pass reconnects
            self.close()
            raise
        return False

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None


class SqliteLock:
    """One sender per SQLite file: ``<file>.worker.lock`` held exclusively for the worker's
    life (nothing to hold on PostgreSQL, which locks rows)."""

    def __init__(self, engine: Engine) -> None:
        database = engine.url.database
        needed = engine.dialect.name == "sqlite" and database and database != ":memory:"
        self.path = Path(f"{database}.worker.lock") if needed else None
        self._handle: TextIO | None = None
        self._told = False

    def hold(self) -> bool:
        """True once this worker holds the lock (or needs none); OSError if the file cannot
        be opened (the database's directory is gone: the caller backs off)."""
        if self.path is None or self._handle is not None:
            return True
        handle = self.path.open("a")  # noqa: SIM115 (held for the worker's life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            if not self._told:
                log.warning("another worker sends for this SQLite database; waiting for it")
                self._told = True
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def run(
    app: Flask,
    stop: threading.Event,
    *,
    once: bool = False,
    poll_seconds: float | None = None,
) -> Tally:
    """Send due messages until ``stop`` is set (or, ``once``, until none is due); the total.

    ``once`` re-raises a database error instead of waiting for the database to come back."""
    total = Tally()
    with app.app_context():
        poll = float(poll_seconds or app.config.get("NOTIFY_POLL_SECONDS") or 1)
        lock = SqliteLock(db.engine)
        listener = Listener(db.engine, stop)
        how = f"LISTEN {CHANNEL} and a poll" if listener.listens else "a poll"
        log.info("outbox worker started: %s every %gs", how, poll)
        failures = 0
        try:
            while not stop.is_set():
                try:
                    if not lock.hold():
                        if once:
                            raise RuntimeError("another worker sends for this SQLite database")
                        stop.wait(poll)
                        continue
                    listener.open()
                    tally = burst(stop)
                except Exception as error:
                    db.session.remove()
                    listener.close()
                    if once:
                        raise
                    failures += 1
                    _unreachable(error, failures)
                    stop.wait(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1])
                    continue
                if failures:
                    log.info("outbox worker: the database answers again")
                    failures = 0
                if tally:
                    log.info("outbox worker: %s", tally)
                    total.add(tally)
                if once:
                    break
                try:
                    listener.wait(poll)
                except Exception:  # noqa: S112 (the next pass reconnects and reports it)
                    continue
        finally:
            listener.close()
            db.session.remove()
            lock.release()
            log.info("outbox worker stopped")
    return total


def _unreachable(error: Exception, failures: int) -> None:
    """Say so once per outage (the first failure), quietly after; a bug gets its traceback."""
    if failures > 1:
        return
    driver = type(error).__module__.startswith(("psycopg", "sqlite3"))
    if driver or isinstance(error, DBAPIError | OSError):
        log.warning(
            "outbox worker: the database is unreachable (%s); trying again, at most every %gs",
            type(error).__name__,
            BACKOFF_SECONDS[-1],
        )
    else:
        log.exception("outbox worker: sending failed; trying again")
