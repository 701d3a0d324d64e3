"""The reads of assist's pages: the citizen a volunteer serves, the codes and dossiers of their
work, and the community teams as the administration lists them."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import OneTimeCode, User
from app.assist.models import CommunityTeam
from app.core.roles import Role
from app.core.text import fold
from app.dossiers.models import Dossier
from app.extensions import db
from app.geo import commune_name

# The list of dossiers a volunteer helped with shows the latest ones.
HELPED_SHOWN = 200


# --- the volunteer's work ---------------------------------------------------------------------


def user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def citizen(user_id: int | None) -> User | None:
    """The citizen's account with this id (the last search found it), None for anyone else."""
    found = user(user_id)
    return found if found is not None and found.role == Role.CITIZEN else None


def consent_code(code_id: int | None, helper: User) -> OneTimeCode | None:
    """The consent code ``helper`` asked for, waiting to be typed back."""
    row = db.session.get(OneTimeCode, code_id) if code_id else None
    if row is None or row.requested_by_id != helper.id or row.purpose != "consent":
        return None
    return row


def submitted_dossier(dossier_id: int) -> Dossier | None:
    dossier = db.session.get(Dossier, dossier_id)
    return None if dossier is None or dossier.is_draft else dossier


def helped_dossiers(helper: User) -> list[Dossier]:
    """The dossiers ``helper`` filled in and submitted, latest first."""
    return list(
        db.session.scalars(
            select(Dossier)
            .where(Dossier.created_by_id == helper.id, Dossier.submitted_at.is_not(None))
            .order_by(Dossier.submitted_at.desc())
            .limit(HELPED_SHOWN)
        )
    )


# --- the community teams ----------------------------------------------------------------------


def _teams_in_order() -> list[CommunityTeam]:
    """Every team, active ones first, then by commune and village without diacritics."""
    teams = list(db.session.scalars(select(CommunityTeam)))
    teams.sort(key=lambda t: (not t.is_active, fold(commune_name(t.commune_code)), fold(t.village)))
    return teams


def search_teams(query: str = "") -> list[CommunityTeam]:
    """Teams; ``query`` matches name, village, meeting place or commune, without caring about
    case or diacritics (a province has a few thousand villages at most)."""
    teams = _teams_in_order()
    key = fold(query)
    if not key:
        return teams
    return [team for team in teams if key in _team_search_text(team)]


def _team_search_text(team: CommunityTeam) -> str:
    return fold(
        f"{team.name} {team.village} {team.meeting_place} {commune_name(team.commune_code)}"
    )


def team_member_counts() -> dict[int, int]:
    """Number of accounts (active or not) per team id."""
    rows = db.session.execute(
        select(User.team_id, func.count()).where(User.team_id.is_not(None)).group_by(User.team_id)
    )
    return {team_id: count for team_id, count in rows}


def team_members(team: CommunityTeam) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.team_id == team.id)
            .order_by(User.is_active_account.desc(), User.full_name)
        )
    )


def active_team_count() -> int:
    active = CommunityTeam.is_active.is_(True)
    return int(db.session.scalar(select(func.count()).select_from(CommunityTeam).where(active)))
