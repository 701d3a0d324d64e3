"""The response bodies: items, pages, attempts, errors, and the events' schemas. Pure."""

from __future__ import annotations

from typing import Any

from app.api.openapi.bodies import EVENT_SCHEMAS
from app.api.openapi.common import (
    DATE,
    DATE_OR_NULL,
    DATETIME,
    ERROR_CODES,
    EVENT_STEPS,
    HH_MM,
    PAGE_SIZE,
    STRING,
    closed_object,
    nullable,
    ref,
)
from app.postal.flow import FAILURE_REASONS, RECIPIENT_RELATIONS, Leg, ShipmentStatus

_CONTACT = closed_object({"name": STRING, "phone": STRING})
_ADDRESS = closed_object(
    {
        "commune_code": STRING,
        "commune_name": {"type": "string", "description": "Commune and province."},
        "village": STRING,
        "street": STRING,
        "landmark": STRING,
    }
)
_STATUS = {"type": "string", "enum": [s.value for s in ShipmentStatus]}

SCHEMAS: dict[str, Any] = {
    "Error": closed_object(
        {
            "error": closed_object(
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
    "Document": closed_object(
        {
            "name": STRING,
            "kind": {"type": "string", "enum": ["original", "copy"]},
            "copies": {"type": "integer", "minimum": 0},
            "required": {"type": "boolean"},
        }
    ),
    "Pickup": closed_object(
        {
            "item_number": {
                "type": ["string", "null"],
                "description": "Null until the worker has collected the papers.",
            },
            "dossier_code": STRING,
            "status": _STATUS,
            "at_counter": {
                "type": "boolean",
                "description": "Handed in at the post-office counter (no visit).",
            },
            "window": {
                "oneOf": [closed_object({"start": HH_MM, "end": HH_MM}), {"type": "null"}],
                "description": "The booked time window; null for the counter.",
            },
            "contact": ref("Contact"),
            "address": ref("Address"),
            "documents": {
                "type": "array",
                "items": ref("Document"),
                "description": "The papers to count with the citizen (the procedure's list, "
                "or the list as counted once collected).",
            },
        }
    ),
    "PickupPage": closed_object(
        {
            "date": DATE,
            "items": {"type": "array", "items": ref("Pickup"), "maxItems": PAGE_SIZE},
            "next_cursor": {"type": ["string", "null"]},
        }
    ),
    "Delivery": closed_object(
        {
            "item_number": STRING,
            "dossier_code": STRING,
            "status": {
                "type": "string",
                "enum": [
                    ShipmentStatus.COLLECTED.value,
                    ShipmentStatus.OUT_FOR_DELIVERY.value,
                    ShipmentStatus.DELIVERY_FAILED.value,
                    ShipmentStatus.HELD.value,
                ],
            },
            "planned_day": DATE_OR_NULL,
            "overdue": {
                "type": "boolean",
                "description": "Planned for an earlier day and not delivered yet.",
            },
            "held_until": {
                **DATE_OR_NULL,
                "description": "Held at the post office: the citizen may collect it until the "
                "end of this day.",
            },
            "failed_attempts": {"type": "integer", "minimum": 0},
            "contact": ref("Contact"),
            "address": ref("Address"),
        }
    ),
    "DeliveryPage": closed_object(
        {
            "date": DATE,
            "items": {"type": "array", "items": ref("Delivery"), "maxItems": PAGE_SIZE},
            "next_cursor": {"type": ["string", "null"]},
        }
    ),
    "Attempt": closed_object(
        {
            "number": {"type": "integer", "minimum": 1},
            "at": DATETIME,
            "outcome": {"type": "string", "enum": ["delivered", "failed"]},
            "reason": nullable(list(FAILURE_REASONS)),
            "relation": nullable(list(RECIPIENT_RELATIONS)),
        }
    ),
    "Item": closed_object(
        {
            "item_number": STRING,
            "leg": {
                "type": "string",
                "enum": [leg.value for leg in Leg],
                "description": "pickup: papers to the agency; return: the result to the citizen.",
            },
            "status": _STATUS,
            "status_label": {"type": "string", "description": "The status in Vietnamese."},
            "dossier_code": STRING,
            "planned_day": DATE_OR_NULL,
            "held_until": DATE_OR_NULL,
            "attempts": {"type": "array", "items": ref("Attempt")},
        }
    ),
    **EVENT_SCHEMAS,
    "EventResult": closed_object(
        {
            "event_id": STRING,
            "type": {"type": "string", "enum": list(EVENT_STEPS)},
            "item_number": STRING,
            "duplicate": {
                "type": "boolean",
                "description": "True when this event id had already been recorded.",
            },
            "recorded_at": {**DATETIME, "description": "When the event was first recorded."},
            "item": ref("Item"),
        }
    ),
}
