"""Concurrent submits on PostgreSQL: codes stay unique, gap-free, and a draft is submitted once.

Every thread talks to the database through its own test client (so its own app context, its own
SQLAlchemy session and its own connection); a ``threading.Barrier`` releases them together.
Fixtures commit real rows, so the other connections see them; the tables are wiped afterwards.
SQLite serialises writers on a file lock, so these races only mean something on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from helpers import PASSWORD
from helpers import complete_draft as filled_draft
from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.dossiers.models import Dossier, DossierEvent, DossierSequence
from app.dossiers.operations.submitting import missing_for_submit
from app.dossiers.statuses import DossierStatus
from app.extensions import db

pytestmark = pytest.mark.postgres_only

COMMUNE = "17329"  # every applicant lives here, so every dossier goes to the same unit
MOMENT = datetime(2026, 11, 23, 9, 30)  # a Monday morning, before the 15:00 cut-off
DAY = MOMENT.date()
BARRIER_TIMEOUT = 30


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip(
            "concurrency tests need PostgreSQL (SQLite serialises writers): "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run them"
        )
    clock.freeze(MOMENT)  # the app fixture unfreezes it


def run_together(count: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run ``work(i, barrier)`` in ``count`` threads; re-raise the first failure here."""
    barrier = threading.Barrier(count, timeout=BARRIER_TIMEOUT)
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(work, i, barrier) for i in range(count)]
        return [future.result(timeout=120) for future in futures]


def logged_in_client(app: Flask, phone: str):  # type: ignore[no-untyped-def]
    """A test client of its own, signed in; used inside the worker thread.

    Threads get plain values (phone, ids), never ORM objects of the test's own session.
    """
    client = app.test_client()
    response = client.post("/dang-nhap", data={"phone": phone, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


def complete_draft(owner: User, procedure: Procedure, token: str) -> Dossier:
    """A draft with every step done (helpers.complete_draft), ready to submit."""
    dossier = filled_draft(owner, procedure, token)
    assert missing_for_submit(dossier) == []
    return dossier


def expected_unit(procedure: Procedure) -> Unit:
    unit = db.session.scalar(select(Unit).filter_by(commune_code=COMMUNE))
    assert unit is not None, f"commune {COMMUNE} has no service centre in the seed data"
    assert procedure.authority_level == "commune"
    return unit


def sequence_value(unit: Unit, day: date) -> int | None:
    return db.session.scalar(select(DossierSequence.last_value).filter_by(unit_id=unit.id, day=day))


def test_parallel_submits_get_distinct_consecutive_codes(app, make_user, procedure):
    count = 12
    citizens = [make_user() for _ in range(count)]
    drafts = [complete_draft(user, procedure, f"draft-{i}") for i, user in enumerate(citizens)]
    targets = [(user.phone, draft.id) for user, draft in zip(citizens, drafts, strict=True)]
    unit = expected_unit(procedure)
    db.session.commit()

    def work(i: int, barrier: threading.Barrier) -> tuple[int, str]:
        phone, dossier_id = targets[i]
        client = logged_in_client(app, phone)
        barrier.wait()
        response = client.post(f"/ho-so/{dossier_id}/nop", data={"declaration": "1"})
        return response.status_code, response.location or ""

    results = run_together(count, work)

    for (status, location), (_, dossier_id) in zip(results, targets, strict=True):
        assert status == 303, results
        assert location.endswith(f"/ho-so/{dossier_id}"), results
    db.session.expire_all()
    dossiers = db.session.scalars(select(Dossier).order_by(Dossier.sequence_number)).all()
    assert len(dossiers) == count
    assert all(d.status == DossierStatus.SUBMITTED for d in dossiers)
    codes = [d.code for d in dossiers]
    assert len(set(codes)) == count, codes
    assert [d.sequence_number for d in dossiers] == list(range(1, count + 1))
    prefix = f"{unit.code}-{DAY:%y%m%d}-"
    assert codes == [f"{prefix}{n:04d}" for n in range(1, count + 1)]
    assert {d.receiving_unit_id for d in dossiers} == {unit.id}
    assert sequence_value(unit, DAY) == count
    events = db.session.scalars(select(DossierEvent).filter_by(action="submitted")).all()
    assert sorted(e.dossier_id for e in events) == sorted(d.id for d in dossiers)


def test_one_draft_submitted_from_many_threads_is_submitted_once(app, citizen, procedure):
    count = 8
    draft = complete_draft(citizen, procedure, "only-one")
    dossier_id, phone = draft.id, citizen.phone
    unit = expected_unit(procedure)
    db.session.commit()

    def work(i: int, barrier: threading.Barrier) -> tuple[int, str]:
        client = logged_in_client(app, phone)
        barrier.wait()
        response = client.post(f"/ho-so/{dossier_id}/nop", data={"declaration": "1"})
        return response.status_code, response.location or ""

    results = run_together(count, work)

    # Every tap lands on the same dossier page; none of them fails.
    assert all(
        status == 303 and location.endswith(f"/ho-so/{dossier_id}") for status, location in results
    ), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 1
    dossier = db.session.get(Dossier, dossier_id)
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.code == f"{unit.code}-{DAY:%y%m%d}-0001"
    assert dossier.sequence_number == 1
    submitted = db.session.scalars(
        select(DossierEvent).filter_by(dossier_id=dossier_id, action="submitted")
    ).all()
    assert len(submitted) == 1
    # The losers never took a number: the next dossier of the day will be 0002, no gap.
    assert sequence_value(unit, DAY) == 1


def test_same_start_application_from_many_threads_creates_one_draft(app, citizen, procedure):
    count = 8
    code, phone, owner_id = procedure.code, citizen.phone, citizen.id
    db.session.commit()

    def work(i: int, barrier: threading.Barrier) -> tuple[int, str]:
        client = logged_in_client(app, phone)
        barrier.wait()
        response = client.post(f"/thu-tuc/{code}/nop-ho-so", data={"client_token": "tap-tap"})
        return response.status_code, response.location or ""

    results = run_together(count, work)

    assert all(status == 303 for status, _ in results), results
    assert len({location for _, location in results}) == 1, results
    db.session.expire_all()
    drafts = db.session.scalars(select(Dossier)).all()
    assert len(drafts) == 1
    assert drafts[0].client_token == "tap-tap"
    assert drafts[0].owner_id == owner_id
    assert results[0][1].endswith(f"/ho-so/{drafts[0].id}/nguoi-nop")
