"""The community teams' numbers (issue 5): citizens helped and dossiers submitted with their
help, and what became of those dossiers so far, per team and per commune, by ISO week.

The database does the counting. One subquery gives every assisted dossier of the selection its
week (a CASE over week boundaries computed here from the chosen dates) and its outcome; each
grouping (team and week, team, commune and week, commune, week, everything) is then one
aggregate query over it. Citizens are counted distinct inside each group, so a team's total is
not the sum of its weeks when someone came back twice. No dialect date function is used, so
SQLite and PostgreSQL count alike.

Only counts leave this module: no citizen's name, phone or dossier code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, literal, select
from sqlalchemy.sql import Subquery

from app import geo
from app.assist.models import CommunityTeam
from app.core.roles import Role
from app.core.text import fold
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db

DEFAULT_WEEKS = 8
# A calendar year touches 54 ISO weeks at most; a little more keeps the CASE short anyway.
MAX_WEEKS = 60
WEEK = timedelta(days=7)

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


# --- weeks and the chosen period -------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day_month(day: date) -> str:
    return day.strftime("%d/%m")


@dataclass(frozen=True)
class Week:
    """One ISO week (Monday to Sunday), cut to the days of the period it belongs to."""

    index: int
    first: date
    last: date

    @property
    def number(self) -> int:
        return self.first.isocalendar().week

    @property
    def year(self) -> int:
        return self.first.isocalendar().year

    @property
    def label(self) -> str:
        """``Tuần 48 (23/11–29/11/2026)``; the year twice when the week straddles New Year."""
        if self.first.year == self.last.year:
            days = f"{_day_month(self.first)}–{self.last:%d/%m/%Y}"
        else:
            days = f"{self.first:%d/%m/%Y}–{self.last:%d/%m/%Y}"
        return f"Tuần {self.number} ({days})"


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def weeks(self) -> tuple[Week, ...]:
        weeks = []
        start = monday_of(self.first)
        while start <= self.last:
            first = max(start, self.first)
            last = min(start + timedelta(days=6), self.last)
            weeks.append(Week(len(weeks), first, last))
            start += WEEK
        return tuple(weeks)

    @property
    def label(self) -> str:
        return f"từ ngày {self.first:%d/%m/%Y} đến ngày {self.last:%d/%m/%Y}"


def default_period(today: date) -> Period:
    """The last eight weeks up to today: this week and the seven before it."""
    return Period(monday_of(today) - (DEFAULT_WEEKS - 1) * WEEK, today)


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def period_from(raw_first: str | None, raw_last: str | None, today: date) -> tuple[Period, str]:
    """The period asked for in the filter form, and a note when it had to be changed."""
    default = default_period(today)
    first, last = _parse_date(raw_first), _parse_date(raw_last)
    note = ""
    if (raw_first and first is None) or (raw_last and last is None):
        note = "Ngày không hợp lệ, đã dùng khoảng thời gian mặc định."
    if first is None and last is None:
        return default, note
    last = last or max(today, first or today)
    first = first or monday_of(last) - (DEFAULT_WEEKS - 1) * WEEK
    if first > last:
        first, last = last, first
        note = "Ngày bắt đầu sau ngày kết thúc: đã đổi chỗ hai ngày."
    earliest = monday_of(last) - (MAX_WEEKS - 1) * WEEK
    if first < earliest:
        first = earliest
        note = f"Mỗi lần xem được tối đa {MAX_WEEKS} tuần: số liệu tính từ ngày {first:%d/%m/%Y}."
    return Period(first, last), note


# --- who sees which teams --------------------------------------------------------------------


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


def commune_name(code: str) -> str:
    place = geo.commune(code)
    return place.name if place else code


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
    team_id = int(raw_team) if raw_team.isdigit() else None
    chosen = next((t for t in teams if t.id == team_id), None)
    if chosen is None or (commune and chosen.commune_code != commune):
        team_id = None
    return Filters(period, commune, team_id), note


# --- the counts ---------------------------------------------------------------------------------


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


# --- the CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = [
    "Xã, phường",
    "Tổ công nghệ số cộng đồng",
    "Thôn, bản, tổ dân phố",
    "Tuần",
    "Từ ngày",
    "Đến ngày",
    *COLUMN_LABELS.values(),
]
WHOLE_PERIOD = "Cả kỳ"
ALL_TEAMS = "Tất cả các tổ"
ALL_COMMUNES = "Tất cả các xã, phường"


def csv_rows(report: Report) -> Iterator[list[Any]]:
    """Every team week by week and over the period, then every commune the same way, then
    all of them when there are several communes (people are counted once, so the totals are
    not sums of the rows above).

    Team, commune, week and counts only: the file carries no personal data.
    """
    period = report.filters.period

    def lines(place: list[str], total: Counts, weeks: list[Counts]) -> Iterator[list[Any]]:
        for week, counts in zip(report.weeks, weeks, strict=True):
            yield [
                *place,
                week.label,
                f"{week.first:%d/%m/%Y}",
                f"{week.last:%d/%m/%Y}",
                *counts.values(),
            ]
        yield [
            *place,
            WHOLE_PERIOD,
            f"{period.first:%d/%m/%Y}",
            f"{period.last:%d/%m/%Y}",
            *total.values(),
        ]

    for row in report.teams:
        team = row.team
        yield from lines([team.commune_name, team.name, team.village], row.total, row.weeks)
    for commune in report.communes:
        yield from lines([commune.name, ALL_TEAMS, ""], commune.total, commune.weeks)
    if len(report.communes) > 1:
        yield from lines([ALL_COMMUNES, ALL_TEAMS, ""], report.total, report.by_week)
