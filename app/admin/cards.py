"""The administration home page's cards (issue 10: each moves to the domain it counts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.admin.services import MANAGED_ROLES
from app.catalogue.models import Procedure, Unit
from app.core.admin import Card, provide
from app.extensions import db
from app.postal.models import PostOffice


def _count(stmt) -> int:  # type: ignore[no-untyped-def]
    return int(db.session.scalar(stmt) or 0)


def units() -> dict[str, Any]:
    return {"units": _count(select(func.count()).select_from(Unit))}


def staff() -> dict[str, Any]:
    managed = select(func.count()).select_from(User).where(User.role.in_(MANAGED_ROLES))
    return {
        "staff": _count(managed),
        "inactive": _count(managed.where(User.is_active_account.is_(False))),
    }


def post_offices() -> dict[str, Any]:
    return {"post_offices": _count(select(func.count()).select_from(PostOffice))}


def guides() -> dict[str, Any]:
    return {
        "procedures": _count(select(func.count()).select_from(Procedure)),
        "guides": _count(
            select(func.count()).select_from(Procedure).where(Procedure.helper_guide != "")
        ),
    }


def provide_all() -> None:
    provide(Card(10, "catalogue/admin/_card_units.html", units))
    provide(Card(20, "accounts/admin/_card_staff.html", staff))
    provide(Card(30, "postal/admin/_card_post_offices.html", post_offices))
    provide(Card(50, "catalogue/admin/_card_guides.html", guides))
