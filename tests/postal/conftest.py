"""Postal fixtures: a post office serving the test commune, its staff, and the officer."""

from __future__ import annotations

import pytest
from helpers import make_post_office

from app.catalogue.models import Procedure, Unit
from app.core.roles import Role
from app.extensions import db
from app.postal.models import PostOffice

COMMUNE = "17329"  # where tests/helpers.py's applicants live


@pytest.fixture
def office(app) -> PostOffice:  # type: ignore[no-untyped-def]
    return make_post_office(COMMUNE)


@pytest.fixture
def worker(make_user, office):  # type: ignore[no-untyped-def]
    return make_user(role=Role.POSTAL, post_office_id=office.id, full_name="Lê Thị Lan")


@pytest.fixture
def residence(app) -> Procedure:
    """Permanent residence: 7 working days, fees by channel, papers accepted by post."""
    return db.session.scalar(db.select(Procedure).where(Procedure.code == "1.004222"))


@pytest.fixture
def commune_unit(app) -> Unit:
    return db.session.scalar(db.select(Unit).filter_by(commune_code=COMMUNE))


@pytest.fixture
def officer(make_user, commune_unit):  # type: ignore[no-untyped-def]
    return make_user(role=Role.OFFICER, units=[commune_unit], full_name="Trần Văn Minh")
