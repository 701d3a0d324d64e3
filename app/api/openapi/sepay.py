"""The SePay webhook: how a bank-transfer notifier tells us that money arrived (DOMAIN.md §12).

SePay's documented body, as it sends it: we check the fields we use and accept any others it
may add. Authenticated by ``Authorization: Apikey <PAYMENT_SEPAY_API_KEY>``, not by a post
office's token. Pure.
"""

from __future__ import annotations

from typing import Any

from app.api.openapi.common import closed_object, ref

_TEXT = {"type": ["string", "null"], "maxLength": 2000}
_POSITIVE = {"type": "integer", "minimum": 1, "maximum": 2_000_000_000_000}

SEPAY_REQUEST: dict[str, Any] = {
    "type": "object",
    "description": "One transaction of a bank account linked to SePay. Other fields SePay may "
    "add are accepted and kept with the transfer.",
    "properties": {
        "id": {
            **_POSITIVE,
            "description": "SePay's transaction id: a transaction sent again "
            "with the same id is recorded once (SePay retries until it gets a 2xx).",
        },
        "gateway": {"type": ["string", "null"], "maxLength": 60, "description": "The bank."},
        "transactionDate": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$",
            "description": "YYYY-MM-DD HH:MM:SS, Vietnam local time.",
            "x-error-message": "Phải có dạng YYYY-MM-DD HH:MM:SS, ví dụ 2026-12-07 09:30:00.",
        },
        "accountNumber": {
            "type": "string",
            "minLength": 1,
            "maxLength": 30,
            "description": "The account that received (or sent) the money: a unit's "
            "collection account.",
        },
        "subAccount": {"type": ["string", "null"], "maxLength": 60},
        "code": {**_TEXT, "description": "The payment code SePay detected, if configured."},
        "content": {
            **_TEXT,
            "description": "The transfer's content as the bank passed it on: "
            "the payment reference (MC + 8 characters) is looked for anywhere in it.",
        },
        "transferType": {
            "type": "string",
            "enum": ["in", "out"],
            "description": "`out` (money leaving the account) is acknowledged and ignored.",
        },
        "transferAmount": {**_POSITIVE, "description": "Amount in đồng."},
        "accumulated": {"description": "The account's balance after it (not used)."},
        "referenceCode": {
            "type": ["string", "null"],
            "maxLength": 64,
            "description": "The bank's reference of the transaction.",
        },
        "description": {**_TEXT, "description": "The full text of the bank's notice (kept)."},
    },
    "required": ["id", "transactionDate", "accountNumber", "transferType", "transferAmount"],
}

SEPAY_SCHEMAS: dict[str, Any] = {
    "SepayResult": closed_object(
        {"success": {"type": "boolean", "const": True}},
    ),
}

SEPAY_SECURITY_SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "Authorization",
    "description": "`Apikey <PAYMENT_SEPAY_API_KEY>`, as SePay sends it when the webhook's "
    "authentication is “API Key”.",
}


def sepay_path(responses: dict[str, Any]) -> dict[str, Any]:
    """The webhook's operation; ``responses`` are its documented error answers."""
    return {
        "post": {
            "operationId": "receiveSepayTransaction",
            "summary": "SePay webhook: a transaction of a collection account",
            "description": "An incoming transfer is kept once (idempotent by `id`; the same "
            "bank reference already imported from a statement is not counted again), matched "
            "to its dossier by the payment reference in its content and by amount, and booked "
            "when exact (a fee receipt, an SMS to the citizen); anything else waits for an "
            'officer in the reconciliation queue. The answer is always `{"success": true}` '
            "once the transaction is recorded, matched or not, and for `out` transactions, "
            "which are not stored.",
            "security": [{"sepayApiKey": []}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": SEPAY_REQUEST}},
            },
            "responses": {
                "200": {
                    "description": "Recorded (or known from before, or ignored: `out`).",
                    "content": {"application/json": {"schema": ref("SepayResult")}},
                },
                **responses,
            },
        }
    }
