"""The back office's choices: the procedures to filter by, the staff a dossier can be assigned
to, the units it can be forwarded to."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User, unit_memberships
from app.catalogue.models import Procedure, Unit
from app.core.roles import Permission, has_permission
from app.extensions import db


def procedures() -> list[Procedure]:
    """Every procedure, by name (the filters of the queues and the register)."""
    return list(db.session.scalars(select(Procedure).order_by(Procedure.name)))


def assignable_staff(unit_id: int | None) -> list[User]:
    """Active members of the unit holding a dossier who may process it, by name."""
    staff = db.session.scalars(
        select(User)
        .join(unit_memberships, unit_memberships.c.user_id == User.id)
        .where(
            unit_memberships.c.unit_id == unit_id,
            User.is_active_account.is_(True),
        )
        .order_by(User.full_name)
    ).all()
    return [u for u in staff if has_permission(u, Permission.PROCESS)]


def units_other_than(unit_id: int | None) -> list[Unit]:
    """The units a dossier held by ``unit_id`` may be forwarded to: centres first, by name."""
    units = db.session.scalars(select(Unit).order_by(Unit.kind.desc(), Unit.name)).all()
    return [u for u in units if u.id != unit_id]
