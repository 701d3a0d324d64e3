"""A year of a province's dossiers, inserted in one statement (PostgreSQL only).

Shared by the plan test (tests/dossiers/test_queue_plan.py, 50,000 rows) and the queue bench
(bench/queue_bench.py, a million rows or more): dossiers spread over ``units`` units, most of
them closed long ago, one in twenty of each status still open. Submissions come every 17
minutes from 1 January 2024, or, with ``span_days``, spread evenly over that many days (the
statistics of the queue bench count a realistic quarter); intake and return channels are mixed
(online 70 %, counter 20 %, home pickup 10 %; results online 60 %, counter 20 %, post 20 %) and
returned dossiers have their return time and whether they were on time (12 in 13 were).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

CROWD_SQL = """
            INSERT INTO dossiers (
                code, client_token, owner_id, submitted_by_id, procedure_id,
                receiving_unit_id, current_unit_id, status,
                applicant_name, applicant_name_folded, applicant_id_number, applicant_phone,
                applicant_email, address_commune_code, address_village, address_street,
                answers, intake_channel, return_channel, return_commune_code, return_village,
                return_street, steps_saved, submitted_at, due_date, created_at, updated_at,
                working_days_used, result_kind, result_note, returned_via, returned_at, on_time
            )
            SELECT
                'H40.99-' || lpad(g::text, 10, '0'),
                'bulk-' || g,
                :owner, :owner, :procedure,
                units.ids[1 + g % cardinality(units.ids)],
                units.ids[1 + g % cardinality(units.ids)],
                CASE (g / cardinality(units.ids)) % 20
                    WHEN 0 THEN 'submitted'
                    WHEN 1 THEN 'received'
                    WHEN 2 THEN 'processing'
                    WHEN 3 THEN 'supplement'
                    WHEN 4 THEN 'result_ready'
                    WHEN 5 THEN 'refused'
                    WHEN 6 THEN 'stopped'
                    WHEN 7 THEN 'withdrawn'
                    ELSE 'returned'
                END,
                'Nguyễn Văn ' || g, 'nguyen van ' || g, lpad(g::text, 12, '0'),
                '09' || lpad(g::text, 8, '0'),
                '', '17329', 'Bản ' || (g % 50), '',
                '{}',
                CASE g % 10 WHEN 0 THEN 'post_pickup' WHEN 1 THEN 'counter' WHEN 2 THEN 'counter'
                    ELSE 'online' END,
                CASE g % 5 WHEN 0 THEN 'post' WHEN 1 THEN 'counter' ELSE 'online' END,
                '', '', '', '[]',
                submitted.at,
                CASE WHEN :span_days > 0 THEN CAST(submitted.at AS date) + 3 + (g % 9)
                    ELSE date '2024-01-01' + (g / 50) + (g % 9) END,
                now(), now(),
                0, '', '', '',
                CASE WHEN (g / cardinality(units.ids)) % 20 >= 8
                    THEN submitted.at + (1 + g % 9) * interval '1 day' END,
                CASE WHEN (g / cardinality(units.ids)) % 20 >= 8 THEN g % 13 <> 0 END
            FROM generate_series(:first, :first + :rows - 1) AS g
            CROSS JOIN LATERAL (
                SELECT timestamp '2024-01-01 07:00' + CASE WHEN :span_days > 0
                    THEN (CAST(g AS float8) * :span_days * 86400.0 / :total) * interval '1 second'
                    ELSE g * interval '17 minutes' END AS at
            ) AS submitted,
                 (SELECT array_agg(id ORDER BY id) AS ids
                    FROM (SELECT id FROM units ORDER BY id LIMIT :units) AS chosen) AS units
            """


def insert_crowd(
    session: Any,
    owner_id: int,
    procedure_id: int,
    rows: int,
    units: int,
    span_days: int = 0,
    first: int = 1,
    total: int = 0,
) -> None:
    """Rows ``first`` … ``first + rows - 1`` of a crowd of ``total`` (default ``rows``): a big
    crowd goes in by slices, each its own statement."""
    session.execute(
        text(CROWD_SQL),
        {
            "owner": owner_id,
            "procedure": procedure_id,
            "rows": rows,
            "units": units,
            "span_days": span_days,
            "first": first,
            "total": total or rows,
        },
    )


def seed_crowd(rows: int, units: int, span_days: int, slice_rows: int = 1_000_000) -> float:
    """The catalogue and units (no demo accounts), one owner, and a crowd of ``rows`` dossiers
    inserted ``slice_rows`` at a time, each slice committed (progress printed past one slice);
    the seconds the dossiers took. For the benches, in an app context."""
    import time

    from sqlalchemy import select

    from app.accounts.models import User
    from app.catalogue.models import Procedure
    from app.cli import seed
    from app.extensions import db

    seed(with_demo_accounts=False)
    owner = User(phone="0988000001", full_name="Bench", role="citizen")
    db.session.add(owner)
    db.session.commit()
    procedure = db.session.scalars(select(Procedure)).first()
    started = time.perf_counter()
    for first in range(1, rows + 1, slice_rows):
        size = min(slice_rows, rows - first + 1)
        insert_crowd(db.session, owner.id, procedure.id, size, units, span_days, first, rows)
        db.session.commit()
        if rows > slice_rows:
            print(f"  {first + size - 1:,} rows in {time.perf_counter() - started:.0f} s")
    return time.perf_counter() - started
