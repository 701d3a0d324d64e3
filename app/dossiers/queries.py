"""Read-only queries about dossiers."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.statuses import DossierStatus
from app.extensions import db

_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")


def normalise_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def submitted_by_code(code: str) -> Dossier | None:
    if not _CODE.match(code):
        return None
    return db.session.scalar(
        select(Dossier).where(Dossier.code == code, Dossier.status != DossierStatus.DRAFT)
    )


def citizen_timeline(dossier: Dossier) -> list[DossierEvent]:
    """Events the citizen may see: everything except internal notes."""
    return [e for e in dossier.events if not e.internal]


def owned_dossiers(user_id: int) -> list[Dossier]:
    return list(
        db.session.scalars(
            select(Dossier)
            .where(Dossier.owner_id == user_id)
            .order_by(Dossier.updated_at.desc(), Dossier.id.desc())
        )
    )
