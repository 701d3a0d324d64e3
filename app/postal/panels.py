"""The post office's part of a dossier's pages (registered in app/postal/__init__.py)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.dossiers.models import Dossier
from app.postal.flow import Leg
from app.postal.operations.booking import BOOKABLE_DOSSIER_STATUSES, PICKUP_BOOKED
from app.postal.queries.shipments import awaiting_papers, pickup_shipment, shipment_of


def citizen(dossier: Dossier) -> dict[str, Any] | None:
    """The owner's page: where the papers and the result are; book or move a home pickup."""
    pickup = pickup_shipment(dossier)
    delivery = shipment_of(dossier, Leg.RETURN)
    can_book = (
        dossier.status in BOOKABLE_DOSSIER_STATUSES
        and "post" in (dossier.procedure.channels or [])
        and dossier.intake_channel in ("post_pickup", "counter")
        and (pickup is None or pickup.status == PICKUP_BOOKED)
    )
    if not (pickup or delivery or can_book):
        return None
    return {"pickup": pickup, "delivery": delivery, "can_book": can_book}


def staff(dossier: Dossier) -> dict[str, Any] | None:
    """The back office's page: both legs, and whether the papers are still on their way."""
    pickup = pickup_shipment(dossier)
    delivery = shipment_of(dossier, Leg.RETURN)
    waiting = awaiting_papers(dossier)
    if not (pickup or delivery or waiting):
        return None
    return {"pickup": pickup, "delivery": delivery, "awaiting_papers": waiting}


def check(dossier: Dossier) -> dict[str, Any] | None:
    """The journey's last step: the home pickup booked, or a reminder to book it."""
    if dossier.intake_channel != "post_pickup":
        return None
    return {"pickup": pickup_shipment(dossier)}


def counter_landing(dossier: Dossier) -> str | None:
    """A counter clerk who submitted a dossier checks its papers on the item's page."""
    shipment = pickup_shipment(dossier)
    if shipment is not None and shipment.at_counter:
        return url_for("postal.shipment", shipment_id=shipment.id)
    return None
