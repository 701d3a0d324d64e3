"""Which gunicorn workers for this machine: sync against gthread, side by side, one run.

Starts gunicorn (with gunicorn.conf.py, its worker settings overridden per row) on a PostgreSQL
database migrated and seeded with the demo data, then sends a mix of public pages from
``--clients`` keep-alive connections for ``--seconds`` per row: the home page, the catalogue,
a procedure page, a catalogue search, a dossier look-up, /healthz and /readyz. Prints requests
per second, p50 / p95 / p99 and errors per row. The load generator runs on the same machine
(it takes CPU from the server: compare rows, not absolute numbers).

    .venv/bin/python bench/workers.py --database postgresql+psycopg://postgres@127.0.0.1/motcua_bench
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROWS = [
    ("sync", 2, 1),
    ("sync", 3, 1),
    ("sync", 5, 1),
    ("gthread", 2, 4),
    ("gthread", 3, 4),
    ("gthread", 2, 8),
]


def prepare(env: dict[str, str]) -> list[str]:
    """Migrate and seed the database; the URLs of the mix."""
    for command in (["db", "upgrade"], ["seed", "--demo"]):
        subprocess.run(
            [BIN / "flask", *command], env=env, cwd=ROOT, check=True, capture_output=True
        )
    script = (
        "from app import create_app\n"
        "from app.extensions import db\n"
        "from sqlalchemy import text\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    code = db.session.scalar(\n"
        '        text("SELECT code FROM dossiers WHERE code IS NOT NULL LIMIT 1"))\n'
        "    slug = db.session.scalar(text('SELECT code FROM procedures LIMIT 1'))\n"
        "    print(code or '', slug)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    code, slug = out[-2], out[-1]
    return [
        "/",
        "/thu-tuc",
        f"/thu-tuc/{slug}",
        "/thu-tuc?q=khai+sinh",
        f"/tra-cuu/{code}",
        "/healthz",
        "/readyz",
    ]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def load(port: int, urls: list[str], clients: int, seconds: float) -> tuple[list[float], int]:
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop:
            url = rng.choice(urls)
            started = time.perf_counter()
            try:
                connection.request("GET", url, headers={"Accept-Encoding": "br, gzip"})
                response = connection.getresponse()
                response.read()
                if response.status >= 500:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            samples.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, errors[0]


def run_row(
    env: dict[str, str], row: tuple[str, int, int], args: argparse.Namespace, urls: list[str]
) -> tuple[float, float, float, float, int]:
    """requests per second, p50, p95, p99 (seconds) and errors of one run of ``row``."""
    kind, workers, threads = row
    command = [
        str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{args.port}",
        "--worker-class", kind, "--workers", str(workers), "--threads", str(threads), "wsgi:app",
    ]  # fmt: skip
    log = open(ROOT / "instance" / "bench-workers.log", "a")  # noqa: SIM115
    server = subprocess.Popen(command, env=env, cwd=ROOT, stderr=log)
    try:
        wait_for(args.port)
        load(args.port, urls, args.clients, 3)  # warm up: connections, caches
        samples, errors = load(args.port, urls, args.clients, args.seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        log.close()
    q = statistics.quantiles(samples, n=100)
    return len(samples) / args.seconds, q[49], q[94], q[98], errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a PostgreSQL URL (its data is replaced)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--rows",
        default=",".join(f"{k}:{w}:{t}" for k, w, t in ROWS),
        help="class:workers:threads, separated by commas",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of every row, interleaved; medians printed"
    )
    args = parser.parse_args()
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "DEMO_MODE": "1",
        "LOG_FORMAT": "json",
        "RATELIMIT_LOOKUP": "1000000/minute",
    }
    urls = prepare(env)
    print(
        f"{os.cpu_count()} CPUs, {args.clients} clients, {args.seconds:.0f} s per run, mix: {urls}"
    )
    runs: dict[tuple[str, int, int], list[tuple[float, float, float, float, int]]] = {}
    rows = [(k, int(w), int(t)) for k, w, t in (r.split(":") for r in args.rows.split(","))]
    for round_ in range(args.rounds):  # interleaved: a neighbour's load hits every row alike
        for row in rows:
            runs.setdefault(row, []).append(result := run_row(env, row, args, urls))
            print(f"  round {round_ + 1} {row}: {result[0]:.1f} req/s", flush=True)
    print(f"medians of {args.rounds} runs")
    print("class    workers threads    req/s  p50 ms  p95 ms  p99 ms errors")
    for (kind, workers, threads), results in runs.items():
        rps, p50, p95, p99 = (statistics.median(r[i] for r in results) for i in range(4))
        errors = sum(r[4] for r in results)
        print(
            f"{kind:8} {workers:>7} {threads:>7} {rps:>8.1f} "
            f"{p50 * 1000:>7.1f} {p95 * 1000:>7.1f} {p99 * 1000:>7.1f} {errors:>6}"
        )


if __name__ == "__main__":
    main()
