"""Shipments as the JSON of app/api/openapi/ (schemas Pickup, Delivery, Item, EventResult)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app import geo
from app.core import clock
from app.dossiers.models import DossierEvent
from app.postal.models import Shipment
from app.postal.operations.pickup import checklist

# Every stored time is Vietnam local time without an offset (app/core/clock.py); the API says
# which zone it is, as RFC 3339 asks. Vietnam keeps +07:00 all year.


def moment(value: datetime) -> str:
    return value.replace(tzinfo=clock.VIETNAM_TZ, microsecond=0).isoformat()


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _contact(shipment: Shipment) -> dict[str, str]:
    return {"name": shipment.recipient_name, "phone": shipment.contact_phone}


def _address(shipment: Shipment) -> dict[str, str]:
    place = geo.commune(shipment.commune_code)
    return {
        "commune_code": shipment.commune_code,
        "commune_name": place.full_name if place else "",
        "village": shipment.village,
        "street": shipment.street,
        "landmark": shipment.landmark,
    }


def pickup(shipment: Shipment) -> dict[str, Any]:
    slot = shipment.slot
    documents = shipment.documents or checklist(shipment.dossier)
    return {
        "item_number": shipment.item_number,
        "dossier_code": shipment.dossier.code,
        "status": shipment.status,
        "at_counter": shipment.at_counter,
        "window": (
            {"start": f"{slot.start:%H:%M}", "end": f"{slot.end:%H:%M}"}
            if slot is not None and not shipment.at_counter
            else None
        ),
        "contact": _contact(shipment),
        "address": _address(shipment),
        "documents": [
            {
                "name": d["name"],
                "kind": "copy" if d["kind"] == "copy" else "original",
                "copies": int(d.get("copies") or 0),
                "required": bool(d.get("required")),
            }
            for d in documents
        ],
    }


def delivery(shipment: Shipment, on: date) -> dict[str, Any]:
    return {
        "item_number": shipment.item_number,
        "dossier_code": shipment.dossier.code,
        "status": shipment.status,
        "planned_day": day(shipment.planned_day),
        "overdue": shipment.planned_day is not None and shipment.planned_day < on,
        "held_until": day(shipment.held_until),
        "failed_attempts": shipment.failed_attempts,
        "contact": _contact(shipment),
        "address": _address(shipment),
    }


def item(shipment: Shipment) -> dict[str, Any]:
    return {
        "item_number": shipment.item_number,
        "leg": shipment.leg,
        "status": shipment.status,
        "status_label": shipment.status_label,
        "dossier_code": shipment.dossier.code,
        "planned_day": day(shipment.planned_day),
        "held_until": day(shipment.held_until),
        "attempts": [
            {
                "number": a.number,
                "at": moment(a.at),
                "outcome": a.outcome,
                "reason": a.reason or None,
                "relation": a.recipient_relation or None,
            }
            for a in shipment.attempts
        ],
    }


def event(
    event_id: str, kind: str, recorded: DossierEvent, shipment: Shipment, duplicate: bool
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "type": kind,
        "item_number": shipment.item_number,
        "duplicate": duplicate,
        "recorded_at": moment(recorded.at),
        "item": item(shipment),
    }
