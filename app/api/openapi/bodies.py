"""The request bodies: one schema per event the operator reports, and their union. Pure."""

from __future__ import annotations

from typing import Any

from app.api.openapi.common import (
    DATETIME,
    EVENT_STEPS,
    ITEM_NUMBER,
    REF,
    closed_object,
    ref,
)
from app.postal.flow import FAILURE_REASONS, RECIPIENT_RELATIONS

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
    "item_number": ITEM_NUMBER,
    "occurred_at": {
        **DATETIME,
        "description": "When it happened (RFC 3339, with offset). Informational: the event is "
        "recorded at the moment it is received.",
    },
}
_NOTE = {"type": "string", "maxLength": 300, "description": "Free text for the agency."}


def _event(kind: str, extra: dict[str, Any], required: list[str], summary: str) -> dict[str, Any]:
    schema = closed_object(
        {**_EVENT_COMMON, "type": {"type": "string", "const": kind}, **extra},
        ["event_id", "item_number", "type", *required],
    )
    schema["description"] = summary
    return schema


EVENT_SCHEMAS = {
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
    schema["properties"]["type"]["const"]: REF + name for name, schema in EVENT_SCHEMAS.items()
}
assert set(_EVENT_MAPPING) == set(EVENT_STEPS)

EVENT_REQUEST: dict[str, Any] = {
    "oneOf": [ref(name) for name in EVENT_SCHEMAS],
    "discriminator": {"propertyName": "type", "mapping": _EVENT_MAPPING},
}
