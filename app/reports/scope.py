"""Which units' numbers a user may see on the dashboard, scoped like the back-office queues.

An officer or a specialist sees the units they belong to, every unit when one of them is the
provincial centre (a unit with no commune); the administrator sees every unit. Anyone else sees
nothing (the view answers 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.catalogue.models import Unit
from app.core.roles import Role
from app.core.text import fold
from app.extensions import db
from app.geo import commune_name


@dataclass(frozen=True)
class Scope:
    label: str
    unit_ids: frozenset[int] | None  # None: every unit of the province


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    commune_code: str
    commune_name: str
    target: float | None


def scope_for(user: Any) -> Scope | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.role == Role.ADMIN:
        return Scope("Toàn tỉnh", None)
    if user.role not in (Role.OFFICER, Role.SPECIALIST):
        return None
    units = list(user.units)
    if any(unit.commune_code is None for unit in units):
        return Scope("Toàn tỉnh", None)
    names = ", ".join(sorted((unit.name for unit in units), key=fold))
    return Scope(names or "Tài khoản chưa thuộc đơn vị nào", frozenset(u.id for u in units))


def units_in(scope: Scope) -> list[UnitInfo]:
    """The units the user may choose, by name."""
    stmt = select(Unit.id, Unit.name, Unit.commune_code, Unit.online_target)
    if scope.unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(sorted(scope.unit_ids) or [-1]))
    units = [
        UnitInfo(
            row.id,
            row.name,
            row.commune_code or "",
            commune_name(row.commune_code) if row.commune_code else "",
            float(row.online_target) if row.online_target is not None else None,
        )
        for row in db.session.execute(stmt)
    ]
    return sorted(units, key=lambda u: (fold(u.name), u.id))
