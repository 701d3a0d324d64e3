"""Payments fixtures: a fee-bearing procedure, its dossier, the officer of its unit."""

from __future__ import annotations

import pytest
from helpers import login, submit_via_services

from app.catalogue.models import Procedure, Unit
from app.core.roles import Role
from app.extensions import db

COMMUNE = "17329"  # where tests/helpers.py's applicants live


@pytest.fixture
def residence(app) -> Procedure:  # type: ignore[no-untyped-def]
    """Permanent residence: 10.000 đ online, 20.000 đ at the counter or by post."""
    return db.session.scalar(db.select(Procedure).where(Procedure.code == "1.004222"))


@pytest.fixture
def commune_unit(app) -> Unit:  # type: ignore[no-untyped-def]
    return db.session.scalar(db.select(Unit).filter_by(commune_code=COMMUNE))


@pytest.fixture
def owed(citizen, residence):  # type: ignore[no-untyped-def]
    """A dossier sent online, owing 10.000 đ."""
    dossier = submit_via_services(citizen, residence)
    assert (dossier.fee_state, dossier.fee_amount) == ("due", 10_000)
    return dossier


@pytest.fixture
def officer(app, make_user, commune_unit):  # type: ignore[no-untyped-def]
    """(client, user): a one-stop officer of the dossier's unit, signed in."""
    user = make_user(role=Role.OFFICER, units=[commune_unit], full_name="Trần Thị Thu Hà")
    client = app.test_client()
    login(client, user)
    return client, user
