"""The operations: every path, its parameters, its security and its documented answers. Pure."""

from __future__ import annotations

from typing import Any

from app.api.openapi.bodies import EVENT_REQUEST
from app.api.openapi.common import DATE, ERROR_CODES, PAGE_SIZE, TIME_NOTE, ref
from app.api.openapi.sepay import sepay_path
from app.api.openapi.statistics import statistics_path

# A day the pages can compute with (app/core/bounds.py: years 1900 to 2199).
QUERY_DAY = {
    **DATE,
    "pattern": r"^(19|2[01])\d{2}-\d{2}-\d{2}$",
    "x-error-message": "Phải là một ngày dạng YYYY-MM-DD, từ 1900-01-01 đến 2199-12-31.",
}
# An item's id: 0 to 2^31-1 (the database's INTEGER), the regex of app/core/bounds.MAX_ID.
CURSOR = {
    "type": "string",
    "pattern": r"^(0|[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
    r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])$",
    "x-error-message": "Phải là next_cursor của trang trước (một số từ 0 đến 2147483647).",
}

_JSON = "application/json"
_CHALLENGE = {
    "WWW-Authenticate": {
        "description": "Bearer challenge (RFC 6750), or Apikey for the SePay webhook.",
        "schema": {"type": "string"},
    }
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def _error(description: str, *codes: str, headers: dict[str, Any] | None = None) -> dict:
    status = {ERROR_CODES[code][0] for code in codes}
    assert len(status) == 1, codes
    response: dict[str, Any] = {
        "description": description + " Codes: " + ", ".join(codes) + ".",
        "content": {
            _JSON: {
                "schema": {
                    "allOf": [
                        ref("Error"),
                        {"properties": {"error": {"properties": {"code": {"enum": list(codes)}}}}},
                    ]
                }
            }
        },
    }
    if headers:
        response["headers"] = headers
    return response


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _responses(*codes: str) -> dict[str, Any]:
    """The error responses of an operation that can fail with ``codes``."""
    by_status: dict[int, list[str]] = {}
    for code in (*codes, "unauthorized", "insufficient_scope", "rate_limited", "internal_error"):
        by_status.setdefault(ERROR_CODES[code][0], []).append(code)
    descriptions = {
        401: "Missing or invalid token.",
        403: "The token lacks the scope.",
        404: "Unknown item (or another post office's item: the same answer).",
        409: "The event cannot be recorded in the item's state.",
        422: "Invalid request.",
        429: "Too many requests.",
        500: "Unexpected error.",
    }
    headers = {401: _CHALLENGE, 403: _CHALLENGE, 429: _RETRY_AFTER}
    return {
        str(status): _error(
            descriptions[status],
            *found,
            headers=headers.get(status),
        )
        for status, found in sorted(by_status.items())
    }


def _security(scope: str) -> list[dict[str, list[str]]]:
    return [{"bearerAuth": [scope]}]


_DAY_PARAMETERS = [
    {
        "name": "date",
        "in": "query",
        "required": False,
        "description": "The day (YYYY-MM-DD); today in Vietnam when absent.",
        "schema": QUERY_DAY,
    },
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "description": f"The `next_cursor` of the previous page (pages of {PAGE_SIZE} items).",
        "schema": CURSOR,
    },
]

PATHS: dict[str, Any] = {
    "/pickups": {
        "get": {
            "operationId": "listPickups",
            "summary": "Leg A: the office's pickups planned for a day",
            "description": "Papers to collect from citizens (at home in a time window, or at "
            "the counter) on that day, whatever their status since, in the order they were "
            f"booked (by id), {PAGE_SIZE} per page. Drafts are never listed. " + TIME_NOTE,
            "security": _security("read"),
            "parameters": _DAY_PARAMETERS,
            "responses": {
                "200": _ok("One page of pickups.", ref("PickupPage")),
                **_responses("invalid_request"),
            },
        }
    },
    "/deliveries": {
        "get": {
            "operationId": "listDeliveries",
            "summary": "Leg B: results to deliver that day or overdue, and held items",
            "description": "Results collected from the agency, out for delivery or after a "
            "failed attempt whose planned day is on or before the date, and every item held at "
            f"the post office (with held_until); by id, {PAGE_SIZE} per page. " + TIME_NOTE,
            "security": _security("read"),
            "parameters": _DAY_PARAMETERS,
            "responses": {
                "200": _ok("One page of deliveries.", ref("DeliveryPage")),
                **_responses("invalid_request"),
            },
        }
    },
    "/items/{item_number}": {
        "get": {
            "operationId": "getItem",
            "summary": "One item of the office: status, leg, dossier, attempts",
            "security": _security("read"),
            "parameters": [
                {
                    "name": "item_number",
                    "in": "path",
                    "required": True,
                    "description": "S10 item number. A malformed number answers 404.",
                    "schema": {"type": "string"},
                }
            ],
            "responses": {
                "200": _ok("The item.", ref("Item")),
                **_responses("unknown_item"),
            },
        }
    },
    "/events": {
        "post": {
            "operationId": "postEvent",
            "summary": "Report what happened to an item (idempotent by event_id)",
            "description": "Records one step of the item's delivery on the dossier's log. "
            "The first time an event id is seen the answer is 201; the same event id sent "
            "again (same type and item) records nothing and answers 200 with "
            "`duplicate: true`, also when two copies arrive at the same moment. Other fields "
            "of a repeated event are not compared. The same event id with another type or "
            "item answers 409 event_id_reused.",
            "security": _security("events"),
            "requestBody": {
                "required": True,
                "content": {_JSON: {"schema": EVENT_REQUEST}},
            },
            "responses": {
                "201": _ok("Recorded.", ref("EventResult")),
                "200": _ok("Already recorded earlier (duplicate: true).", ref("EventResult")),
                **_responses(
                    "unknown_item",
                    "event_id_reused",
                    "illegal_transition",
                    "conflict",
                    "forbidden_step",
                    "invalid_request",
                    "rejected",
                ),
            },
        }
    },
    "/payments/sepay": sepay_path(
        {
            "401": _error(
                "Missing or wrong API key (or none configured).",
                "unauthorized",
                headers=_CHALLENGE,
            ),
            "422": _error("Invalid body.", "invalid_request"),
            "429": _error("Too many requests.", "rate_limited", headers=_RETRY_AFTER),
            "500": _error("Unexpected error.", "internal_error"),
        }
    ),
    "/thong-ke": statistics_path(
        _ok,
        {
            "422": _error("Invalid request.", "invalid_request"),
            "429": _error("Too many requests.", "rate_limited", headers=_RETRY_AFTER),
            "500": _error("Unexpected error.", "internal_error"),
        },
    ),
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "security": [],
            "responses": {"200": _ok("The OpenAPI 3.1 document.", {"type": "object"})},
        }
    },
}
