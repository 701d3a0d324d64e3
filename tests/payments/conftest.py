"""Payments fixtures: a dossier that owes its fee, its unit's collection account, SePay's body
as SePay sends it, and a check of the webhook's answers against the API contract."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import submit_via_services
from payments.webhook import API_KEY, CONTRACT, T0, WEBHOOK, auth
from sqlalchemy import select

from app.catalogue.models import CollectionAccount, Procedure
from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db


@pytest.fixture
def ready(app):  # type: ignore[no-untyped-def]
    """The app at T0 with SePay's key configured."""
    clock.freeze(T0)
    app.config["PAYMENT_SEPAY_API_KEY"] = API_KEY
    return app


@pytest.fixture
def residence(ready) -> Procedure:  # type: ignore[no-untyped-def]
    """Permanent residence: 10.000 đ online, 20.000 đ at the counter or by post."""
    return db.session.scalar(select(Procedure).filter_by(name="Đăng ký thường trú"))


@pytest.fixture
def make_owing(citizen, residence):  # type: ignore[no-untyped-def]
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
