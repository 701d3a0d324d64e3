"""The administration home page's cards (issue 10: each moves to the domain it counts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.core.admin import Card, provide
from app.extensions import db
from app.postal.models import PostOffice


def _count(stmt) -> int:  # type: ignore[no-untyped-def]
    return int(db.session.scalar(stmt) or 0)


def post_offices() -> dict[str, Any]:
    return {"post_offices": _count(select(func.count()).select_from(PostOffice))}


def provide_all() -> None:
    provide(Card(30, "postal/admin/_card_post_offices.html", post_offices))
