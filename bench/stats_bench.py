"""`make bench-stats`: the statistics dashboard's queries on a million dossiers (PostgreSQL).

Seeds a throw-away database as `make bench-queue` does (bench/crowd.py: ``BENCH_ROWS`` dossiers,
default 1,000,000, over 130 units, submitted evenly from 1 January 2024 to 23/11/2026), then
gives them what the crowd lacks and the dashboard reads: the moment each was accepted and
closed, two journal events per dossier (apologies, supplements, refusals, postal steps) and a fee
receipt for one in five. Prints the median of ``BENCH_RUNS`` runs (default 7) of each query of
app/reports/queries.py, for the province and for one unit, over a month, a quarter and a year,
and the whole dashboard (the six-period trend included), counted from the dossiers; then the
same from the summary tables (``flask reports refresh --all`` first, timed), today's numbers
and the still-running dossiers counted live. Prints numbers; never fails.
``BENCH_STATS_URL`` names a database to keep between runs instead (seeded when it has no
dossier yet, reused as it is otherwise).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.catalogue.models import Unit  # noqa: E402
from app.core import clock  # noqa: E402
from app.extensions import db  # noqa: E402
from app.reports import queries, summary  # noqa: E402
from app.reports.periods import MONTH, QUARTER, YEAR, period_for  # noqa: E402
from app.reports.report import build_report  # noqa: E402
from app.reports.scope import Scope, units_in  # noqa: E402
from bench.crowd import seed_crowd  # noqa: E402
from bench.queue_bench import median_ms  # noqa: E402
from bench.throwaway_db import run_in_throwaway_database  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
SLICE = 1_000_000
UNITS = 130
TODAY = date(2026, 11, 23)
SPAN_DAYS = (TODAY - date(2024, 1, 1)).days

# What bench/crowd.py leaves out: accepted and closed moments, journals and fee receipts.
COMPLETE_SQL = [
    """UPDATE dossiers SET
        received_at = CASE WHEN status NOT IN ('submitted', 'refused')
                      THEN submitted_at + interval '2 hours' END,
        closed_at = CASE WHEN status IN ('returned', 'stopped', 'withdrawn', 'refused')
                    THEN coalesce(returned_at, submitted_at + interval '3 days') END,
        working_days_taken = CASE WHEN status IN ('returned', 'stopped') THEN 1 + id % 7 END,
        assist_team_id = NULL""",
    """INSERT INTO dossier_events (dossier_id, at, actor_role, action, note, internal, ip)
       SELECT d.id, d.submitted_at + (k * interval '1 day'), '',
              (ARRAY['extended', 'supplement_requested', 'refused', 'postal_picked_up',
                     'postal_held', 'viewed', 'accepted'])[1 + (d.id * 3 + k) % 7],
              '', false, ''
         FROM dossiers d CROSS JOIN generate_series(1, 2) AS k""",
    """INSERT INTO payments (receipt_number, dossier_id, unit_id, procedure_id, method, channel,
                             amount, payer_name, at, note)
       SELECT 'BL-' || d.id, d.id, d.receiving_unit_id, d.procedure_id,
              (ARRAY['vietqr', 'counter', 'post'])[1 + d.id % 3], '', 50000, '',
              d.submitted_at + interval '1 hour', ''
         FROM dossiers d WHERE d.id % 5 = 0""",
]


def main() -> None:
    kept = os.environ.get("BENCH_STATS_URL")
    if kept:  # a database kept between runs: seeded the first time only
        run(kept)
    else:
        run_in_throwaway_database("stats", run)


def _seed() -> None:
    started = time.perf_counter()
    seed_crowd(ROWS, UNITS, SPAN_DAYS, SLICE)
    for statement in COMPLETE_SQL:
        db.session.execute(text(statement))
        db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("dossiers", "dossier_events", "payments"):
            connection.execute(text(f"VACUUM ANALYZE {table}"))
    events = db.session.scalar(text("SELECT count(*) FROM dossier_events"))
    print(
        f"{ROWS:,} dossiers over {UNITS} units, {events:,} journal events, seeded in "
        f"{time.perf_counter() - started:.0f} s"
    )


def run(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DEMO_MODE": False, "TESTING": True})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if not db.session.scalar(text("SELECT count(*) FROM dossiers")):
            _seed()
        clock.freeze(datetime.combine(TODAY, datetime.min.time()).replace(hour=9))
        _keep()
        unit = db.session.scalar(select(Unit).order_by(Unit.id).offset(7).limit(1))
        province = Scope("Toàn tỉnh", None)
        one = Scope(unit.name, frozenset({unit.id}))
        print(f"median of {RUNS} runs, ms; kept: the summary tables (today and running live)")
        print(f"{'query':<16}{'period':<14}{'province':>10}{'one unit':>10}")
        for kind in (MONTH, QUARTER, YEAR):
            period = period_for(kind, date(2026, 9, 15))
            for name, whole, mine in _timings(period, province, one):
                print(f"{name:<16}{period.label:<14}{whole:>10.1f}{mine:>10.1f}")


def _keep() -> None:
    """Summarise every finished day (the worker's ``flask reports refresh --all``), timed."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE dossiers"))
    started = time.perf_counter()
    days = summary.days_to_refresh(TODAY, everything=True)
    db.session.commit()
    rows = 0
    for month_days in summary.by_month(days).values():
        rows += summary.summarise(sorted(month_days), TODAY)
        db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE report_numbers"))
        connection.execute(text("VACUUM ANALYZE report_days"))
    print(f"summary: {len(days)} days, {rows:,} rows, in {time.perf_counter() - started:.0f} s")


def _timings(period, province: Scope, one: Scope):  # type: ignore[no-untyped-def]
    """(query, ms for the province, ms for one unit) for each query and the whole dashboard."""
    for name, function in (
        ("received", queries.received),
        ("timeliness", lambda p, u: queries.timeliness(p, TODAY, u)),
        ("events", queries.events),
        ("payments", queries.payments),
    ):
        yield (
            name,
            median_ms(lambda f=function: f(period, None), RUNS),
            median_ms(lambda f=function: f(period, one.unit_ids), RUNS),
        )
    yield (
        "dashboard",
        median_ms(
            runs=RUNS,
            function=lambda: build_report(period, TODAY, province, units_in(province), kept=False),
        ),
        median_ms(lambda: build_report(period, TODAY, one, units_in(one), kept=False), RUNS),
    )
    for name, function in (
        ("kept numbers", lambda p, u: summary.all_numbers(p, TODAY, u)),
        ("  of which live", lambda p, u: queries.running(p, TODAY, u)),
    ):
        yield (
            name,
            median_ms(lambda f=function: f(period, None), RUNS),
            median_ms(lambda f=function: f(period, one.unit_ids), RUNS),
        )
    yield (
        "kept dashboard",
        median_ms(
            runs=RUNS, function=lambda: build_report(period, TODAY, province, units_in(province))
        ),
        median_ms(lambda: build_report(period, TODAY, one, units_in(one)), RUNS),
    )


if __name__ == "__main__":
    main()
