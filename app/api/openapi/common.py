"""What the whole contract shares: its version, page size, events and error codes, and the
small JSON Schema builders and formats the other parts use. Pure."""

from __future__ import annotations

from typing import Any

from app.postal.flow import Step

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
    "unauthorized": (
        401,
        "No token, an unknown or revoked token, or an inactive post office (the SePay webhook: "
        "no API key or a wrong one).",
    ),
    "insufficient_scope": (403, "The token lacks the scope this endpoint needs."),
    "unknown_item": (404, "No such item at the token's post office."),
    "event_id_reused": (409, "The event id was already used for another type or item."),
    "illegal_transition": (409, "The item's status does not allow this event."),
    "conflict": (409, "Another update of the item happened at the same moment; read it again."),
    "forbidden_step": (409, "This step belongs to the agency, not the post office."),
    "invalid_request": (422, "A malformed body or parameter; `fields` says which and why."),
    "rejected": (422, "A postal rule refuses the event (e.g. still within the holding period)."),
    "rate_limited": (
        429,
        "Too many requests with this token (RATELIMIT_API_PER_TOKEN); `Retry-After` says how many "
        "seconds to wait.",
    ),
    "internal_error": (500, "An unexpected error; nothing was recorded. Retry later."),
}

REF = "#/components/schemas/"


def ref(name: str) -> dict[str, Any]:
    return {"$ref": REF + name}


def closed_object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A closed object: exactly these properties, all required unless ``required`` says."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def nullable(values: list[str]) -> dict[str, Any]:
    return {"type": ["string", "null"], "enum": [*values, None]}


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
HH_MM = {"type": "string", "pattern": r"^\d{2}:\d{2}$"}
ITEM_NUMBER = {
    "type": "string",
    "pattern": r"^[A-Z]{2}\d{9}[A-Z]{2}$",
    "description": "UPU S10 item number (13 characters, check digit verified), e.g. EA000000015VN.",
    "x-error-message": "Số hiệu bưu gửi phải theo chuẩn S10, ví dụ EA000000015VN.",
}
TIME_NOTE = "Times are Vietnam local time with their offset (+07:00)."
