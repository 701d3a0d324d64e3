"""The load test's consistency check (bench/load_check.py) finds what it says it finds.

Dossiers made through the app's own services on PostgreSQL: a whole submission passes; a
dossier the citizen was told was submitted but that is still a draft counts as lost; a missing
required photo and a missing file on disk are each found.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete

from app.dossiers.models import Attachment
from app.extensions import db
from bench.load_check import check_database
from tests.helpers import complete_draft, submit_via_services


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip(
            "the load test's check reads PostgreSQL (the load test runs on it): "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run it"
        )


def _journal(dossier, submitted: bool) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {
        "phone": "0970000001",
        "procedure": dossier.procedure.code,
        "client_token": dossier.client_token,
        "dossier_id": dossier.id,
        "submitted": submitted,
        "receipt": submitted,
        "retries": [],
    }


def _line(result: dict, start: str) -> str:  # type: ignore[type-arg]
    return next(line for line in result["lines"] if line.startswith(start))


@pytest.mark.postgres_only
def test_a_whole_submission_passes_and_a_lost_one_is_found(app: Flask, citizen, procedure) -> None:  # type: ignore[no-untyped-def]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    uploads = Path(app.config["UPLOAD_DIR"])
    whole = submit_via_services(citizen, procedure, "s1")
    draft = complete_draft(citizen, procedure, "s2")

    result = check_database(url, [_journal(whole, True)], uploads)
    assert result["problems"] == 0, result["lines"]
    assert _line(result, "**lost**").endswith(": 0")

    # The citizen's phone showed "submitted" for a dossier the database still holds as a draft.
    result = check_database(url, [_journal(whole, True), _journal(draft, True)], uploads)
    assert result["lost"] == 1
    assert _line(result, "**lost**").endswith(": 1")


@pytest.mark.postgres_only
def test_a_missing_photo_and_a_missing_file_are_found(app: Flask, citizen, procedure) -> None:  # type: ignore[no-untyped-def]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    uploads = Path(app.config["UPLOAD_DIR"])
    first = submit_via_services(citizen, procedure, "s1")
    second = submit_via_services(citizen, procedure, "s2")
    journal = [_journal(first, True), _journal(second, True)]

    (uploads / second.attachments[0].storage_key).unlink()
    result = check_database(url, journal, uploads)
    assert _line(result, "attachments whose file is missing").endswith(": 1")

    db.session.execute(delete(Attachment).where(Attachment.dossier_id == first.id))
    db.session.commit()
    result = check_database(url, journal, uploads)
    assert _line(result, "dossiers past draft missing a required photo").startswith(
        f"dossiers past draft missing a required photo: 1 (e.g. [{first.id}]"
    )
    assert result["problems"] == 2
