"""`make load`: a province's Monday morning on this machine, from nothing to a report.

1. A PostgreSQL server of its own (``bench/pg_instance.py``: initdb in a temporary directory, a
   free port from 55432); migrated (``flask db upgrade``), seeded (``flask seed``) and given the
   virtual users' accounts and the post office's collected items (``bench/load_seed.py``).
2. gunicorn (``gunicorn.conf.py`` when the repository has one, else two sync workers) and the
   messages worker (``flask notifications worker``), as in production behind nginx
   (``TRUSTED_PROXIES=1``: each virtual user has its own address).
3. locust, headless (``bench/locustfile.py``): visitors, citizens applying, officers, post-office
   staff.
4. With ``LOAD_CHAOS=1``, midway: one gunicorn worker SIGKILLed (the master starts another), then
   PostgreSQL restarted (``pg_ctl restart -m fast``).
5. The database checked: no half dossier, no duplicate, nothing a citizen was told was
   submitted missing, every retried step's outcome; then per request type p50 / p95 / errors
   and completed submissions per second.

Environment: LOAD_USERS (40), LOAD_SPAWN_RATE (4), LOAD_DURATION (10m), LOAD_THINK ("0.2-1.0"
seconds between two steps of a person), LOAD_CHAOS (0), LOAD_PROFILE (0: 1 records the workers
with py-spy for 30 s midway), LOAD_REDIS_URL (redis://127.0.0.1:6379/7; "" counts rate limits
in each worker's memory), LOAD_KEEP (0: 1 keeps the temporary directory), LOAD_REPORT (a file
to write the report to, markdown).
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_check import check_database  # noqa: E402
from bench.load_profile import summarise_profile  # noqa: E402
from bench.pg_instance import Postgres, free_port  # noqa: E402

BIN = Path(sys.executable).parent
USERS = int(os.environ.get("LOAD_USERS", "40"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "4"))
DURATION = os.environ.get("LOAD_DURATION", "10m")
CHAOS = os.environ.get("LOAD_CHAOS", "0") == "1"
PROFILE = os.environ.get("LOAD_PROFILE", "0") == "1"
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/7")
KEEP = os.environ.get("LOAD_KEEP", "0") == "1"
PG_SETTINGS = {
    "max_connections": "200",
    "shared_buffers": "'256MB'",
    "log_min_messages": "warning",
}


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of process ``root`` and its descendants, with what the children
    that already ended had used (a worker killed, a PostgreSQL backend that closed)."""
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / TICKS  # utime stime cutime cstime
        stack += [int(child) for child in children]
    return total


def seconds(duration: str) -> int:
    """locust's duration syntax: 90, 90s, 10m, 1h30m."""
    if duration.isdigit():
        return int(duration)
    units = {"h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([hms])", duration))


