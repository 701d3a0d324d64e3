"""An event reported by the operator becomes one step of a postal leg, exactly once.

The event's id, scoped by the office as ``<office code>:<event id>``, is the external id of the
dossier event that the step records, and that column is unique. So a repeated event is found
before anything is done (:func:`recorded_before`), and a copy racing the first one either finds
the item already moved (the guarded UPDATE of the step) or trips the unique constraint; its
step is then undone (a savepoint) and it looks again (:func:`record_once`). Everything here
flushes only; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.api import openapi, queries, validation
from app.api.errors import ApiError, invalid, unknown_item
from app.dossiers.models import DossierEvent
from app.extensions import db
from app.postal import s10
from app.postal.errors import PostalError
from app.postal.flow import IllegalStep
from app.postal.models import ApiToken, Shipment
from app.postal.operations import delivery
from app.postal.operations.steps import EVENT_OF


@dataclass(frozen=True)
class Event:
    event_id: str
    item_number: str
    type: str
    fields: dict[str, Any]

    def external_id(self, token: ApiToken) -> str:
        return f"{token.post_office.code}:{self.event_id}"


@dataclass(frozen=True)
class Recorded:
    event: DossierEvent
    shipment: Shipment
    duplicate: bool


def parse(body: Any) -> Event:
    """The request body checked against the contract's EVENT_REQUEST schema; 422 otherwise."""
    if body is None:
        raise invalid({validation.BODY: "Nội dung yêu cầu phải là một đối tượng JSON."})
    found = validation.errors(body, openapi.EVENT_REQUEST)
    item_number = body.get("item_number") if isinstance(body, dict) else None
    if (
        "item_number" not in found
        and isinstance(item_number, str)
        and not s10.is_valid(item_number)
    ):
        found["item_number"] = "Số hiệu bưu gửi sai chữ số kiểm tra (chuẩn S10)."
    if found:
        raise invalid(found)
    return Event(body["event_id"], body["item_number"], body["type"], body)


def recorded_before(token: ApiToken, event: Event) -> Recorded | None:
    """The earlier recording of this event id, or None; 409 if it was another event."""
    earlier = db.session.scalar(
        select(DossierEvent).filter_by(external_id=event.external_id(token))
    )
    if earlier is None:
        return None
    data = earlier.data or {}
    same_type = earlier.action == EVENT_OF[openapi.EVENT_STEPS[event.type]]
    if not same_type or data.get("item_number") != event.item_number:
        raise ApiError(
            "event_id_reused",
            "Mã sự kiện này đã được dùng cho một sự kiện khác (khác loại hoặc khác bưu gửi).",
            {"event_id": "Đã dùng cho sự kiện khác."},
        )
    return Recorded(earlier, db.session.get(Shipment, data["shipment_id"]), duplicate=True)


def record(token: ApiToken, event: Event, ip: str = "") -> Recorded:
    """Take the step on the office's item. Raises ApiError (404, 422), and lets IllegalStep
    and IntegrityError through: :func:`record_once` checks for a concurrent copy first."""
    shipment = queries.item(token.post_office_id, event.item_number)
    if shipment is None:
        raise unknown_item()
    common = {
        "ip": ip,
        "external_id": event.external_id(token),
        "source": f"api:{token.prefix}",
        # When it happened by the operator's clock (the event's own time stays ours).
        "reported": {"occurred_at": event.fields["occurred_at"]}
        if event.fields.get("occurred_at")
        else None,
    }
    fields = event.fields
    try:
        if event.type == "out_for_delivery":
            delivery.out_for_delivery(shipment, None, **common)
        elif event.type == "delivered":
            delivery.deliver(
                shipment,
                None,
                recipient_name=fields["recipient_name"],
                relation=fields["relation"],
                id_checked=fields["id_checked"],
                note=fields.get("note", ""),
                **common,
            )
        elif event.type == "delivery_failed":
            delivery.fail(
                shipment, None, reason=fields["reason"], note=fields.get("note", ""), **common
            )
        else:
            delivery.return_to_agency(shipment, None, **common)
    except PostalError as error:
        raise ApiError(
            "rejected", error.message, {error.field: error.message} if error.field else None
        ) from error
    db.session.flush()
    db.session.refresh(shipment)  # legs add attempts by id: read the item as it is now
    recorded = db.session.scalar(select(DossierEvent).filter_by(external_id=common["external_id"]))
    return Recorded(recorded, shipment, duplicate=False)


def record_once(token: ApiToken, event: Event, ip: str = "") -> Recorded:
    """The recording of ``event``: made now, or found from before (a duplicate). Raises
    ApiError (404, 409, 422)."""
    recorded = recorded_before(token, event)
    if recorded is not None:
        return recorded
    try:
        with db.session.begin_nested():
            return record(token, event, ip=ip)
    except (IllegalStep, IntegrityError) as error:
        # A copy of this event sent at the same moment may have won: if so, this is it.
        recorded = recorded_before(token, event)
        if recorded is None and isinstance(error, IllegalStep):
            raise refusal(token, event, error) from error
        if recorded is None:
            raise
        return recorded


def refusal(token: ApiToken, event: Event, error: IllegalStep) -> ApiError:
    """The 409 for a step the item's status does not allow (read after the rollback)."""
    known = openapi.ERROR_CODES.get(error.code, (0, ""))[0] == 409
    code = error.code if known else "illegal_transition"
    shipment = queries.item(token.post_office_id, event.item_number)
    if code != "illegal_transition" or shipment is None:
        return ApiError(code, error.message)
    return ApiError(
        code,
        f"Không thể ghi nhận sự kiện “{event.type}” khi bưu gửi đang ở trạng thái "
        f"“{shipment.status_label}” ({shipment.status}).",
    )
