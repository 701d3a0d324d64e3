"""`make bench-reads`: requests per second of the public read pages beside a hello-world floor.

Creates a throw-away database on the server of ``BENCH_PG_URL`` (default: the local server),
migrates and seeds it with ``flask db upgrade`` and ``flask seed`` (demo mode, so there are
submitted dossiers to look up), then starts gunicorns with the same settings (2 sync workers):
the app (``wsgi:app``) and bench/hello_app.py, the smallest Flask app. One load generator
drives them all (wrk when installed, ``apt-get install wrk``; else, or with
``BENCH_GENERATOR=python``, a threaded Python client) on the same 2 CPUs: the generator changes
every ratio, so compare only numbers made with the same one.

Prints, for hello-world, the app's home page (no SQL: the app's own floor), ``/healthz``, the
look-up of a dossier, the catalogue search and a procedure's page: requests/s and their ratio
to hello-world, and the CPU milliseconds per request spent by the server's workers and its
PostgreSQL backends (read from /proc; the rate moves with whatever else the machine runs, the
CPU per request much less). ``BENCH_ROUNDS`` rounds (default 3) of ``BENCH_SECONDS`` seconds
(default 5) per page, pages and servers interleaved so drift hits all alike; the median round
is shown. ``BENCH_BASELINE_DIR`` serves another checkout (e.g. an export of main) beside ours
in the same run, for before/after numbers; ``BENCH_APP_DIR`` replaces ours. Rate limits are
lifted for the run (the look-up's limit would otherwise answer 429); they are counted in
memory, as without REDIS_URL. ``BENCH_THREADS`` (default 1) threads per worker for every
server: more than 1 makes them gthread workers, as gunicorn.conf.py does in production. Prints
numbers; never fails. Drops the database at the end.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway_db import run_in_throwaway_database  # noqa: E402

APP_DIR = Path(os.environ.get("BENCH_APP_DIR", ROOT)).resolve()
# Another checkout served beside ours in the same run (e.g. main, for before/after).
BASELINE_DIR = os.environ.get("BENCH_BASELINE_DIR", "")
BIN = Path(sys.executable).parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
WORKERS = "2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, path: str) -> None:
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


@contextmanager
def gunicorn(app: str, cwd: Path, env: dict[str, str]) -> Iterator[tuple[int, int]]:
    port = free_port()
    # gunicorn reads gunicorn.conf.py from the app's directory (not hello-world's): its 4 threads
    # turned "-k sync" into gthread for the app only, and it replaces a worker after 5,000
    # requests (the CPU of a replaced worker was no longer counted). Both get the same settings.
    command = [str(BIN / "gunicorn"), "-w", WORKERS, "-k", "sync", "-b", f"127.0.0.1:{port}"]
    command += ["--threads", os.environ.get("BENCH_THREADS", "1"), "--max-requests", "0"]
    process = subprocess.Popen(
        [*command, "--log-level", "warning", app], cwd=cwd, env={**os.environ, **env}
    )
    try:
        wait_for(port, "/")
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str) -> tuple[float, int, int]:
    """Requests/s, the count of answers that were not 2xx/3xx (errors), requests made."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*?(\d+) timeout", out)
    made = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return rate, (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0), made


def warm_up(port: int, path: str, requests: int = 50) -> None:
    """A few requests first, so each worker has imported, compiled its templates and opened
    its database connection before it is measured."""
    for _ in range(requests):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        connection.getresponse().read()
        connection.close()


def python_client(url: str) -> tuple[float, int, int]:
    """The fallback generator: CONNECTIONS threads, one request per connection (as gunicorn's
    sync workers close it anyway)."""
    host, _, rest = url.removeprefix("http://").partition("/")
    port = int(host.split(":")[1])
    counts, errors, stop = [0] * CONNECTIONS, [0] * CONNECTIONS, time.monotonic() + SECONDS

    def loop(i: int) -> None:
        while time.monotonic() < stop:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/" + rest)
            response = connection.getresponse()
            response.read()
            counts[i] += 1
            errors[i] += response.status >= 400
            connection.close()

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / SECONDS, sum(errors), sum(counts)


# "wrk" (when installed) or "python": the generator changes every ratio (the slower it is, the
# less of hello-world's rate it can ask for), so compare numbers made with the same one.
GENERATOR = os.environ.get("BENCH_GENERATOR", "wrk" if shutil.which("wrk") else "python")


def load(url: str) -> tuple[float, int, int]:
    return wrk(url) if GENERATOR == "wrk" else python_client(url)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc; 0 elsewhere)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def workers_of(master: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return children


def backends_of(url: str, name: str) -> list[int]:
    """The PostgreSQL server processes serving the gunicorn whose connections are ``name``."""
    with create_engine(url, poolclass=NullPool).connect() as connection:
        return list(
            connection.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        )


def prepare(url: str) -> dict[str, str]:
    """Migrate and seed with the app's own commands; a dossier code and a procedure code."""
    env = {**os.environ, "DATABASE_URL": url, "DEMO_MODE": "1", "FLASK_APP": "wsgi"}
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=APP_DIR, env=env, check=True)
    with create_engine(url).connect() as connection:
        dossier = connection.scalar(
            text("SELECT code FROM dossiers WHERE status <> 'draft' ORDER BY id LIMIT 1")
        )
        procedure = connection.scalar(
            text("SELECT code FROM procedures WHERE is_active ORDER BY code LIMIT 1")
        )
    return {"dossier": str(dossier), "procedure": str(procedure)}