class Run:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.pg = Postgres(base, free_port(55432))
        self.http_port = free_port(58000)
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.chaos: list[str] = []
        self.started = 0.0
        self.env = {
            **os.environ,
            "FLASK_APP": "wsgi",
            "DATABASE_URL": self.pg.url,
            "INSTANCE_DIR": str(base / "instance"),
            "SECRET_KEY": secrets.token_hex(32),
            "TRUSTED_PROXIES": "1",
            "REDIS_URL": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": f"motcua-load-{os.getpid()}",
            "LOAD_FIXTURES": str(base / "fixtures.json"),
            "LOAD_JOURNAL": str(base / "journal.json"),
        }

    def flask(self, *args: str) -> None:
        subprocess.run([str(BIN / "flask"), *args], env=self.env, cwd=ROOT, check=True)

    def prepare(self) -> None:
        started = time.perf_counter()
        self.pg.init(PG_SETTINGS)
        self.pg.start()
        self.pg.create_database()
        self.flask("db", "upgrade")
        self.flask("seed")
        accounts = str(max(USERS, 50))
        subprocess.run(
            [sys.executable, str(ROOT / "bench/load_seed.py"), self.env["LOAD_FIXTURES"], accounts],
            env=self.env,
            cwd=ROOT,
            check=True,
        )
        print(f"database ready in {time.perf_counter() - started:.0f} s ({self.pg.url})")

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.base / f"{name}.log").open("wb")
        process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=log)
        self.processes.append(process)
        return process

    def serve(self) -> None:
        command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.http_port}"]
        if (ROOT / "gunicorn.conf.py").exists():
            command += ["--config", str(ROOT / "gunicorn.conf.py")]
            how = "gunicorn.conf.py"
        else:
            command += ["--workers", "2"]
            how = "2 sync workers (no gunicorn.conf.py)"
        self.gunicorn = self.spawn("gunicorn", [*command, "wsgi:app"])
        self.spawn("worker", [str(BIN / "flask"), "notifications", "worker"])
        for _ in range(120):
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        print(f"gunicorn on {self.url}: {how}; workers {self.workers()}")
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz: see gunicorn.log")

    def workers(self) -> list[int]:
        """The gunicorn master's children (its workers)."""
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def note(self, what: str) -> None:
        line = f"t+{time.monotonic() - self.started:5.1f} s: {what}"
        self.chaos.append(line)
        print(line, flush=True)

    def chaos_monkey(self, midway: float) -> None:
        time.sleep(midway)
        victims = self.workers()
        if victims:
            os.kill(victims[0], signal.SIGKILL)
            self.note(f"SIGKILL gunicorn worker {victims[0]} (workers were {victims})")
        time.sleep(10)
        began = time.perf_counter()
        self.pg.restart()
        self.note(f"PostgreSQL restarted (-m fast) in {time.perf_counter() - began:.1f} s")
        time.sleep(10)
        self.note(f"gunicorn workers now {self.workers()}")

    def profile(self, midway: float) -> None:
        time.sleep(midway)
        out = self.base / "profile.txt"
        command = [
            str(BIN / "py-spy"), "record", "--pid", str(self.gunicorn.pid), "--subprocesses",
            "--duration", "30", "--rate", "50", "--format", "raw", "--output", str(out),
            "--nonblocking",
        ]  # fmt: skip
        subprocess.run(command, capture_output=True, check=False)
        self.profile_text = summarise_profile(out) if out.exists() else "py-spy recorded nothing"

    def load(self) -> None:
        duration = seconds(DURATION)
        command = [
            str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
            "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE), "--run-time", DURATION,
            "--host", self.url, "--csv", str(self.base / "stats"), "--only-summary",
            "--stop-timeout", "30", "--loglevel", "WARNING",
        ]  # fmt: skip
        chaos = "on" if CHAOS else "off"
        print(f"locust: {USERS} users, {SPAWN_RATE}/s, {DURATION}, chaos {chaos}")
        self.started = time.monotonic()
        before = self.cpu()
        locust = self.spawn("locust", command)
        helpers = []
        if CHAOS:
            helpers.append(threading.Thread(target=self.chaos_monkey, args=(duration / 2,)))
        if PROFILE:
            helpers.append(threading.Thread(target=self.profile, args=(duration / 2 - 15,)))
        for helper in helpers:
            helper.daemon = True
            helper.start()
        _, status, usage = os.wait4(locust.pid, 0)  # what locust used, read as it is reaped
        locust.returncode = os.waitstatus_to_exitcode(status)
        after = self.cpu()
        # PostgreSQL restarted midway (LOAD_CHAOS) counts from its restart only.
        self.cpu_used = {k: after[k] - (before[k] if after[k] >= before[k] else 0) for k in after}
        self.cpu_used["locust (the load generator)"] = usage.ru_utime + usage.ru_stime
        for helper in helpers:
            helper.join(timeout=60)
        self.elapsed = time.monotonic() - self.started

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by the app's processes and by PostgreSQL."""
        postmaster = int((self.pg.data / "postmaster.pid").read_text().split()[0])
        return {
            "gunicorn (master and workers)": cpu_seconds(self.gunicorn.pid),
            "messages worker": cpu_seconds(self.processes[1].pid),
            "PostgreSQL": cpu_seconds(postmaster),
        }

    def stop_app(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def stop_database(self) -> None:
        try:
            self.pg.stop()
        except subprocess.CalledProcessError as error:
            print(f"PostgreSQL did not stop cleanly: {error.stderr}")


def read_stats(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stats:
        return list(csv.DictReader(stats))


def report(run: Run, stats: list[dict[str, str]], check: dict[str, Any]) -> str:
    duration = seconds(DURATION)
    rows = [r for r in stats if r["Name"] != "Aggregated"]
    journeys = next((r for r in rows if r["Type"] == "JOURNEY"), None)
    done = int(journeys["Request Count"]) - int(journeys["Failure Count"]) if journeys else 0
    total = next(r for r in stats if r["Name"] == "Aggregated")
    lines = [
        f"### Load run: {USERS} users, spawn {SPAWN_RATE}/s, {DURATION}, "
        f"think {os.environ.get('LOAD_THINK', '0.2-1.0')} s, chaos {'on' if CHAOS else 'off'}",
        "",
        f"- **completed submissions** (submit accepted and receipt PDF fetched): {done} in "
        f"{duration} s = **{done / duration:.2f} /s**",
        f"- all requests: {total['Request Count']} ({float(total['Requests/s']):.1f} /s), "
        f"{total['Failure Count']} failed; p50 {total['50%']} ms, p95 {total['95%']} ms",
        "",
        "| type | request | count | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: (r["Type"] == "JOURNEY", r["Type"], r["Name"])):
        lines.append(
            f"| {r['Type']} | {r['Name']} | {r['Request Count']} | {r['Failure Count']} | "
            f"{r['50%']} | {r['95%']} | {r['99%']} | {float(r['Max Response Time']):.0f} |"
        )
    used = getattr(run, "cpu_used", {})
    if used:
        server = sum(v for k, v in used.items() if not k.startswith("locust"))
        lines += [
            "",
            f"CPU used during the run ({duration} s on 2 CPUs shared with other work): "
            + ", ".join(f"{k} {v:.1f} s" for k, v in used.items())
            + f". Server side (app, messages worker, database): {server:.0f} CPU-s = "
            f"**{server / max(done, 1):.2f} CPU-s per completed submission** with the rest of "
            f"the mix around it, or {int(total['Request Count']) / max(server, 1):.1f} requests "
            "per CPU-second.",
        ]
    if run.chaos:
        lines += ["", "Chaos:", *[f"- {line}" for line in run.chaos]]
    lines += ["", "Consistency after the run:", *[f"- {line}" for line in check["lines"]]]
    if getattr(run, "profile_text", ""):
        lines += ["", "Profile of the gunicorn workers (py-spy, 30 s midway):", run.profile_text]
    return "\n".join(lines)


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="motcua-load-"))
    run = Run(base)
    try:
        run.prepare()
        run.serve()
        run.load()
        run.stop_app()
        journal = json.loads((base / "journal.json").read_text(encoding="utf-8"))
        check = check_database(run.pg.url, journal, base / "instance" / "uploads")
        text = report(run, read_stats(base / "stats_stats.csv"), check)
        print("\n" + text)
        if os.environ.get("LOAD_REPORT"):
            Path(os.environ["LOAD_REPORT"]).write_text(text + "\n", encoding="utf-8")
    finally:
        run.stop_app()
        run.stop_database()
        if KEEP:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
