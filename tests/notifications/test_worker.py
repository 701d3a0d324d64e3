"""``flask notifications worker``: messages leave within seconds of the action, once each, and
the worker stops cleanly and outlives a database that does not answer.

The worker runs for real: in a thread of the test process (its own app context, session and
connections) or as a ``flask`` subprocess. Waits are bounded functional waits (a row's status
polled for up to ``WAIT_SECONDS``), never timed pass/fail measurements.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from helpers import MAI_PASSWORD, MAI_REGISTRATION
from sqlalchemy import event, select

from app import create_app
from app.extensions import db
from app.notifications import worker
from app.notifications.channels import Outgoing, adapter
from app.notifications.models import Notification, OutboxStatus
from app.notifications.outbox import notify_phone
from app.notifications.worker import Tally, run

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 10.0
PHONE = "0987654321"
PASSWORD = MAI_PASSWORD
REGISTRATION = MAI_REGISTRATION
NOTICE = "UBND xã Anh Sơn: mời ông/bà đến nhận kết quả hồ sơ tại Bộ phận Một cửa."


@adapter("worker-capture")
class WorkerCapture:
    """A gateway that keeps what it is handed, and which thread handed it over."""

    given: list[tuple[str, Outgoing]] = []
    delay = 0.0  # seconds per message, so two workers overlap

    def send(self, message: Outgoing) -> None:
        if WorkerCapture.delay:
            time.sleep(WorkerCapture.delay)
        WorkerCapture.given.append((threading.current_thread().name, message))


@adapter("worker-gate")
class WorkerGate:
    """A gateway that holds the first message until the test lets it go."""

    entered = threading.Event()
    release = threading.Event()
    given: list[Outgoing] = []

    def send(self, message: Outgoing) -> None:
        WorkerGate.entered.set()
        WorkerGate.release.wait(WAIT_SECONDS)
        WorkerGate.given.append(message)


@pytest.fixture(autouse=True)
def fresh_gateways() -> None:
    WorkerCapture.given.clear()
    WorkerCapture.delay = 0.0
    WorkerGate.given.clear()
    WorkerGate.entered.clear()
    WorkerGate.release.clear()


@dataclass
class RunningWorker:
    stop: threading.Event = field(default_factory=threading.Event)
    total: Tally | None = None


@contextmanager
def worker_thread(app: Flask, poll_seconds: float, name: str = "worker") -> Iterator[RunningWorker]:
    running = RunningWorker()

    def target() -> None:
        running.total = run(app, running.stop, poll_seconds=poll_seconds)

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.stop.set()
        thread.join(WAIT_SECONDS)
        assert not thread.is_alive(), "the worker did not stop"


def wait_for(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def statuses() -> list[str]:
    db.session.rollback()  # a fresh transaction sees what the worker committed
    return list(db.session.scalars(select(Notification.status).order_by(Notification.id)))


def all_sent(count: int) -> Callable[[], bool]:
    return lambda: statuses() == [OutboxStatus.SENT] * count


def queue_notices(count: int) -> None:
    for n in range(count):
        notify_phone(f"09123{n:05d}", "result_ready", NOTICE)
    db.session.commit()


def register(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/dang-ky", data=REGISTRATION)
    assert response.status_code == 303 and response.location.endswith("/dang-ky/ma")


# --- within seconds ----------------------------------------------------------------------------


def test_a_code_queued_by_a_request_leaves_without_a_cron(app, client, backend) -> None:
    """On PostgreSQL the poll is 30 s away: only the NOTIFY of the request's commit can wake the
    worker in time. On SQLite (no LISTEN) the short poll does it."""
    app.config["NOTIFY_SMS_ADAPTER"] = "worker-capture"
    poll = 30.0 if backend == "postgresql" else 0.2
    with worker_thread(app, poll):
        queue_notices(1)  # the first pass sends it: the worker is listening afterwards
        assert wait_for(all_sent(1))
        register(client)
        assert wait_for(all_sent(2)), "the code did not leave"
    (code,) = [m for _, m in WorkerCapture.given if m.template == "otp_register"]
    assert code.recipient == PHONE and "••••••" in code.stored and "••••••" not in code.text


def test_the_worker_waits_for_the_next_row_and_sends_it_too(app, backend) -> None:
    app.config["NOTIFY_SMS_ADAPTER"] = "worker-capture"
    with worker_thread(app, 0.2) as running:
        assert wait_for(lambda: statuses() == [])
        queue_notices(3)
        assert wait_for(all_sent(3))
        queue_notices(2)
        assert wait_for(all_sent(5))
    assert running.total is not None and running.total.sent == 5
    assert sorted(m.recipient for _, m in WorkerCapture.given) == sorted(
        ["0912300000", "0912300001", "0912300002", "0912300000", "0912300001"]
    )


# --- once each -----------------------------------------------------------------------------------


def test_two_workers_send_each_message_once(app, backend) -> None:
    """PostgreSQL: both send, row locks keep them apart. SQLite: the second waits for the
    first's lock file and sends nothing."""
    app.config["NOTIFY_SMS_ADAPTER"] = "worker-capture"
    WorkerCapture.delay = 0.005
    queue_notices(50)
    with worker_thread(app, 0.1, "worker-1") as first, worker_thread(app, 0.1, "worker-2") as other:
        assert wait_for(all_sent(50))
    ids = Counter(m.id for _, m in WorkerCapture.given)
    assert len(ids) == 50 and set(ids.values()) == {1}, "a message was sent twice"
    assert first.total is not None and other.total is not None
    assert first.total.sent + other.total.sent == 50
    if backend == "sqlite":
        assert 0 in (first.total.sent, other.total.sent)


