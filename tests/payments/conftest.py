"""Payments fixtures: a dossier that owes its fee, its unit's collection account, SePay's body
as SePay sends it, and a check of the webhook's answers against the API contract."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from helpers import submit_via_services
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

from app.api import openapi
from app.catalogue.models import CollectionAccount, Procedure
from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db
from app.postal import tokens

T0 = datetime(2026, 12, 7, 9, 30)  # a Monday
API_KEY = "sepay-khoa-thu-nghiem-3f9c2a71d8b64e05"
WEBHOOK = "/api/v1/payments/sepay"
_ids = itertools.count(92_704_000)


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


def sepay_body(content: str, amount: int, account_number: str, **fields: Any) -> dict[str, Any]:
    """One transaction as SePay posts it (its documented fields, a fresh id)."""
    number = next(_ids)
    body = {
        "id": number,
        "gateway": "Vietcombank",
        "transactionDate": "2026-12-07 09:41:05",
        "accountNumber": account_number,
        "subAccount": None,
        "code": None,
        "content": content,
        "transferType": "in",
        "description": f"BankAPINotify {content}",
        "transferAmount": amount,
        "referenceCode": f"FT26341{number}",
        "accumulated": 19_077_000,
    }
    body.update(fields)
    return body


def auth(key: str = API_KEY) -> dict[str, str]:
    return {"Authorization": f"Apikey {key}"}


class Contract:
    """The webhook's answers are what /api/v1/openapi.json documents."""

    base = "urn:motcua:api-v1"

    def __init__(self) -> None:
        self.document = openapi.document(tokens.SCOPES)
        self.registry = Registry().with_resource(
            self.base, Resource.from_contents(self.document, default_specification=DRAFT202012)
        )

    def check(self, status: int, body: Any, mimetype: str = "application/json") -> None:
        operation = self.document["paths"]["/payments/sepay"]["post"]
        assert str(status) in operation["responses"], (status, body)
        assert mimetype == "application/json"
        pointer = f"paths/~1payments~1sepay/post/responses/{status}/content/application~1json"
        Draft202012Validator(
            {"$ref": f"{self.base}#/{pointer}/schema"},
            registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        ).validate(body)


CONTRACT = Contract()


@pytest.fixture
def post_transfer(ready, client) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """POST a body to the webhook (with the key unless told), checked against the contract."""

    def post(body: Any, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        response = client.post(WEBHOOK, json=body, headers=auth() if headers is None else headers)
        CONTRACT.check(response.status_code, response.get_json(), response.mimetype)
        return response

    return post
