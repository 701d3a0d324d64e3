"""The counts of the teams' numbers: one aggregate query in the database per grouping.

One subquery gives every assisted dossier of the selection its week (a CASE over week
boundaries computed here from the chosen dates) and its outcome; each grouping (team and week,
team, commune and week, commune, week, everything) is then one aggregate query over it.
Citizens are counted distinct inside each group, so a team's total is not the sum of its weeks
when someone came back twice. No dialect date function is used, so SQLite and PostgreSQL count
alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, literal, select
from sqlalchemy.sql import Subquery

from app.assist.models import CommunityTeam
from app.assist.stats.periods import Week
from app.assist.stats.scope import Filters, Scope, TeamInfo
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.geo import commune_name

# What became of a dossier so far, in the order the tables show it.
OUTCOMES = ("in_progress", "on_time", "late", "refused", "withdrawn")
OUTCOME_LABELS = {
    "in_progress": "Đang giải quyết",
    "on_time": "Trả đúng hạn",
    "late": "Trả quá hạn",
    "refused": "Từ chối tiếp nhận",
    "withdrawn": "Rút hoặc dừng giải quyết",
}
COLUMN_LABELS = {
    "citizens": "Người dân được hỗ trợ",
    "dossiers": "Hồ sơ nộp có hỗ trợ",
    **OUTCOME_LABELS,
}


@dataclass
class Counts:
    citizens: int = 0
    dossiers: int = 0
    in_progress: int = 0
    on_time: int = 0
    late: int = 0
    refused: int = 0
    withdrawn: int = 0

    def values(self) -> list[int]:
        return [getattr(self, f.name) for f in fields(self)]


COUNT_FIELDS = tuple(f.name for f in fields(Counts))


@dataclass
class TeamRow:
    team: TeamInfo
    total: Counts
    weeks: list[Counts]


@dataclass
class CommuneRow:
    code: str
    name: str
    team_count: int
    total: Counts
    weeks: list[Counts]


@dataclass
class Report:
    scope: Scope
    filters: Filters
    weeks: tuple[Week, ...]
    total: Counts
    by_week: list[Counts]
    teams: list[TeamRow] = field(default_factory=list)
    # Only when whole communes are selected: a single team, or a team member's own team, is not
    # "the commune".
    communes: list[CommuneRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.total.dossiers == 0

    @property
    def active_teams(self) -> list[TeamRow]:
        """Teams that submitted at least one dossier in the period."""
        return [row for row in self.teams if row.total.dossiers]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _week_expression(weeks: tuple[Week, ...]) -> ColumnElement[int]:
    """The index of the week a dossier was submitted in (rows are already within the period)."""
    last = literal(weeks[-1].index)
    if len(weeks) == 1:
        return last
    whens = [
        (Dossier.submitted_at < _start_of(week.last + timedelta(days=1)), literal(week.index))
        for week in weeks[:-1]
    ]
    return case(*whens, else_=last)


def _outcome_expression() -> ColumnElement[str]:
    status = Dossier.status
    return case(
        # The return records on_time (actions.py); a return not known to be on time is late.
        (and_(status == DossierStatus.RETURNED, Dossier.on_time.is_(True)), literal("on_time")),
        (status == DossierStatus.RETURNED, literal("late")),
        (status == DossierStatus.REFUSED, literal("refused")),
        (
            status.in_([DossierStatus.WITHDRAWN, DossierStatus.STOPPED]),
            literal("withdrawn"),
        ),
        else_=literal("in_progress"),
    )


def _assisted(scope: Scope, filters: Filters, weeks: tuple[Week, ...]) -> Subquery:
    """One row per assisted dossier of the selection: team, commune, week, citizen, outcome."""
    period = filters.period
    stmt = (
        select(
            Dossier.assist_team_id.label("team_id"),
            CommunityTeam.commune_code.label("commune"),
            _week_expression(weeks).label("week"),
            Dossier.owner_id.label("owner_id"),
            _outcome_expression().label("outcome"),
        )
        .join(CommunityTeam, CommunityTeam.id == Dossier.assist_team_id)
        .where(
            *scope.conditions(),
            *_filter_conditions(filters),
            Dossier.status != DossierStatus.DRAFT,
            Dossier.submitted_at >= _start_of(period.first),
            Dossier.submitted_at < _start_of(period.last + timedelta(days=1)),
        )
    )
    return stmt.subquery("assisted")


def _filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.commune:
        conditions.append(CommunityTeam.commune_code == filters.commune)
    if filters.team_id:
        conditions.append(CommunityTeam.id == filters.team_id)
    return conditions


def _aggregate(assisted: Subquery, *keys: str) -> dict[tuple[Any, ...], Counts]:
    """Counts per group of ``keys`` (no keys: one group, the whole selection)."""
    columns = [assisted.c[key] for key in keys]
    outcome = assisted.c.outcome
    stmt = select(
        *columns,
        func.count(distinct(assisted.c.owner_id)),
        func.count(),
        *(func.coalesce(func.sum(case((outcome == o, 1), else_=0)), 0) for o in OUTCOMES),
    )
    if columns:
        stmt = stmt.group_by(*columns)
    counts = {}
    for row in db.session.execute(stmt):
        values = [int(v or 0) for v in row[len(keys) :]]
        counts[tuple(row[: len(keys)])] = Counts(*values)
    return counts


def _by_week(
    groups: dict[tuple[Any, ...], Counts], key: Any, weeks: tuple[Week, ...]
) -> list[Counts]:
    return [groups.get((key, week.index), Counts()) for week in weeks]


def build_report(scope: Scope, filters: Filters, teams: list[TeamInfo]) -> Report:
    """The numbers of the teams selected by ``filters`` among ``teams`` (those of ``scope``)."""
    weeks = filters.period.weeks
    assisted = _assisted(scope, filters, weeks)
    total = _aggregate(assisted).get((), Counts())
    weekly = _aggregate(assisted, "week")
    report = Report(
        scope=scope,
        filters=filters,
        weeks=weeks,
        total=total,
        by_week=[weekly.get((week.index,), Counts()) for week in weeks],
    )
    if report.is_empty:
        return report

    per_team = _aggregate(assisted, "team_id")
    per_team_week = _aggregate(assisted, "team_id", "week")
    selected = [
        team
        for team in teams
        if (not filters.commune or team.commune_code == filters.commune)
        and (not filters.team_id or team.id == filters.team_id)
        # A team closed since still shows for the weeks it helped people.
        and (team.is_active or (team.id,) in per_team)
    ]
    report.teams = [
        TeamRow(team, per_team.get((team.id,), Counts()), _by_week(per_team_week, team.id, weeks))
        for team in selected
    ]
    if not scope.is_one_team and not filters.team_id:
        per_commune = _aggregate(assisted, "commune")
        per_commune_week = _aggregate(assisted, "commune", "week")
        codes = list(dict.fromkeys(team.commune_code for team in selected))
        report.communes = [
            CommuneRow(
                code,
                commune_name(code),
                sum(1 for team in selected if team.commune_code == code),
                per_commune.get((code,), Counts()),
                _by_week(per_commune_week, code, weeks),
            )
            for code in codes
        ]
    return report