def test_the_once_command_sends_what_is_due_and_exits(app, backend) -> None:
    app.config["NOTIFY_SMS_ADAPTER"] = "worker-capture"
    queue_notices(2)
    result = app.test_cli_runner().invoke(args=["notifications", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 2, will retry 0, failed 0" in result.output
    assert statuses() == [OutboxStatus.SENT] * 2


# --- stopping ----------------------------------------------------------------------------------


def test_a_stop_finishes_the_message_in_hand_and_sends_no_other(app, backend) -> None:
    app.config["NOTIFY_SMS_ADAPTER"] = "worker-gate"
    queue_notices(2)
    with worker_thread(app, 0.1) as running:
        assert WorkerGate.entered.wait(WAIT_SECONDS)
        running.stop.set()
        WorkerGate.release.set()
    assert statuses() == [OutboxStatus.SENT, OutboxStatus.PENDING]
    assert [m.recipient for m in WorkerGate.given] == ["0912300000"]


def _worker_process(app: Flask, tmp_path: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "NOTIFY_SMS_ADAPTER": "log",
        "NOTIFY_EMAIL_ADAPTER": "log",
        "APP_ENV": "development",
    }
    command = [sys.executable, "-m", "flask", "notifications", "worker", "--poll-seconds", "0.2"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_the_worker_command_sends_then_stops_on_sigterm(app, client, backend, tmp_path) -> None:
    process = _worker_process(app, tmp_path)
    try:
        register(client)
        sent = wait_for(all_sent(1))
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=WAIT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert sent, log
    assert process.returncode == 0, log
    assert "SMS to 098***321 [otp_register" in log and "••••••" in log
    assert "sent 1, will retry 0, failed 0" in log
    assert log.rstrip().endswith("outbox worker stopped")


# --- a database that does not answer -------------------------------------------------------------


@pytest.fixture
def unreachable_app(tmp_path: Path) -> Flask:
    """The database "file" is a directory: SQLite cannot open it, as a server that is down."""
    (tmp_path / "motcua.sqlite3").mkdir()
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'motcua.sqlite3'}",
            "INSTANCE_DIR": tmp_path / "instance",
            "UPLOAD_DIR": tmp_path / "uploads",
        }
    )


def test_an_unreachable_database_is_reported_once_and_retried(
    unreachable_app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(worker, "BACKOFF_SECONDS", (0.02,))
    tries: list[Any] = []
    with unreachable_app.app_context():
        event.listen(db.engine, "do_connect", lambda *args: tries.append(args))
    caplog.set_level(logging.INFO, "motcua.notifications.worker")
    with worker_thread(unreachable_app, 0.1):
        assert wait_for(lambda: len(tries) >= 5), "the worker gave up"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "the database is unreachable (OperationalError)" in warnings[0]
    assert caplog.records[-1].getMessage() == "outbox worker stopped"


def test_once_on_an_unreachable_database_fails_loudly(unreachable_app: Flask) -> None:
    result = unreachable_app.test_cli_runner().invoke(args=["notifications", "worker", "--once"])
    assert result.exit_code == 1 and "OperationalError" in result.output
