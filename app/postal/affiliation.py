"""Postal workers and post office heads belong to a post office: the staff form's
``post_office`` field, registered with accounts (app/accounts/affiliations.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.affiliations import Affiliation, register
from app.core.errors import Invalid
from app.core.roles import POSTAL_ROLES
from app.extensions import db
from app.postal.models import PostOffice


def all_post_offices() -> list[PostOffice]:
    return list(
        db.session.scalars(
            select(PostOffice).options(selectinload(PostOffice.communes)).order_by(PostOffice.code)
        )
    )


def choices() -> list[tuple[str, str]]:
    return [("", "— Không thuộc bưu cục nào —")] + [
        (
            str(office.id),
            f"{office.name} ({office.code})" + ("" if office.is_active else " – ngừng hoạt động"),
        )
        for office in all_post_offices()
    ]


def check(chosen: int | None, *, required: bool, current: int | None = None) -> int | None:
    """The post office of a staff account: required for postal roles, refused for the others
    (a worker sees and collects only the dossiers of the communes their office serves)."""
    office = db.session.get(PostOffice, chosen) if chosen is not None else None
    if chosen is not None and office is None:
        raise Invalid("Bưu cục đã chọn không còn tồn tại. Hãy chọn lại.", "post_office")
    if required and office is None:
        raise Invalid(
            "Nhân viên bưu điện và trưởng bưu cục phải thuộc một bưu cục: họ chỉ làm việc với "
            "hồ sơ của các xã do bưu cục mình phục vụ.",
            "post_office",
        )
    if not required and office is not None:
        raise Invalid(
            "Chỉ nhân viên bưu điện và trưởng bưu cục mới thuộc một bưu cục. Với vai trò này, "
            "hãy để trống ô “Bưu cục”.",
            "post_office",
        )
    return office.id if office else None


def register_affiliation() -> None:
    register(Affiliation("post_office", frozenset(POSTAL_ROLES), choices, check))
