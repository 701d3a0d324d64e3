"""Accounts reads: who is signed in, the accounts a code may be sent to, staff accounts and their
counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User, UserSession, unit_memberships
from app.accounts.staff import MANAGED_ROLES
from app.catalogue.models import Unit
from app.core.paging import Page, paginate_query
from app.core.roles import Role
from app.core.text import fold
from app.extensions import db


def signed_in_user(user_id: int, key_hash: str, begun_after: datetime) -> User | None:
    """The active user whose open session (begun after ``begun_after``) has this key: one
    query on every signed-in request (app/accounts/signin.py)."""
    return db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.is_active_account.is_(True),
            UserSession.key_hash == key_hash,
            UserSession.ended_at.is_(None),
            UserSession.created_at > begun_after,
        )
    )


def claimable_account(phone: str) -> User | None:
    """A citizen's account that someone opened for them and they have not claimed yet: it has
    no password, so only a code sent to its phone can open it."""
    return db.session.scalar(
        select(User).where(
            User.phone == phone,
            User.password_hash.is_(None),
            User.role == Role.CITIZEN,
            User.is_active_account.is_(True),
        )
    )


def account_to_reset(phone: str) -> User | None:
    """The active account of ``phone`` whose password may be reset with a code sent to it (one
    never claimed gets its first password that way too)."""
    return db.session.scalar(
        select(User).where(User.phone == phone, User.is_active_account.is_(True))
    )


def user_by_phone(phone: str) -> User | None:
    return db.session.scalar(select(User).filter_by(phone=phone))


def user_by_id_number(id_number: str) -> User | None:
    return db.session.scalar(select(User).filter_by(id_number=id_number))


# --- staff accounts -----------------------------------------------------------------------------


def staff_page(query: str = "", role: str = "", number: int = 1) -> Page[User]:
    """One page of staff accounts (never citizens): active first, by role then folded name;
    ``query`` matches the name without case or diacritics, or 3+ digits of the phone. Paged in
    SQL, with each row's units, post office and team loaded by the same few queries."""
    roles = [role] if role in MANAGED_ROLES else list(MANAGED_ROLES)
    stmt = (
        select(User)
        .where(User.role.in_(roles))
        .options(selectinload(User.units), joinedload(User.post_office), joinedload(User.team))
        .order_by(
            User.is_active_account.desc(),
            case({r.value: i for i, r in enumerate(MANAGED_ROLES)}, value=User.role),
            User.name_key,
            User.id,
        )
    )
    key = fold(query)
    if key:
        digits = "".join(ch for ch in query if ch.isdigit())
        found = User.name_key.contains(key, autoescape=True)
        if len(digits) >= 3:
            found = or_(found, User.phone.contains(digits, autoescape=True))
        stmt = stmt.where(found)
    return paginate_query(stmt, number)


def get_staff(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or user.role not in MANAGED_ROLES:
        return None
    return user


def staff_counts() -> dict[int, int]:
    """Number of staff accounts per unit id (active or not)."""
    rows = db.session.execute(
        select(unit_memberships.c.unit_id, func.count())
        .join(User, User.id == unit_memberships.c.user_id)
        .where(User.role.in_(MANAGED_ROLES))
        .group_by(unit_memberships.c.unit_id)
    )
    return {unit_id: count for unit_id, count in rows}


def units_by_id(unit_ids: Iterable[int]) -> list[Unit]:
    """The units of these ids that exist, by code."""
    ids = sorted(set(unit_ids))
    if not ids:
        return []
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code)))


def _count(stmt) -> int:  # type: ignore[no-untyped-def]
    return int(db.session.scalar(stmt) or 0)


def staff_card() -> dict[str, Any]:
    """The staff accounts' card on the administration's home page."""
    managed = select(func.count()).select_from(User).where(User.role.in_(MANAGED_ROLES))
    return {
        "staff": _count(managed),
        "inactive": _count(managed.where(User.is_active_account.is_(False))),
    }
