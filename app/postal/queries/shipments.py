"""A dossier's postal legs, and the post office that serves a commune."""

from __future__ import annotations

from sqlalchemy import select

from app.dossiers.models import Dossier
from app.dossiers.statuses import POSTAL_INTAKE
from app.extensions import db
from app.postal.flow import Leg
from app.postal.models import PostOffice, PostOfficeCommune, Shipment


def post_office_for(commune_code: str | None) -> PostOffice | None:
    """The active office serving the commune (one office per commune), or None."""
    row = db.session.get(PostOfficeCommune, commune_code or "")
    if row is None or not row.post_office.is_active:
        return None
    return row.post_office


def pickup_shipment(dossier: Dossier) -> Shipment | None:
    return shipment_of(dossier, Leg.PICKUP)


def shipment_of(dossier: Dossier, leg: Leg) -> Shipment | None:
    return db.session.scalar(select(Shipment).filter_by(dossier_id=dossier.id, leg=leg))


def awaiting_papers(dossier: Dossier) -> bool:
    """The papers travel by post and the receiving unit has not confirmed them yet."""
    return dossier.intake_channel in POSTAL_INTAKE and dossier.papers_received_at is None
