"""The contract of /api/v1/ as one OpenAPI 3.1 document, built as a Python dict.

One source of truth: the views validate query parameters and request bodies against the JSON
Schemas below (:mod:`app.api.validation`), ``/api/v1/openapi.json`` serves this document, and
the tests check every response they receive against it and that its paths are exactly the
blueprint's routes. Change the API here first.

Pure: no Flask, no database.
"""

from __future__ import annotations

import copy
from typing import Any

from app.postal.flow import FAILURE_REASONS, RECIPIENT_RELATIONS, Leg, ShipmentStatus, Step

VERSION = "1.0.0"
# The most items one page of /pickups or /deliveries carries; ``next_cursor`` fetches the rest.
PAGE_SIZE = 100

# What the operator reports, and the step of app/postal/flow.py each one takes.
EVENT_STEPS: dict[str, Step] = {
    "out_for_delivery": Step.OUT_FOR_DELIVERY,
    "delivered": Step.DELIVER,
    "delivery_failed": Step.FAIL,
    "returned_to_agency": Step.RETURN_TO_AGENCY,
}

# Every error code, with the HTTP status that carries it.
ERROR_CODES: dict[str, tuple[int, str]] = {
    "unauthorized": (401, "No token, an unknown or revoked token, or an inactive post office."),
    "insufficient_scope": (403, "The token lacks the scope this endpoint needs."),
    "unknown_item": (404, "No such item at the token's post office."),
    "event_id_reused": (409, "The event id was already used for another type or item."),
    "illegal_transition": (409, "The item's status does not allow this event."),
    "conflict": (409, "Another update of the item happened at the same moment; read it again."),
    "forbidden_step": (409, "This step belongs to the agency, not the post office."),
    "invalid_request": (422, "A malformed body or parameter; `fields` says which and why."),
    "rejected": (422, "A postal rule refuses the event (e.g. still within the holding period)."),
    "internal_error": (500, "An unexpected error; nothing was recorded. Retry later."),
}

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": _REF + name}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A closed object: exactly these properties, all required unless ``required`` says."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _nullable(values: list[str]) -> dict[str, Any]:
    return {"type": ["string", "null"], "enum": [*values, None]}


_STRING = {"type": "string"}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
_DATETIME = {"type": "string", "format": "date-time"}
_HH_MM = {"type": "string", "pattern": r"^\d{2}:\d{2}$"}
_ITEM_NUMBER = {
    "type": "string",
    "pattern": r"^[A-Z]{2}\d{9}[A-Z]{2}$",
    "description": "UPU S10 item number (13 characters, check digit verified), e.g. EA000000015VN.",
    "x-error-message": "Số hiệu bưu gửi phải theo chuẩn S10, ví dụ EA000000015VN.",
}
_TIME_NOTE = "Times are Vietnam local time with their offset (+07:00)."

# --- request bodies -------------------------------------------------------------------------

_EVENT_COMMON: dict[str, Any] = {
    "event_id": {
        "type": "string",
        "minLength": 1,
        "maxLength": 80,
        "pattern": r"^[A-Za-z0-9._:-]+$",
        "description": "Your id of this event, unique within your post office. Sending the "
        "same event again with the same id records nothing new (idempotent).",
        "x-error-message": "Mã sự kiện chỉ gồm chữ không dấu, chữ số và các dấu . _ : -",
    },
    "item_number": _ITEM_NUMBER,
    "occurred_at": {
        **_DATETIME,
        "description": "When it happened (RFC 3339, with offset). Informational: the event is "
        "recorded at the moment it is received.",
    },
}
_NOTE = {"type": "string", "maxLength": 300, "description": "Free text for the agency."}


def _event(kind: str, extra: dict[str, Any], required: list[str], summary: str) -> dict[str, Any]:
    schema = _object(
        {**_EVENT_COMMON, "type": {"type": "string", "const": kind}, **extra},
        ["event_id", "item_number", "type", *required],
    )
    schema["description"] = summary
    return schema


