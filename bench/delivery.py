"""`make bench`, last part: from an action's commit to the SMS gateway's receipt.

A fresh SQLite database (and, when ``BENCH_PG_URL`` is set, a throw-away PostgreSQL database on
that server, dropped at the end), the local eSMS gateway of the tests
(tests/gateways/esms_server.py, a real HTTP server in this process) and ``flask notifications
worker`` as a separate process with ``NOTIFY_SMS_ADAPTER=esms`` pointed at it. ``N`` citizens
register through the app (the real action: it queues a one-time code), one every 0.1-0.4 s
(seeded), as people arrive at a counter. For each, the time from the request's commit (a
SQLAlchemy ``after_commit`` in this process) to the gateway reading the message (its
``arrivals``), both on ``time.monotonic()``, which every process of the machine shares.

The old way is not run (it would take minutes): ``flask notifications send`` from cron once a
minute sends a message at the next whole minute, so its wait is computed from this run's commit
times (wall clock) to the next whole minute (the send itself, a few milliseconds, left out); and
for actions spread evenly over the minute it is uniform on 0-60 s: median 30 s, p95 57 s.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from gateways.esms_server import EsmsGateway  # noqa: E402

N = 20
PASSWORD = "mat-khau-bench-2026"
ESMS = {"ESMS_API_KEY": "esms-test-api-key", "ESMS_SECRET_KEY": "esms-test-secret-key"}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _worker(url: str, gateway: EsmsGateway, workdir: Path) -> tuple[subprocess.Popen[str], list]:
    env = {
        **os.environ,
        **ESMS,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": url,
        "INSTANCE_DIR": str(workdir / "instance"),
        "NOTIFY_SMS_ADAPTER": "esms",
        "ESMS_API_URL": gateway.base_url,
        "ESMS_BRANDNAME": gateway.brandnames[0],
        "ESMS_SANDBOX": "0",
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "ESMS_CALLBACK_SECRET": "bench-callback-secret-0123456789",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "notifications", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip())

    threading.Thread(target=read, daemon=True).start()
    return process, lines


def _wait(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.02)
    return bool(condition())


def measure(url: str, label: str) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.cli import seed
    from app.core import limits

    gateway = EsmsGateway(balance=10 * N).start()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-delivery-") as tmp:
        workdir = Path(tmp)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_DIR": workdir / "instance",
                "UPLOAD_DIR": workdir / "uploads",
                "DEMO_MODE": False,
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
                **{setting: "100000/minute" for setting in limits.SETTINGS},
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            seed(with_demo_accounts=False)
        process, log = _worker(url, gateway, workdir)
        try:
            if not _wait(lambda: any("worker started" in line for line in log), 20):
                print(f"{label}: the worker did not start\n" + "\n".join(log[-5:]))
                return
            run(app, gateway, label)
        finally:
            process.terminate()
            process.wait(timeout=15)
            gateway.stop()


def run(app: Any, gateway: EsmsGateway, label: str) -> None:
    commits: list[tuple[float, float]] = []  # (monotonic, wall clock) of each commit

    def stamp(session: Session) -> None:
        commits.append((time.monotonic(), time.time()))

    event.listen(Session, "after_commit", stamp)
    rng = random.Random(12)
    committed: dict[str, tuple[float, float]] = {}
    try:
        for n in range(N):
            phone = f"0912{n:06d}"
            form = {
                "full_name": "Nguyễn Thị Hoa",
                "phone": phone,
                "date_of_birth": "1990-05-12",
                "sex": "female",
                "id_number": f"040190{n:06d}",
                "email": f"hoa{n}@example.vn",
                "password": PASSWORD,
                "password_again": PASSWORD,
                "consent": "y",
            }
            commits.clear()
            response = app.test_client().post("/dang-ky", data=form)  # a citizen each
            if response.status_code != 303 or not commits:
                print(f"{label}: registration {n} answered HTTP {response.status_code}")
                return
            committed[phone] = commits[-1]
            time.sleep(rng.uniform(0.1, 0.4))
    finally:
        event.remove(Session, "after_commit", stamp)
    arrived = _wait(lambda: len(gateway.arrivals) >= N, 30)
    at = {a.phone[-9:]: a.at for a in gateway.arrivals}
    waits = [at[p[-9:]] - c[0] for p, c in committed.items() if p[-9:] in at]
    if not arrived or len(waits) < N:
        print(f"{label}: only {len(waits)} of {N} messages reached the gateway in 30 s")
    if not waits:
        return
    cron = [60 - (wall % 60) for _, wall in committed.values()]
    for name, samples in ((label, waits), ("  cron once a minute (computed)", cron)):
        median, p95, worst = statistics.median(samples), percentile(samples, 0.95), max(samples)
        print(f"{name:<34} {median * 1000:>9.0f}ms {p95 * 1000:>9.0f}ms {worst * 1000:>9.0f}ms")


def main() -> None:
    print(f"\nAction → gateway receipt: {N} registrations, each queues its code (SMS, eSMS)")
    print(f"{'':<34} {'median':>11} {'p95':>11} {'max':>11}")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-sqlite-") as tmp:
        measure(f"sqlite:///{tmp}/delivery.sqlite3", "worker, SQLite (poll every 1 s)")
    if os.environ.get("BENCH_PG_URL"):
        server = make_url(os.environ["BENCH_PG_URL"])
        name = f"motcua_bench_delivery_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as error:  # no server: say so, never fail
            print(f"PostgreSQL part skipped: {server} not reachable ({error})")
            return
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            measure(url, "worker, PostgreSQL (LISTEN/NOTIFY)")
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(
        "cron once a minute is computed, not run: the wait from this run's commits to the next\n"
        "whole minute (the send itself left out). For actions spread evenly over a minute it is\n"
        "median 30 s, p95 57 s; this run's commits all fall within a few seconds of each other."
    )


if __name__ == "__main__":
    main()
