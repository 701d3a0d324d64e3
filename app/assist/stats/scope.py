"""Which teams a user may see of the teams' numbers, and which of them the filters select."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select

from app.assist.models import CommunityTeam
from app.assist.stats.periods import Period, period_from
from app.core.bounds import parse_id
from app.core.roles import Role
from app.core.text import fold
from app.extensions import db
from app.geo import commune_name


@dataclass(frozen=True)
class Scope:
    """The teams a user may see: one team, the teams of some communes, or every team.

    ``commune_codes`` None means every commune of the province (a provincial centre, the
    administrator); an empty set means none (an officer not yet placed in a unit).
    """

    label: str
    team_id: int | None = None
    commune_codes: frozenset[str] | None = None

    @property
    def is_one_team(self) -> bool:
        return self.team_id is not None

    def conditions(self) -> list[ColumnElement[bool]]:
        if self.team_id is not None:
            return [CommunityTeam.id == self.team_id]
        if self.commune_codes is not None:
            return [CommunityTeam.commune_code.in_(sorted(self.commune_codes) or ["-"])]
        return []


def scope_for(user: Any) -> Scope | None:
    """What ``user`` may see of the teams' numbers; None: nothing (the view answers 403).

    A team member sees their own team; a one-stop officer or a specialist the teams of the
    communes of their units, every team when one unit is the provincial centre (no commune);
    the administrator every team. Postal staff (who also fill applications for citizens),
    citizens and a team member without a team see nothing.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    role = user.role
    if role == Role.COMMUNITY:
        team = user.team if user.team_id else None
        if team is None:
            return None
        return Scope(label=team.name, team_id=team.id)
    if role in (Role.OFFICER, Role.SPECIALIST):
        codes = [unit.commune_code for unit in user.units]
        if any(code is None for code in codes):
            return Scope(label="Tất cả các tổ trong tỉnh")
        if not codes:
            return Scope(
                label="Chưa có tổ nào: tài khoản chưa thuộc đơn vị nào", commune_codes=frozenset()
            )
        names = ", ".join(
            _in_sentence(commune_name(code))
            for code in sorted(set(codes), key=lambda c: fold(commune_name(c)))
        )
        return Scope(label=f"Các tổ của {names}", commune_codes=frozenset(codes))
    if role == Role.ADMIN:
        return Scope(label="Tất cả các tổ trong tỉnh")
    return None


def _in_sentence(name: str) -> str:
    """ "Xã Anh Sơn" reads "xã Anh Sơn" inside a sentence."""
    return name[:1].lower() + name[1:]


# --- the filters and the teams they select -----------------------------------------------------


@dataclass(frozen=True)
class Filters:
    period: Period
    commune: str = ""
    team_id: int | None = None

    def as_args(self) -> dict[str, str]:
        args = {"tu": self.period.first.isoformat(), "den": self.period.last.isoformat()}
        if self.commune:
            args["xa"] = self.commune
        if self.team_id:
            args["to"] = str(self.team_id)
        return args


@dataclass(frozen=True)
class TeamInfo:
    """A team as the page and the CSV show it (plain data, not the ORM row)."""

    id: int
    name: str
    village: str
    commune_code: str
    commune_name: str
    is_active: bool


def teams_in_scope(scope: Scope) -> list[TeamInfo]:
    """Every team the user may choose, by commune name then team name."""
    rows = db.session.execute(
        select(
            CommunityTeam.id,
            CommunityTeam.name,
            CommunityTeam.village,
            CommunityTeam.commune_code,
            CommunityTeam.is_active,
        ).where(*scope.conditions())
    ).all()
    teams = [
        TeamInfo(
            row.id,
            row.name,
            row.village,
            row.commune_code,
            commune_name(row.commune_code),
            row.is_active,
        )
        for row in rows
    ]
    return sorted(teams, key=lambda t: (fold(t.commune_name), fold(t.name), t.id))


def filters_from(
    args: Mapping[str, str], teams: Iterable[TeamInfo], today: date
) -> tuple[Filters, str]:
    """The filters of the query string; a commune or team outside the user's teams is dropped."""
    teams = list(teams)
    period, note = period_from(args.get("tu"), args.get("den"), today)
    commune = (args.get("xa") or "").strip()
    if commune not in {t.commune_code for t in teams}:
        commune = ""
    raw_team = (args.get("to") or "").strip()
    team_id = parse_id(raw_team)
    chosen = next((t for t in teams if t.id == team_id), None)
    if chosen is None or (commune and chosen.commune_code != commune):
        team_id = None
    return Filters(period, commune, team_id), note
