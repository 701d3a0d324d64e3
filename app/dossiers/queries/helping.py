"""What a helper (a post-office clerk, a community volunteer) looks up: the procedures they may
start for a citizen, the citizen by number, the dossiers they filled in for them."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Procedure
from app.core.roles import Role
from app.dossiers.models import Dossier
from app.extensions import db


def procedures_with(channel: str) -> list[Procedure]:
    """Active procedures offering ``channel`` ("post" at a post office: DOMAIN.md §6)."""
    return [
        p
        for p in db.session.scalars(
            select(Procedure).where(Procedure.is_active.is_(True)).order_by(Procedure.name)
        )
        if channel in (p.channels or [])
    ]


def citizen_with(column: str, value: str) -> User | None:
    """The citizen whose ``column`` (phone or id_number) is exactly ``value``."""
    return db.session.scalar(
        select(User).where(getattr(User, column) == value, User.role == Role.CITIZEN)
    )


def filled_in_by(citizen_id: int, helper_id: int) -> list[Dossier]:
    """The dossiers ``helper_id`` filled in for the citizen (never the citizen's others)."""
    return list(
        db.session.scalars(
            select(Dossier)
            .where(Dossier.owner_id == citizen_id, Dossier.created_by_id == helper_id)
            .order_by(Dossier.id.desc())
        )
    )
