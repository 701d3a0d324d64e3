"""Payments fixtures: a fee-bearing procedure, a dossier that owes its fee, the officer of its
unit, the unit's collection account, SePay's body as SePay sends it, and a check of the
webhook's answers against the API contract."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import login, submit_via_services
from payments.webhook import API_KEY, CONTRACT, T0, WEBHOOK, auth
from sqlalchemy import select

from app.catalogue.models import CollectionAccount, Procedure, Unit
from app.core import clock
from app.core.roles import Role
from app.dossiers.models import Dossier
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


@pytest.fixture
def ready(app):  # type: ignore[no-untyped-def]
    """The app at T0 with SePay's key configured."""
    clock.freeze(T0)
    app.config["PAYMENT_SEPAY_API_KEY"] = API_KEY
    return app


@pytest.fixture
def make_owing(ready, citizen, residence):  # type: ignore[no-untyped-def]
    tokens_used = itertools.count(1)

    def make(owner=None) -> Dossier:  # type: ignore[no-untyped-def]
        dossier = submit_via_services(owner or citizen, residence, f"pm{next(tokens_used)}")
        assert (dossier.fee_state, dossier.fee_amount) == ("due", 10_000)
        assert dossier.payment_reference
        return dossier

    return make


@pytest.fixture
def owing(make_owing) -> Dossier:  # type: ignore[no-untyped-def]
    return make_owing()


@pytest.fixture
def account(owing) -> Iterator[CollectionAccount]:  # type: ignore[no-untyped-def]
    """The collection account of the owing dossier's unit (removed after the test)."""
    found = db.session.scalar(select(CollectionAccount).filter_by(unit_id=owing.receiving_unit_id))
    made = found is None
    if made:
        found = CollectionAccount(
            unit_id=owing.receiving_unit_id,
            bank_bin="970436",
            bank_name="Vietcombank",
            account_number="0071000888999",
            account_name="UBND XA MUONG XEN",
        )
        db.session.add(found)
        db.session.commit()
    yield found
    db.session.rollback()
    if made:
        db.session.delete(db.session.get(CollectionAccount, found.id))
        db.session.commit()


@pytest.fixture
def post_transfer(ready, client) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """POST a body to the webhook (with the key unless told), checked against the contract."""

    def post(body: Any, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        response = client.post(WEBHOOK, json=body, headers=auth() if headers is None else headers)
        CONTRACT.check(response.status_code, response.get_json(), response.mimetype)
        return response

    return post
