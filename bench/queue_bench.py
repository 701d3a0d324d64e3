"""`make bench-queue`: back-office queue pages and statistics on a million dossiers (or ten),
PostgreSQL only.

Creates a throw-away database on the server of ``BENCH_PG_URL`` (default: the local server,
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``), migrates it, loads the units and
catalogue, inserts ``BENCH_ROWS`` dossiers (default 1,000,000; 10,000,000 works, by slices of a
million) submitted evenly from 1 January 2024 to the bench's "today" (23/11/2026), VACUUM
ANALYZEs, then prints the median time of 20 runs for each query, ours beside the baseline of the
same run:

* a queue's first page and the register's first page;
* the register page 100 pages deep reached by keyset (what the app does), against the same
  page reached with OFFSET (the usual way);
* a search by phone number;
* statistics over a quarter (Q3 2026): counts per unit × intake channel × status for the
  province and for one unit, the on-time rate of results returned per unit, submissions per
  month over 2025; first with the app's indexes, then with two covering indexes created
  in the throw-away database (a candidate for a migration, or for a read replica).

Prints numbers; never fails. Drops the database at the end.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.catalogue.models import Unit  # noqa: E402
from app.dossiers.calendar import working_calendar  # noqa: E402
from app.dossiers.models import Dossier  # noqa: E402
from app.dossiers.queries import worklist  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.crowd import seed_crowd  # noqa: E402
from bench.throwaway_db import run_in_throwaway_database  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
SLICE = 1_000_000  # rows per INSERT
UNITS = 130
RUNS = 20
DEPTH = 100  # pages of the register (50 rows each)
TODAY = date(2026, 11, 23)
SPAN_DAYS = (TODAY - date(2024, 1, 1)).days
QUARTER = (datetime(2026, 7, 1), datetime(2026, 10, 1))
CANDIDATE_INDEXES = [
    "CREATE INDEX bench_stats_submitted ON dossiers (submitted_at) "
    "INCLUDE (receiving_unit_id, intake_channel, status)",
    "CREATE INDEX bench_stats_returned ON dossiers (returned_at) "
    "INCLUDE (receiving_unit_id, on_time)",
]


def median_ms(function: Any, runs: int = RUNS) -> float:
    """The median of ``runs`` timings of ``function()``, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    run_in_throwaway_database("queue", run)


