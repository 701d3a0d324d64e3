"""The administration home page's cards (issue 10: each moves to the domain it counts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.admin.services import MANAGED_ROLES, override_window
from app.assist.models import CommunityTeam
from app.catalogue.models import CalendarOverride, Procedure, Unit
from app.core import clock
from app.core.admin import Card, provide
from app.extensions import db


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


def teams() -> dict[str, Any]:
    active = CommunityTeam.is_active.is_(True)
    return {"teams": _count(select(func.count()).select_from(CommunityTeam).where(active))}


def guides() -> dict[str, Any]:
    return {
        "procedures": _count(select(func.count()).select_from(Procedure)),
        "guides": _count(
            select(func.count()).select_from(Procedure).where(Procedure.helper_guide != "")
        ),
    }


def calendar() -> dict[str, Any]:
    first, last = override_window(clock.today())
    window = CalendarOverride.day.between(first, last)
    return {
        "overrides": _count(select(func.count()).select_from(CalendarOverride).where(window)),
        "first": first,
        "last": last,
    }


def provide_all() -> None:
    provide(Card(10, "catalogue/admin/_card_units.html", units))
    provide(Card(20, "accounts/admin/_card_staff.html", staff))
    provide(Card(40, "assist/admin/_card_teams.html", teams))
    provide(Card(50, "catalogue/admin/_card_guides.html", guides))
    provide(Card(60, "dossiers/admin/_card_calendar.html", calendar))
