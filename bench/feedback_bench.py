"""The dashboard's satisfaction and complaint numbers (app/feedback/numbers.py) on PostgreSQL.

``make bench-stats`` (after the dossiers) runs it: seeds a throw-away database with
``BENCH_RATINGS`` ratings (default 300,000: a million dossiers, a third of them rated) and a
tenth as many complaints, over the seeded units and procedures, given evenly from 1 January 2024
to 23/11/2026; prints the median of ``BENCH_RUNS`` runs (default 7) of each count, for the
province and for one unit, over a month, a quarter and a year. Prints numbers; never fails.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.catalogue.models import Unit  # noqa: E402
from app.cli import seed  # noqa: E402
from app.extensions import db  # noqa: E402
from app.feedback.numbers import complaint_counts, rating_counts  # noqa: E402
from app.reports.periods import MONTH, QUARTER, YEAR, period_for  # noqa: E402
from bench.queue_bench import median_ms  # noqa: E402
from bench.throwaway_db import run_in_throwaway_database  # noqa: E402

RATINGS = int(os.environ.get("BENCH_RATINGS", "300000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
TODAY = date(2026, 11, 23)
SPAN_DAYS = (TODAY - date(2024, 1, 1)).days

SEED_SQL = [
    """INSERT INTO ratings (unit_id, procedure_id, intake_channel, returned_via, assisted,
                           at_hall, score, reasons, comment, rated_on)
       SELECT u.ids[1 + g % cardinality(u.ids)], p.ids[1 + (g / 7) % cardinality(p.ids)],
              'online', 'post', g % 5 = 0, false, 1 + (g * 7) % 5, '[]', '',
              date '2024-01-01' + (g % :span)
         FROM generate_series(1, :ratings) AS g,
              (SELECT array_agg(id) AS ids FROM units) AS u,
              (SELECT array_agg(id) AS ids FROM procedures) AS p""",
    """INSERT INTO feedback (code, kind, unit_id, procedure_id, dossier_code, body, sender_name,
                            sender_phone, received_at, due_on, answer, answered_at)
       SELECT 'PA-' || lpad(g::text, 8, '0'), 'complaint', u.ids[1 + g % cardinality(u.ids)],
              CASE WHEN g % 3 = 0 THEN NULL ELSE p.ids[1 + (g / 7) % cardinality(p.ids)] END,
              '', 'Phản ánh', 'Người gửi', '',
              timestamp '2024-01-01 08:00' + (g % :span) * interval '1 day',
              date '2024-01-01' + (g % :span) + 14, '',
              CASE WHEN g % 4 <> 0 THEN timestamp '2024-01-01 09:00'
                   + (g % :span + g % 20) * interval '1 day' END
         FROM generate_series(1, :ratings / 10) AS g,
              (SELECT array_agg(id) AS ids FROM units) AS u,
              (SELECT array_agg(id) AS ids FROM procedures) AS p""",
]


def run(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DEMO_MODE": False, "TESTING": True})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed(with_demo_accounts=False)
        started = time.perf_counter()
        for statement in SEED_SQL:
            db.session.execute(text(statement), {"ratings": RATINGS, "span": SPAN_DAYS})
            db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("ratings", "feedback"):
                connection.execute(text(f"VACUUM ANALYZE {table}"))
        units = db.session.scalar(text("SELECT count(*) FROM units"))
        print(
            f"{RATINGS:,} ratings and {RATINGS // 10:,} complaints over {units} units, seeded "
            f"in {time.perf_counter() - started:.0f} s; median of {RUNS} runs, ms"
        )
        one = frozenset({db.session.scalar(select(Unit.id).order_by(Unit.id).offset(7))})
        print(f"{'count':<12}{'period':<14}{'province':>10}{'one unit':>10}")
        for kind in (MONTH, QUARTER, YEAR):
            period = period_for(kind, date(2026, 9, 15))
            for name, count in (("ratings", rating_counts), ("complaints", complaint_counts)):
                days = (period.first, period.last, TODAY)
                whole = median_ms(lambda c=count, d=days: c(*d), RUNS)
                mine = median_ms(lambda c=count, d=days: c(*d, one), RUNS)
                print(f"{name:<12}{period.label:<14}{whole:>10.1f}{mine:>10.1f}")


if __name__ == "__main__":
    run_in_throwaway_database("feedback", run)
