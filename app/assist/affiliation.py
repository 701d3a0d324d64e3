"""Community digital technology team members belong to a team: the staff form's ``team``
field, registered with accounts (app/accounts/affiliations.py)."""

from __future__ import annotations

from sqlalchemy import select

from app import geo
from app.accounts.affiliations import Affiliation, register
from app.assist.models import CommunityTeam
from app.core.errors import Invalid
from app.core.roles import Role
from app.core.text import fold
from app.extensions import db


def _commune_name(code: str) -> str:
    place = geo.commune(code)
    return place.name if place else code


def all_teams() -> list[CommunityTeam]:
    """Every team, active ones first, then by commune and village without diacritics."""
    teams = list(db.session.scalars(select(CommunityTeam)))
    teams.sort(
        key=lambda t: (not t.is_active, fold(_commune_name(t.commune_code)), fold(t.village))
    )
    return teams


def choices() -> list[tuple[str, str]]:
    return [("", "— Không thuộc tổ nào —")] + [
        (
            str(team.id),
            f"{team.name} ({_commune_name(team.commune_code)})"
            + ("" if team.is_active else " – ngừng hoạt động"),
        )
        for team in all_teams()
    ]


def check(chosen: int | None, *, required: bool, current: int | None = None) -> int | None:
    """The community team of a staff account: required for team members, refused for the other
    roles (a member helps people in their own village, and the team's numbers count by team).
    A team that stopped working takes no new member; one already in it may stay."""
    team = db.session.get(CommunityTeam, chosen) if chosen is not None else None
    if chosen is not None and team is None:
        raise Invalid("Tổ đã chọn không còn tồn tại. Hãy chọn lại.", "team")
    if required and team is None:
        raise Invalid(
            "Thành viên Tổ công nghệ số cộng đồng phải thuộc một tổ: hồ sơ họ giúp người dân "
            "nộp được ghi tên tổ và nơi hỗ trợ. Nếu chưa có tổ của thôn, bản này, hãy thêm tổ "
            "ở trang “Tổ công nghệ số cộng đồng” trước.",
            "team",
        )
    if not required and team is not None:
        raise Invalid(
            "Chỉ thành viên Tổ công nghệ số cộng đồng mới thuộc một tổ. Với vai trò này, hãy để "
            "trống ô “Tổ công nghệ số cộng đồng”.",
            "team",
        )
    if team is not None and not team.is_active and team.id != current:
        raise Invalid(
            f"“{team.name}” đã ngừng hoạt động nên không nhận thêm thành viên. Hãy chọn tổ "
            "khác, hoặc cho tổ hoạt động lại trước.",
            "team",
        )
    return team.id if team else None


def register_affiliation() -> None:
    register(Affiliation("team", frozenset({Role.COMMUNITY}), choices, check))