@dataclass
class Server:
    port: int
    processes: list[int]  # gunicorn's workers, and the PostgreSQL backends serving them


@dataclass
class Result:
    rates: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    errors: int = 0


def measure(servers: dict[str, Server], pages: dict[str, str]) -> dict[tuple[str, str], Result]:
    """Requests/s and CPU per request for each (server, page), ROUNDS times, every server and
    page interleaved. The CPU is what the server's workers and database backends spent, per
    request made: it does not depend on what else the machine is doing, the rate does."""
    results: dict[tuple[str, str], Result] = {}
    for _ in range(ROUNDS):
        for page, path in pages.items():
            for name, server in servers.items():
                if (name == "hello-world") != (page == "hello-world"):
                    continue
                before = cpu_seconds(server.processes)
                rate, bad, made = load(f"http://127.0.0.1:{server.port}{path}")
                used = cpu_seconds(server.processes) - before
                result = results.setdefault((name, page), Result())
                result.rates.append(rate)
                result.cpu_ms.append(used * 1000 / max(made, 1))
                result.errors += bad
    return results


def start(stack: ExitStack, app: str, cwd: Path, env: dict[str, str], pages: dict[str, str]):  # type: ignore[no-untyped-def]
    port, master = stack.enter_context(gunicorn(app, cwd, env))
    for page, path in pages.items():
        if (app == "hello_app:app") == (page == "hello-world"):
            warm_up(port, path)
    url = env.get("DATABASE_URL", "")
    backends = backends_of(url, make_url(url).query["application_name"]) if url else []  # type: ignore[arg-type]
    return Server(port, workers_of(master) + backends)


def run(url: str) -> None:
    codes = prepare(url)
    pages = {
        "hello-world": "/",
        "home (no SQL)": "/",
        "/healthz": "/healthz",
        "look-up": f"/tra-cuu/{codes['dossier']}",
        "catalogue search": "/thu-tuc?q=khai+sinh",
        "procedure page": f"/thu-tuc/{codes['procedure']}",
    }
    hello_dir = Path(__file__).resolve().parent
    load_before = os.getloadavg()[0]  # other work on the machine skews the rates
    apps = {"ours": APP_DIR, **({"baseline": Path(BASELINE_DIR)} if BASELINE_DIR else {})}
    with ExitStack() as stack:
        servers = {"hello-world": start(stack, "hello_app:app", hello_dir, {}, pages)}
        for name, directory in apps.items():
            env = {
                "DATABASE_URL": str(make_url(url).update_query_dict({"application_name": name})),
                "DEMO_MODE": "1",
                "RATELIMIT_LOOKUP": "100000000/minute",
            }
            servers[name] = start(stack, "wsgi:app", directory, env, pages)
        results = measure(servers, pages)
    report(results, pages, list(apps), load_before)


def report(
    results: dict[tuple[str, str], Result], pages: dict[str, str], apps: list[str], load: float
) -> None:
    generator = "wrk" if GENERATOR == "wrk" else "python threads"
    print(
        f"\nReads on gunicorn -w {WORKERS} -k sync, PostgreSQL; {generator}, {CONNECTIONS} "
        f"connections, median of {ROUNDS} × {SECONDS} s, interleaved; ours: {APP_DIR}"
        + (f"; baseline: {BASELINE_DIR}" if BASELINE_DIR else "")
        + f"; load average before/after: {load:.1f} / {os.getloadavg()[0]:.1f}"
    )
    print(
        "req/s: rate under this machine's load; CPU: ms of CPU per request in the server's "
        "workers and database backends (the load generator excluded); × hello: the ratio"
    )
    floor = results["hello-world", "hello-world"]
    floor_rate, floor_cpu = statistics.median(floor.rates), statistics.median(floor.cpu_ms)
    header = f"{'page':<17}"
    for app in apps:
        header += f"{app + ' req/s':>15}{'× hello':>8}{'CPU ms':>8}{'× hello':>8}{'errors':>7}"
    print(header)
    for page in pages:
        row = f"{page:<17}"
        for app in apps:
            result = results.get((app, page)) or results["hello-world", page]
            rate, cpu = statistics.median(result.rates), statistics.median(result.cpu_ms)
            row += f"{rate:>15.0f}{rate / floor_rate:>8.2f}{cpu:>8.2f}"
            row += f"{floor_cpu / cpu if cpu else 0:>8.2f}{result.errors:>7}"
        print(row)


def main() -> None:
    run_in_throwaway_database("reads", run)


if __name__ == "__main__":
    main()
