"""Post offices as the administration sees them: the list and its search, the communes each
serves, its staff, its closed days, and who may manage its schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app import geo
from app.accounts.models import User
from app.core import clock
from app.core.roles import Permission, has_permission
from app.core.text import fold
from app.extensions import db
from app.postal.models import PostOffice, PostOfficeClosure, PostOfficeCommune
from app.postal.queries.tokens import office_tokens


def can_manage_post_office(user: User, office: PostOffice) -> bool:
    """Schedules and closed days: the administrator for any office, a post office head for
    their own office only."""
    if has_permission(user, Permission.MANAGE):
        return True
    return has_permission(user, Permission.POSTAL_MANAGE) and user.post_office_id == office.id


def _offices_with_communes() -> list[PostOffice]:
    return list(
        db.session.scalars(
            select(PostOffice).options(selectinload(PostOffice.communes)).order_by(PostOffice.code)
        )
    )


def search_post_offices(query: str = "") -> list[PostOffice]:
    """Post offices by code; ``query`` matches code, name, address or a commune served,
    without caring about case or diacritics (a province has at most a few hundred)."""
    offices = _offices_with_communes()
    key = fold(query)
    if not key:
        return offices
    return [office for office in offices if key in _post_office_search_text(office)]


def _post_office_search_text(office: PostOffice) -> str:
    places = " ".join(commune_label(code) for code in office.commune_codes)
    return fold(f"{office.code} {office.name} {office.address} {places}")


def commune_label(code: str) -> str:
    place = geo.commune(code)
    return place.name if place else code


def served_commune_names(office: PostOffice) -> list[str]:
    """The communes ``office`` serves, by name without diacritics."""
    names = [commune_label(code) for code in office.commune_codes]
    return sorted(names, key=fold)


def post_office_staff_counts() -> dict[int, int]:
    """Number of staff accounts (active or not) per post office id."""
    rows = db.session.execute(
        select(User.post_office_id, func.count())
        .where(User.post_office_id.is_not(None))
        .group_by(User.post_office_id)
    )
    return {office_id: count for office_id, count in rows}


def post_office_staff(office: PostOffice) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.post_office_id == office.id)
            .order_by(User.is_active_account.desc(), User.full_name)
        )
    )


def commune_holders() -> dict[str, PostOffice]:
    """The office serving each commune that has one."""
    rows = db.session.scalars(
        select(PostOfficeCommune).options(joinedload(PostOfficeCommune.post_office))
    )
    return {row.commune_code: row.post_office for row in rows}


@dataclass(frozen=True)
class CommuneChoice:
    code: str
    name: str
    holder: PostOffice | None


def commune_groups(
    office: PostOffice | None, province_code: int
) -> list[tuple[str, list[CommuneChoice]]]:
    """The province's communes for the check boxes of a post office form, in three groups
    (served by this office, by none, by another office), each in alphabetical order. The
    groups follow what is saved, so a box ticked by hand does not jump on a 422 page."""
    holders = commune_holders()
    groups: dict[str, list[CommuneChoice]] = {"mine": [], "free": [], "other": []}
    for place in geo.communes(province_code):
        holder = holders.get(place.code)
        if holder is None:
            kind = "free"
        elif office is not None and holder.id == office.id:
            kind = "mine"
        else:
            kind = "other"
        groups[kind].append(CommuneChoice(place.code, place.name, holder))
    titles = {
        "mine": "Bưu cục này đang phục vụ",
        "free": "Chưa có bưu cục phục vụ",
        "other": "Đang do bưu cục khác phục vụ",
    }
    return [(titles[kind], items) for kind, items in groups.items() if items]


def upcoming_closures(office: PostOffice, today: date) -> list[PostOfficeClosure]:
    return list(
        db.session.scalars(
            select(PostOfficeClosure)
            .where(PostOfficeClosure.post_office_id == office.id, PostOfficeClosure.day >= today)
            .order_by(PostOfficeClosure.day)
        )
    )


def office_overview(office: PostOffice) -> dict[str, Any]:
    """What the office's page shows beside its form: communes, staff, closed days, live keys."""
    return {
        "communes": served_commune_names(office),
        "staff": post_office_staff(office),
        "closures": upcoming_closures(office, clock.today()),
        "tokens": sum(1 for t in office_tokens(office) if t.revoked_at is None),
    }


def post_offices_card() -> dict[str, Any]:
    """The administration home page's card (app/core/admin.py)."""
    return {
        "post_offices": int(db.session.scalar(select(func.count()).select_from(PostOffice)) or 0)
    }
