"""Back-office pages read only the rows they show: keyset paging, and PostgreSQL's plans.

* Keyset paging (both backends): following ``next_cursor`` walks a unit's queue and register in
  order, page by page, without a row twice or a row missed, and nothing of another unit.
* Plans (PostgreSQL only): with ~50,000 dossiers over ~130 units, the queue page, the register
  page and the phone search use their indexes (ix_dossiers_queue, ix_dossiers_register,
  ix_dossiers_applicant_phone) and never scan the dossiers table. The SQL explained is the SQL
  ``worklist.queue_page`` / ``register_page`` really sends, captured from the engine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text

from app.accounts.models import User
from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.core.roles import Role
from app.dossiers.calendar import working_calendar
from app.dossiers.models import Dossier
from app.dossiers.queries import worklist
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from bench.crowd import insert_crowd

TODAY = date(2026, 11, 23)
ROWS = 50_000
UNITS = 130

# --- helpers -----------------------------------------------------------------------------------


@contextmanager
def captured_sql() -> Iterator[list[tuple[str, Any]]]:
    """Every (statement, parameters) the engine sends while the block runs."""
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _dossier_rows(
    owner: User, procedure: Procedure, unit_id: int, count: int, start: int = 0, **fields: Any
) -> list[dict[str, Any]]:
    base = datetime(2026, 10, 1, 8, 0)
    rows = []
    for i in range(start, start + count):
        row = {
            "code": f"H40.99-261001-{i:04d}",
            "client_token": f"k{i}",
            "owner_id": owner.id,
            "procedure_id": procedure.id,
            "receiving_unit_id": unit_id,
            "current_unit_id": unit_id,
            "status": DossierStatus.SUBMITTED.value,
            "applicant_name": "Nguyễn Thị Hoa",
            "applicant_name_folded": "nguyen thi hoa",
            "applicant_phone": f"09{i:08d}",
            # Ten dossiers share each due date and each submission minute: ties need the id.
            "due_date": TODAY + timedelta(days=i // 10),
            "submitted_at": base + timedelta(minutes=i // 10),
            "answers": {},
            "steps_saved": [],
            "created_at": base,
            "updated_at": base,
        }
        row.update(fields)
        rows.append(row)
    return rows


def _walk(fetch: Callable[[str], worklist.Page], limit: int) -> list[list[int]]:
    """Follow next_cursor from the first page to the last; the ids of each page."""
    pages: list[list[int]] = []
    cursor = ""
    while True:
        page = fetch(cursor)
        assert len(page.rows) <= limit
        pages.append([row.id for row in page.rows])
        if not page.next_cursor:
            return pages
        cursor = page.next_cursor
        assert len(pages) < 100, "the cursor does not move"


@pytest.fixture
def unit_pair(app) -> tuple[Unit, Unit]:  # type: ignore[no-untyped-def]
    units = db.session.scalars(select(Unit).order_by(Unit.id).limit(2)).all()
    return units[0], units[1]


# --- keyset paging: both backends --------------------------------------------------------------


def test_the_queue_pages_follow_each_other_without_overlap(
    app, make_user, procedure, unit_pair
) -> None:  # type: ignore[no-untyped-def]
    mine, other = unit_pair
    owner = make_user()
    rows = _dossier_rows(owner, procedure, mine.id, 120)
    # Noise: the same queue in another unit, and another queue in this unit.
    rows += _dossier_rows(owner, procedure, other.id, 30, start=1000)
    rows += _dossier_rows(owner, procedure, mine.id, 20, start=2000, status="received")
    db.session.execute(insert(Dossier), rows)
    db.session.commit()

    officer = make_user(role=Role.OFFICER, units=[mine])
    queue = worklist.QUEUE_BY_SLUG["moi"]
    stmt = worklist.queue_statement(
        queue, officer.unit_ids, worklist.Filters(), TODAY, working_calendar()
    )
    pages = _walk(lambda cursor: worklist.queue_page(stmt, cursor), worklist.PAGE_SIZE)

    expected = (
        db.session.execute(
            select(Dossier.id)
            .where(Dossier.current_unit_id == mine.id, Dossier.status == "submitted")
            .order_by(Dossier.due_date, Dossier.id)
        )
        .scalars()
        .all()
    )
    assert len(expected) == 120
    assert [len(p) for p in pages] == [25, 25, 25, 25, 20]
    walked = [i for page in pages for i in page]
    assert walked == expected  # in order, nothing twice, nothing missed, nothing foreign


def test_the_register_pages_follow_each_other_without_overlap(
    app, make_user, procedure, unit_pair
) -> None:  # type: ignore[no-untyped-def]
    mine, other = unit_pair
    owner = make_user()
    statuses = ["submitted", "received", "returned", "refused"]
    rows = _dossier_rows(owner, procedure, mine.id, 120)
    for n, row in enumerate(rows):
        row["status"] = statuses[n % len(statuses)]
        if n % 3 == 0:  # forwarded: still on the register of the unit that received it
            row["current_unit_id"] = other.id
    rows += _dossier_rows(owner, procedure, other.id, 30, start=1000)
    rows += _dossier_rows(owner, procedure, mine.id, 5, start=2000, status="draft", code=None)
    db.session.execute(insert(Dossier), rows)
    db.session.commit()

    stmt = worklist.register_statement(frozenset({mine.id}), worklist.RegisterFilters())
    pages = _walk(lambda cursor: worklist.register_page(stmt, cursor, size=50), 50)

    expected = (
        db.session.execute(
            select(Dossier.id)
            .where(Dossier.receiving_unit_id == mine.id, Dossier.status != "draft")
            .order_by(Dossier.submitted_at.desc(), Dossier.id.desc())
        )
        .scalars()
        .all()
    )
    assert len(expected) == 120
    assert [len(p) for p in pages] == [50, 50, 20]
    assert [i for page in pages for i in page] == expected


def test_a_forged_cursor_gives_the_first_page(app, make_user, procedure, unit_pair) -> None:  # type: ignore[no-untyped-def]
    mine, _ = unit_pair
    db.session.execute(insert(Dossier), _dossier_rows(make_user(), procedure, mine.id, 30))
    db.session.commit()
    stmt = worklist.queue_statement(
        worklist.QUEUE_BY_SLUG["moi"],
        frozenset({mine.id}),
        worklist.Filters(),
        TODAY,
        working_calendar(),
    )
    first = [d.id for d in worklist.queue_page(stmt).rows]
    for cursor in ("x", "_", "2026-13-45_3", "abc_def", "'; DROP TABLE dossiers; --_1"):
        assert [d.id for d in worklist.queue_page(stmt, cursor).rows] == first, cursor


# --- the plans: PostgreSQL only ----------------------------------------------------------------

PHONE = "0988000123"


@pytest.fixture
def crowded(app, backend, make_user, procedure) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """~50,000 dossiers over ~130 units, most of them returned long ago; then ANALYZE."""
    if backend != "postgresql":
        pytest.skip(
            "query plans are PostgreSQL's: set TEST_DATABASE_URL=postgresql+psycopg://… "
            "to check that the back-office pages use their indexes"
        )
    clock.freeze(datetime.combine(TODAY, datetime.min.time()).replace(hour=9))
    owner = make_user()
    insert_crowd(db.session, owner.id, procedure.id, ROWS, UNITS)
    db.session.commit()
    unit = db.session.scalar(select(Unit).order_by(Unit.id).offset(7).limit(1))
    # One dossier of this unit in the queue carries the phone searched for.
    db.session.execute(
        text(
            "UPDATE dossiers SET applicant_phone = :phone WHERE id = ("
            "  SELECT min(id) FROM dossiers WHERE current_unit_id = :unit AND status = 'received')"
        ),
        {"phone": PHONE, "unit": unit.id},
    )
    db.session.commit()
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE dossiers"))
        connection.commit()
    officer = make_user(role=Role.OFFICER, units=[unit])
    counts = dict(
        db.session.execute(
            text(
                "SELECT status, count(*) FROM dossiers WHERE current_unit_id = :u GROUP BY status"
            ),
            {"u": unit.id},
        ).all()
    )
    return {"officer": officer, "unit": unit, "counts": counts}


def _plan_of(run: Callable[[], Any]) -> tuple[dict[str, Any], Any]:
    """Run ``run`` and EXPLAIN the one SELECT … FROM dossiers it sent."""
    with captured_sql() as seen:
        result = run()
    selects = [(sql, params) for sql, params in seen if "FROM dossiers" in sql]
    assert len(selects) == 1, seen
    sql, params = selects[0]
    with db.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql, params).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"], result


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _assert_uses(plan: dict[str, Any], index: str) -> None:
    nodes = list(_nodes(plan))
    shown = json.dumps(plan, indent=1)
    scans = [
        n
        for n in nodes
        if n.get("Index Name") == index
        and n["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Index Scan")
    ]
    assert scans, f"{index} is not used:\n{shown}"
    seq = [
        n for n in nodes if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "dossiers"
    ]
    assert not seq, f"Seq Scan on dossiers:\n{shown}"


def _queue(officer: User, slug: str, q: str = "") -> Any:
    return worklist.queue_statement(
        worklist.QUEUE_BY_SLUG[slug],
        officer.unit_ids,
        worklist.Filters(q=q),
        TODAY,
        working_calendar(),
    )


@pytest.mark.postgres_only
@pytest.mark.parametrize("slug", [q.slug for q in worklist.QUEUES])
def test_every_queue_page_uses_the_queue_index(crowded, slug: str) -> None:  # type: ignore[no-untyped-def]
    officer = crowded["officer"]
    stmt = _queue(officer, slug)
    plan, page = _plan_of(lambda: worklist.queue_page(stmt))
    _assert_uses(plan, "ix_dossiers_queue")
    assert len(page.rows) <= worklist.PAGE_SIZE
    assert all(d.current_unit_id == crowded["unit"].id for d in page.rows)


@pytest.mark.postgres_only
def test_the_next_queue_page_uses_the_queue_index(crowded) -> None:  # type: ignore[no-untyped-def]
    officer = crowded["officer"]
    stmt = _queue(officer, "xu-ly")
    first = worklist.queue_page(stmt)
    assert len(first.rows) == worklist.PAGE_SIZE and first.next_cursor
    plan, second = _plan_of(lambda: worklist.queue_page(stmt, first.next_cursor))
    _assert_uses(plan, "ix_dossiers_queue")
    assert not {d.id for d in first.rows} & {d.id for d in second.rows}
    last, following = first.rows[-1], second.rows[0]
    assert (last.due_date, last.id) < (following.due_date, following.id)


@pytest.mark.postgres_only
def test_the_register_page_uses_the_register_index(crowded) -> None:  # type: ignore[no-untyped-def]
    unit = crowded["unit"]
    stmt = worklist.register_statement(frozenset({unit.id}), worklist.RegisterFilters())
    plan, page = _plan_of(lambda: worklist.register_page(stmt))
    _assert_uses(plan, "ix_dossiers_register")
    assert len(page.rows) == 50 and page.next_cursor
    plan, _ = _plan_of(lambda: worklist.register_page(stmt, page.next_cursor))
    _assert_uses(plan, "ix_dossiers_register")


@pytest.mark.postgres_only
def test_the_phone_search_uses_the_phone_index(crowded) -> None:  # type: ignore[no-untyped-def]
    officer = crowded["officer"]
    stmt = _queue(officer, "xu-ly", q="0988 000 123")
    plan, page = _plan_of(lambda: worklist.queue_page(stmt))
    _assert_uses(plan, "ix_dossiers_applicant_phone")
    assert [d.applicant_phone for d in page.rows] == [PHONE]
    register = worklist.register_statement(
        frozenset({crowded["unit"].id}), worklist.RegisterFilters(q=PHONE)
    )
    plan, page = _plan_of(lambda: worklist.register_page(register))
    _assert_uses(plan, "ix_dossiers_applicant_phone")
    assert [d.applicant_phone for d in page.rows] == [PHONE]


@pytest.mark.postgres_only
def test_the_crowd_looks_like_a_real_year(crowded) -> None:  # type: ignore[no-untyped-def]
    """Guard against a vacuous plan test: many units, mostly closed dossiers, a real queue."""
    total = db.session.scalar(text("SELECT count(*) FROM dossiers"))
    units = db.session.scalar(text("SELECT count(DISTINCT current_unit_id) FROM dossiers"))
    returned = db.session.scalar(text("SELECT count(*) FROM dossiers WHERE status = 'returned'"))
    assert total >= ROWS and units >= 100
    assert returned > total / 2
    counts = crowded["counts"]
    assert counts.get("submitted", 0) > 0
    assert counts.get("received", 0) + counts.get("processing", 0) > worklist.PAGE_SIZE
