"""The administration home page's cards (issue 10: each moves to the domain it counts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.admin.services import override_window
from app.assist.models import CommunityTeam
from app.catalogue.models import CalendarOverride
from app.core import clock
from app.core.admin import Card, provide
from app.extensions import db
from app.postal.models import PostOffice


def _count(stmt) -> int:  # type: ignore[no-untyped-def]
    return int(db.session.scalar(stmt) or 0)


def post_offices() -> dict[str, Any]:
    return {"post_offices": _count(select(func.count()).select_from(PostOffice))}


def teams() -> dict[str, Any]:
    active = CommunityTeam.is_active.is_(True)
    return {"teams": _count(select(func.count()).select_from(CommunityTeam).where(active))}


def calendar() -> dict[str, Any]:
    first, last = override_window(clock.today())
    window = CalendarOverride.day.between(first, last)
    return {
        "overrides": _count(select(func.count()).select_from(CalendarOverride).where(window)),
        "first": first,
        "last": last,
    }


def provide_all() -> None:
    provide(Card(30, "postal/admin/_card_post_offices.html", post_offices))
    provide(Card(40, "assist/admin/_card_teams.html", teams))
    provide(Card(60, "dossiers/admin/_card_calendar.html", calendar))
