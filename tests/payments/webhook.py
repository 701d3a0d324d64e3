"""What the payments tests share beside their fixtures: SePay's body as SePay sends it, its
key, and a check of the webhook's answers against the API contract."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.api import openapi
from app.postal import tokens

T0 = datetime(2026, 12, 7, 9, 30)  # a Monday
API_KEY = "sepay-khoa-thu-nghiem-3f9c2a71d8b64e05"
WEBHOOK = "/api/v1/payments/sepay"
_ids = itertools.count(92_704_000)


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
