"""How many dossiers a unit received or holds, and whether dossier codes were issued with its
code: the catalogue's units screens ask (app/catalogue/usage.py), since a unit in use keeps its
code and is never deleted."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from app.catalogue import usage
from app.dossiers.models import Dossier, DossierSequence
from app.extensions import db


def dossier_count(unit_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Dossier)
            .where(or_(Dossier.receiving_unit_id == unit_id, Dossier.current_unit_id == unit_id))
        )
        or 0
    )


def issued_codes(unit_id: int) -> bool:
    """Whether dossier codes were ever issued with this unit's code."""
    return (
        db.session.scalar(select(DossierSequence.unit_id).filter_by(unit_id=unit_id).limit(1))
        is not None
    )


def count_for_the_catalogue() -> None:
    usage.count_dossiers_with(dossier_count, issued_codes)