def run(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DEMO_MODE": False, "TESTING": True})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        inserted = seed_crowd(ROWS, UNITS, SPAN_DAYS, SLICE)
        started = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE dossiers"))
            size = connection.scalar(
                text("SELECT pg_size_pretty(pg_total_relation_size('dossiers'))")
            )
        print(
            f"{ROWS:,} dossiers over {UNITS} units inserted in {inserted:.0f} s, vacuumed and "
            f"analysed in {time.perf_counter() - started:.0f} s; table and indexes "
            f"{size}"
        )

        unit = db.session.scalar(select(Unit).order_by(Unit.id).offset(7).limit(1))
        units = frozenset({unit.id})
        calendar = working_calendar()
        today = TODAY
        queue = worklist.QUEUE_BY_SLUG["xu-ly"]
        stmt = worklist.queue_statement(queue, units, worklist.Filters(), today, calendar)

        register = worklist.register_statement(units, worklist.RegisterFilters())

        # The register is where deep pages happen (a unit's whole year): find the cursor of
        # the page DEPTH pages deep once, by walking keyset pages.
        cursor, depth = "", 0
        while depth < DEPTH:
            page = worklist.register_page(register, cursor)
            if not page.next_cursor:
                break
            cursor, depth = page.next_cursor, depth + 1
        open_rows = db.session.scalar(
            select(db.func.count()).select_from(stmt.order_by(None).subquery())
        )
        newest_first = register.order_by(Dossier.submitted_at.desc(), Dossier.id.desc())

        def queue_first() -> None:
            worklist.queue_page(stmt)
            db.session.rollback()

        def register_first() -> None:
            worklist.register_page(register)
            db.session.rollback()

        def deep_keyset() -> None:
            worklist.register_page(register, cursor)
            db.session.rollback()

        def deep_offset() -> None:
            list(db.session.scalars(newest_first.offset(depth * 50).limit(51)))
            db.session.rollback()

        def by_phone() -> None:
            filters = worklist.Filters(q="0988000123")
            worklist.queue_page(worklist.queue_statement(queue, units, filters, today, calendar))
            db.session.rollback()

        register_rows = db.session.scalar(select(db.func.count()).select_from(register.subquery()))
        print(
            f"unit {unit.code}: {open_rows:,} dossiers in processing, "
            f"{register_rows:,} in its register; median of {RUNS} runs, {datetime.now():%F %T}"
        )
        rows = [
            ("queue 'in processing', first page", median_ms(queue_first)),
            ("register, first page", median_ms(register_first)),
            (f"register, page {depth + 1} by keyset (ours)", median_ms(deep_keyset)),
            (f"register, page {depth + 1} by OFFSET (baseline)", median_ms(deep_offset)),
            ("search by phone number", median_ms(by_phone)),
        ]
        for label, ms in rows:
            print(f"  {label:<40} {ms:8.2f} ms")
        statistics_queries(unit)


def statistics_queries(unit: Unit) -> None:
    """A province's report on a quarter: what a statistics page or an export would ask."""
    start, end = QUARTER
    in_quarter = (Dossier.submitted_at >= start, Dossier.submitted_at < end)
    returned = (Dossier.returned_at >= start, Dossier.returned_at < end)
    by_channel = (Dossier.receiving_unit_id, Dossier.intake_channel, Dossier.status)
    on_time = (
        Dossier.receiving_unit_id,
        db.func.count().filter(Dossier.on_time.is_(True)),
        db.func.count(Dossier.on_time),
    )
    month = db.func.date_trunc("month", Dossier.submitted_at)
    queries: list[tuple[str, Callable[[], list[Any]]]] = [
        (
            "province: unit × channel × status",
            lambda: _all(
                select(*by_channel, db.func.count()).where(*in_quarter).group_by(*by_channel)
            ),
        ),
        (
            "one unit: channel × status",
            lambda: _all(
                select(*by_channel, db.func.count())
                .where(*in_quarter, Dossier.receiving_unit_id == unit.id)
                .group_by(*by_channel)
            ),
        ),
        (
            "province: on-time rate per unit",
            lambda: _all(select(*on_time).where(*returned).group_by(Dossier.receiving_unit_id)),
        ),
        (
            "province: submissions per month, 2025",
            lambda: _all(
                select(month, db.func.count())
                .where(Dossier.submitted_at >= datetime(2025, 1, 1))
                .where(Dossier.submitted_at < datetime(2026, 1, 1))
                .group_by(month)
            ),
        ),
    ]
    quarter_rows = db.session.scalar(select(db.func.count()).where(*in_quarter))
    rate = _all(
        select(
            db.func.count().filter(Dossier.on_time.is_(True)), db.func.count(Dossier.on_time)
        ).where(*returned)
    )[0]
    print(
        f"statistics of Q3 2026: {quarter_rows:,} dossiers submitted, {rate[1]:,} returned "
        f"({100 * rate[0] / max(rate[1], 1):.1f} % on time); median of {RUNS} runs"
    )
    timings = {label: median_ms(query) for label, query in queries}
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        started = time.perf_counter()
        for statement in CANDIDATE_INDEXES:
            connection.execute(text(statement))
        connection.execute(text("VACUUM ANALYZE dossiers"))
        built = time.perf_counter() - started
    print(f"  {'':<40} {'app indexes':>12} {'+ covering':>12}   (built in {built:.0f} s)")
    for label, query in queries:
        print(f"  {label:<40} {timings[label]:9.2f} ms {median_ms(query):9.2f} ms")


def _all(statement: Any) -> list[Any]:
    rows = list(db.session.execute(statement).all())
    db.session.rollback()
    return rows


if __name__ == "__main__":
    main()