_EVENT_SCHEMAS = {
    "OutForDeliveryEvent": _event(
        "out_for_delivery", {}, [], "The worker left with the result (first or next attempt)."
    ),
    "DeliveredEvent": _event(
        "delivered",
        {
            "recipient_name": {
                "type": "string",
                "maxLength": 120,
                "pattern": r"\S",
                "description": "Full name of the person who received it.",
                "x-error-message": "Vui lòng ghi họ tên người nhận.",
            },
            "relation": {
                "type": "string",
                "enum": list(RECIPIENT_RELATIONS),
                "description": "; ".join(f"{k}: {v}" for k, v in RECIPIENT_RELATIONS.items()),
            },
            "id_checked": {
                "type": "boolean",
                "const": True,
                "description": "The worker checked the recipient's ID. Must be true: a result "
                "is only handed over against an ID.",
                "x-error-message": "Chỉ giao khi đã kiểm tra giấy tờ tùy thân của người nhận.",
            },
            "note": _NOTE,
        },
        ["recipient_name", "relation", "id_checked"],
        "Handed to the applicant, a relative or an authorised person who showed their ID.",
    ),
    "DeliveryFailedEvent": _event(
        "delivery_failed",
        {
            "reason": {
                "type": "string",
                "enum": list(FAILURE_REASONS),
                "description": "; ".join(f"{k}: {v}" for k, v in FAILURE_REASONS.items()),
            },
            "note": _NOTE,
        },
        ["reason"],
        "An attempt failed. After the configured number of failed attempts the item is held "
        "at the post office (status held_at_post_office, with held_until).",
    ),
    "ReturnedToAgencyEvent": _event(
        "returned_to_agency",
        {},
        [],
        "Nobody collected the held item: it went back to the agency. Refused (422, rejected) "
        "until the day after held_until.",
    ),
}
_EVENT_MAPPING = {
    schema["properties"]["type"]["const"]: _REF + name for name, schema in _EVENT_SCHEMAS.items()
}
assert set(_EVENT_MAPPING) == set(EVENT_STEPS)

EVENT_REQUEST: dict[str, Any] = {
    "oneOf": [_ref(name) for name in _EVENT_SCHEMAS],
    "discriminator": {"propertyName": "type", "mapping": _EVENT_MAPPING},
}

# --- responses ------------------------------------------------------------------------------

_CONTACT = _object({"name": _STRING, "phone": _STRING})
_ADDRESS = _object(
    {
        "commune_code": _STRING,
        "commune_name": {"type": "string", "description": "Commune and province."},
        "village": _STRING,
        "street": _STRING,
        "landmark": _STRING,
    }
)
_STATUS = {"type": "string", "enum": [s.value for s in ShipmentStatus]}

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {"type": "string", "enum": list(ERROR_CODES)},
                    "message": {"type": "string", "description": "A sentence in Vietnamese."},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "What the refusal is about → why: a body field or "
                        "query parameter (invalid_request), or the item's attribute that a "
                        "postal rule checked (rejected, e.g. held_until).",
                    },
                },
                ["code", "message"],
            )
        }
    ),
    "Contact": _CONTACT,
    "Address": _ADDRESS,
    "Document": _object(
        {
            "name": _STRING,
            "kind": {"type": "string", "enum": ["original", "copy"]},
            "copies": {"type": "integer", "minimum": 0},
            "required": {"type": "boolean"},
        }
    ),
    "Pickup": _object(
        {
            "item_number": {
                "type": ["string", "null"],
                "description": "Null until the worker has collected the papers.",
            },
            "dossier_code": _STRING,
            "status": _STATUS,
            "at_counter": {
                "type": "boolean",
                "description": "Handed in at the post-office counter (no visit).",
            },
            "window": {
                "oneOf": [_object({"start": _HH_MM, "end": _HH_MM}), {"type": "null"}],
                "description": "The booked time window; null for the counter.",
            },
            "contact": _ref("Contact"),
            "address": _ref("Address"),
            "documents": {
                "type": "array",
                "items": _ref("Document"),
                "description": "The papers to count with the citizen (the procedure's list, "
                "or the list as counted once collected).",
            },
        }
    ),
    "PickupPage": _object(
        {
            "date": _DATE,
            "items": {"type": "array", "items": _ref("Pickup"), "maxItems": PAGE_SIZE},
            "next_cursor": {"type": ["string", "null"]},
        }
    ),
    "Delivery": _object(
        {
            "item_number": _STRING,
            "dossier_code": _STRING,
            "status": {
                "type": "string",
                "enum": [
                    ShipmentStatus.COLLECTED.value,
                    ShipmentStatus.OUT_FOR_DELIVERY.value,
                    ShipmentStatus.DELIVERY_FAILED.value,
                    ShipmentStatus.HELD.value,
                ],
            },
            "planned_day": _DATE_OR_NULL,
            "overdue": {
                "type": "boolean",
                "description": "Planned for an earlier day and not delivered yet.",
            },
            "held_until": {
                **_DATE_OR_NULL,
                "description": "Held at the post office: the citizen may collect it until the "
                "end of this day.",
            },
            "failed_attempts": {"type": "integer", "minimum": 0},
            "contact": _ref("Contact"),
            "address": _ref("Address"),
        }
    ),
    "DeliveryPage": _object(
        {
            "date": _DATE,
            "items": {"type": "array", "items": _ref("Delivery"), "maxItems": PAGE_SIZE},
            "next_cursor": {"type": ["string", "null"]},
        }
    ),
    "Attempt": _object(
        {
            "number": {"type": "integer", "minimum": 1},
            "at": _DATETIME,
            "outcome": {"type": "string", "enum": ["delivered", "failed"]},
            "reason": _nullable(list(FAILURE_REASONS)),
            "relation": _nullable(list(RECIPIENT_RELATIONS)),
        }
    ),
    "Item": _object(
        {
            "item_number": _STRING,
            "leg": {
                "type": "string",
                "enum": [leg.value for leg in Leg],
                "description": "pickup: papers to the agency; return: the result to the citizen.",
            },
            "status": _STATUS,
            "status_label": {"type": "string", "description": "The status in Vietnamese."},
            "dossier_code": _STRING,
            "planned_day": _DATE_OR_NULL,
            "held_until": _DATE_OR_NULL,
            "attempts": {"type": "array", "items": _ref("Attempt")},
        }
    ),
    **_EVENT_SCHEMAS,
    "EventResult": _object(
        {
            "event_id": _STRING,
            "type": {"type": "string", "enum": list(EVENT_STEPS)},
            "item_number": _STRING,
            "duplicate": {
                "type": "boolean",
                "description": "True when this event id had already been recorded.",
            },
            "recorded_at": {**_DATETIME, "description": "When the event was first recorded."},
            "item": _ref("Item"),
        }
    ),
}

