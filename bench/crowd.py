"""A year of a province's dossiers, inserted in one statement (PostgreSQL only).

Shared by the plan test (tests/dossiers/test_queue_plan.py, 50,000 rows) and the queue bench
(bench/queue_bench.py, a million rows): dossiers spread over ``units`` units, most of them
closed long ago, one in twenty of each status still open.
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
                working_days_used, result_kind, result_note, returned_via
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
                '{}', 'online', 'online', '', '', '', '[]',
                timestamp '2024-01-01 07:00' + (g * interval '17 minutes'),
                date '2024-01-01' + (g / 50) + (g % 9),
                now(), now(),
                0, '', '', ''
            FROM generate_series(1, :rows) AS g,
                 (SELECT array_agg(id ORDER BY id) AS ids
                    FROM (SELECT id FROM units ORDER BY id LIMIT :units) AS chosen) AS units
            """


def insert_crowd(session: Any, owner_id: int, procedure_id: int, rows: int, units: int) -> None:
    session.execute(
        text(CROWD_SQL),
        {"owner": owner_id, "procedure": procedure_id, "rows": rows, "units": units},
    )
