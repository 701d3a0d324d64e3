"""`make bench-queue`: back-office queue pages on a million dossiers, PostgreSQL only.

Creates a throw-away database on the server of ``BENCH_PG_URL`` (default: the local server,
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``), migrates it, loads the units and
catalogue, inserts ``BENCH_ROWS`` dossiers (default 1,000,000), ANALYZEs, then prints the
median time of 20 runs for each query, ours beside the baseline of the same run:

* a queue's first page and the register's first page;
* the register page 100 pages deep reached by keyset (what the app does), against the same
  page reached with OFFSET (the usual way);
* a search by phone number.

Prints numbers; never fails. Drops the database at the end.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.catalogue.models import Procedure, Unit  # noqa: E402
from app.cli import seed  # noqa: E402
from app.dossiers.calendar import working_calendar  # noqa: E402
from app.dossiers.models import Dossier  # noqa: E402
from app.dossiers.queries import worklist  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.crowd import insert_crowd  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
UNITS = 130
RUNS = 20
DEPTH = 100  # pages of the register (50 rows each)


def median_ms(function: Any) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    server = make_url(
        os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    )
    name = f"motcua_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server: say so, never fail
        print(f"queue bench skipped: PostgreSQL not reachable at {server} ({error})")
        return
    try:
        run(server.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DEMO_MODE": False, "TESTING": True})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed(with_demo_accounts=False)
        owner = User(phone="0988000001", full_name="Bench", role="citizen")
        db.session.add(owner)
        db.session.commit()
        procedure = db.session.scalars(select(Procedure)).first()
        started = time.perf_counter()
        insert_crowd(db.session, owner.id, procedure.id, ROWS, UNITS)
        db.session.commit()
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE dossiers"))
            connection.commit()
        print(
            f"{ROWS:,} dossiers over {UNITS} units inserted and analysed in "
            f"{time.perf_counter() - started:.0f} s"
        )

        unit = db.session.scalar(select(Unit).order_by(Unit.id).offset(7).limit(1))
        units = frozenset({unit.id})
        calendar = working_calendar()
        today = date(2026, 11, 23)
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


if __name__ == "__main__":
    main()