# --- operations -----------------------------------------------------------------------------

_JSON = "application/json"
_CHALLENGE = {
    "WWW-Authenticate": {
        "description": "Bearer challenge (RFC 6750).",
        "schema": {"type": "string"},
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
                        _ref("Error"),
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
    for code in (*codes, "unauthorized", "insufficient_scope", "internal_error"):
        by_status.setdefault(ERROR_CODES[code][0], []).append(code)
    descriptions = {
        401: "Missing or invalid token.",
        403: "The token lacks the scope.",
        404: "Unknown item (or another post office's item: the same answer).",
        409: "The event cannot be recorded in the item's state.",
        422: "Invalid request.",
        500: "Unexpected error.",
    }
    return {
        str(status): _error(
            descriptions[status],
            *found,
            headers=_CHALLENGE if status in (401, 403) else None,
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
        "schema": _DATE,
    },
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "description": f"The `next_cursor` of the previous page (pages of {PAGE_SIZE} items).",
        "schema": {"type": "string", "pattern": r"^\d{1,18}$"},
    },
]

PATHS: dict[str, Any] = {
    "/pickups": {
        "get": {
            "operationId": "listPickups",
            "summary": "Leg A: the office's pickups planned for a day",
            "description": "Papers to collect from citizens (at home in a time window, or at "
            "the counter) on that day, whatever their status since, in the order they were "
            f"booked (by id), {PAGE_SIZE} per page. Drafts are never listed. " + _TIME_NOTE,
            "security": _security("read"),
            "parameters": _DAY_PARAMETERS,
            "responses": {
                "200": _ok("One page of pickups.", _ref("PickupPage")),
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
            f"the post office (with held_until); by id, {PAGE_SIZE} per page. " + _TIME_NOTE,
            "security": _security("read"),
            "parameters": _DAY_PARAMETERS,
            "responses": {
                "200": _ok("One page of deliveries.", _ref("DeliveryPage")),
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
                "200": _ok("The item.", _ref("Item")),
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
                "201": _ok("Recorded.", _ref("EventResult")),
                "200": _ok("Already recorded earlier (duplicate: true).", _ref("EventResult")),
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
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "security": [],
            "responses": {"200": _ok("The OpenAPI 3.1 document.", {"type": "object"})},
        }
    },
}


def _scopes_text(scopes: dict[str, str]) -> str:
    return "; ".join(f"`{name}`: {label}" for name, label in sorted(scopes.items()))


def document(scopes: dict[str, str]) -> dict[str, Any]:
    """The OpenAPI document (a fresh copy: callers may not change the contract).

    ``scopes`` are the token scopes and their descriptions (app/postal/tokens.py SCOPES)."""
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Một Cửa: postal operator API",
                "version": VERSION,
                "description": "For the public postal operator's own systems (Decision "
                "45/2016/QĐ-TTg): the pickups and deliveries of a post office, its items, and "
                "the events its workers report. Every call but this document needs "
                "`Authorization: Bearer <token>`; a token belongs to one post office and sees "
                "only that office's items. Scopes: " + _scopes_text(scopes) + ". Errors are "
                '`{"error": {"code", "message", "fields"?}}` with a Vietnamese message. '
                "Responses carry exactly the documented fields. " + _TIME_NOTE,
                "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
            },
            "servers": [{"url": "/api/v1"}],
            "security": [{"bearerAuth": []}],
            "paths": PATHS,
            "components": {
                "schemas": SCHEMAS,
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A post office's API token (`mc_…`), issued by the "
                        "administrator and shown once. Scopes: " + _scopes_text(scopes) + ".",
                    }
                },
            },
        }
    )


def schema(name: str) -> dict[str, Any]:
    return SCHEMAS[name]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a ``$ref`` to a component schema (the only kind of reference used here)."""
    while "$ref" in node:
        node = SCHEMAS[node["$ref"].removeprefix(_REF)]
    return node


def parameter_schema(path: str, method: str, name: str) -> dict[str, Any]:
    for parameter in PATHS[path][method]["parameters"]:
        if parameter["name"] == name:
            return parameter["schema"]
    raise KeyError(name)
