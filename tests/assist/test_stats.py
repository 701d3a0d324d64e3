"""The community teams' numbers: per team, per commune, by ISO week; who sees which teams; CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from helpers import complete_draft, login, submit_via_services
from sqlalchemy import event, select

from app.accounts.models import User
from app.assist.models import CommunityTeam
from app.assist.stats.export import ALL_COMMUNES, ALL_TEAMS, CSV_COLUMNS, WHOLE_PERIOD
from app.assist.stats.periods import MAX_WEEKS, Period, period_from
from app.assist.stats.report import COLUMN_LABELS, Counts, Report, build_report
from app.assist.stats.scope import filters_from, scope_for, teams_in_scope
from app.catalogue.models import Unit
from app.core import clock
from app.core.permissions import ACCESS_ATTRIBUTE
from app.core.roles import Role
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.geo import commune_name

NOW = datetime(2026, 12, 1, 10, 0)  # a Tuesday, in ISO week 49 (30/11–06/12/2026)
W48 = "Tuần 48 (23/11–29/11/2026)"
W49 = "Tuần 49 (30/11–01/12/2026)"  # the period ends today: the week is cut there
COMMUNE_A = "17329"  # Xã Anh Sơn
S = DossierStatus

# --- pure rules ---------------------------------------------------------------------------------


def test_weeks_are_iso_weeks_cut_to_the_period() -> None:
    period = Period(date(2026, 11, 25), date(2026, 12, 8))
    assert [(w.number, w.label) for w in period.weeks] == [
        (48, "Tuần 48 (25/11–29/11/2026)"),
        (49, "Tuần 49 (30/11–06/12/2026)"),
        (50, "Tuần 50 (07/12–08/12/2026)"),
    ]
    new_year = Period(date(2025, 12, 29), date(2026, 1, 4)).weeks
    assert [w.label for w in new_year] == ["Tuần 1 (29/12/2025–04/01/2026)"]
    assert new_year[0].year == 2026


def test_the_default_period_is_the_last_eight_weeks_up_to_today() -> None:
    period, note = period_from(None, None, NOW.date())
    assert (period.first, period.last, note) == (date(2026, 10, 12), NOW.date(), "")
    assert len(period.weeks) == 8
    assert period.weeks[0].label == "Tuần 42 (12/10–18/10/2026)"
    assert period.weeks[-1].label == W49


@pytest.mark.parametrize(
    ("first", "last", "expected", "noted"),
    [
        ("2026-11-23", "2026-11-29", (date(2026, 11, 23), date(2026, 11, 29)), False),
        ("2026-11-29", "2026-11-23", (date(2026, 11, 23), date(2026, 11, 29)), True),
        ("hôm qua", "", (date(2026, 10, 12), date(2026, 12, 1)), True),
        ("", "2026-11-29", (date(2026, 10, 5), date(2026, 11, 29)), False),
        ("2020-01-01", "2026-12-01", (date(2025, 10, 13), date(2026, 12, 1)), True),
    ],
)
def test_the_period_asked_for(first: str, last: str, expected, noted: bool) -> None:  # type: ignore[no-untyped-def]
    period, note = period_from(first, last, NOW.date())
    assert (period.first, period.last) == expected
    assert bool(note) == noted
    assert len(period.weeks) <= MAX_WEEKS


# --- the data: two teams in two communes, several citizens, two weeks --------------------------


@dataclass
class World:
    team_a: CommunityTeam
    team_a2: CommunityTeam  # same commune, helped nobody in the period
    team_b: CommunityTeam
    unit_a: Unit
    unit_b: Unit
    province: Unit
    citizens: list[User]


def _team(name: str, commune: str, village: str) -> CommunityTeam:
    team = CommunityTeam(name=name, commune_code=commune, village=village)
    db.session.add(team)
    db.session.flush()
    return team


def _assisted(owner: User, procedure, team, at: datetime, status: S, on_time=None):  # type: ignore[no-untyped-def]
    """A dossier submitted for ``owner`` with ``team``'s help at ``at``, now in ``status``."""
    dossier = submit_via_services(owner, procedure, token=f"t{at:%m%d%H%M}{status}")
    dossier.assist_team_id = team.id if team else None
    dossier.submitted_at = at
    dossier.status = status
    if status in (S.RETURNED, S.REFUSED, S.STOPPED, S.WITHDRAWN):
        dossier.closed_at = NOW
    if status == S.RETURNED:
        dossier.returned_at = NOW
        dossier.on_time = on_time
    db.session.commit()
    return dossier


@pytest.fixture
def world(app: Flask, make_user, procedure) -> World:  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    unit_a = db.session.scalar(select(Unit).where(Unit.commune_code == COMMUNE_A))
    unit_b = db.session.scalar(
        select(Unit)
        .where(Unit.commune_code.is_not(None), Unit.commune_code != COMMUNE_A)
        .order_by(Unit.code)
    )
    province = db.session.scalar(select(Unit).where(Unit.commune_code.is_(None)))
    team_a = _team("Tổ công nghệ số bản Huồi Tụ", COMMUNE_A, "Bản Huồi Tụ")
    team_a2 = _team("Tổ công nghệ số bản Xốp Mạt", COMMUNE_A, "Bản Xốp Mạt")
    team_b = _team("Tổ công nghệ số khối 3", unit_b.commune_code, "Khối 3")
    names = ["Vi Văn Khằm", "Lô Thị Mai", "Moong Văn Tuấn", "Kha Thị Xoan"]
    c1, c2, c3, c4 = citizens = [make_user(full_name=name) for name in names]
    week48 = datetime(2026, 11, 24, 9, 0)
    # Team A, week 48: c1 twice (one returned on time, one still being processed), c2 refused
    # (on Sunday night, the last minute of the week).
    _assisted(c1, procedure, team_a, week48, S.RETURNED, on_time=True)
    _assisted(c1, procedure, team_a, datetime(2026, 11, 26, 15, 0), S.PROCESSING)
    _assisted(c2, procedure, team_a, datetime(2026, 11, 29, 23, 59), S.REFUSED)
    # Team A, week 49: c1 again (returned late), c3 withdrew (Monday, the first minute).
    _assisted(c1, procedure, team_a, datetime(2026, 11, 30, 8, 0), S.RETURNED, on_time=False)
    _assisted(c3, procedure, team_a, datetime(2026, 11, 30, 0, 0), S.WITHDRAWN)
    # Team B: c4 stopped in week 48; in week 49 c4 waits for a supplement and c2 (helped by
    # both teams) got the result on time.
    _assisted(c4, procedure, team_b, week48, S.STOPPED)
    _assisted(c4, procedure, team_b, datetime(2026, 12, 1, 8, 30), S.SUPPLEMENT_REQUESTED)
    _assisted(c2, procedure, team_b, datetime(2026, 12, 1, 9, 0), S.RETURNED, on_time=True)
    # Not counted: applied alone, before the period, a draft, tomorrow.
    _assisted(c1, procedure, None, week48, S.SUBMITTED)
    _assisted(c3, procedure, team_a, datetime(2026, 9, 1, 9, 0), S.RETURNED, on_time=True)
    draft = complete_draft(c4, procedure, "draft")
    draft.assist_team_id = team_b.id
    _assisted(c3, procedure, team_b, datetime(2026, 12, 2, 8, 0), S.SUBMITTED)
    db.session.commit()
    return World(team_a, team_a2, team_b, unit_a, unit_b, province, citizens)


def counts(citizens, dossiers, in_progress=0, on_time=0, late=0, refused=0, withdrawn=0):  # type: ignore[no-untyped-def]
    return Counts(citizens, dossiers, in_progress, on_time, late, refused, withdrawn)


def _report(user: User, **args: str) -> Report:
    scope = scope_for(user)
    assert scope is not None
    teams = teams_in_scope(scope)
    filters, _ = filters_from(args, teams, NOW.date())
    return build_report(scope, filters, teams)


def _person(make_user, role: Role, **fields) -> User:  # type: ignore[no-untyped-def]
    return make_user(role=role, full_name=f"Người dùng {role}", **fields)


def test_counts_per_team_per_week_and_per_commune(world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    report = _report(_person(make_user, Role.ADMIN), tu="2026-11-23")
    assert [w.label for w in report.weeks] == [W48, W49]
    rows = {row.team.id: row for row in report.teams}
    assert set(rows) == {world.team_a.id, world.team_a2.id, world.team_b.id}
    a, a2, b = rows[world.team_a.id], rows[world.team_a2.id], rows[world.team_b.id]
    assert a.weeks == [
        counts(2, 3, in_progress=1, on_time=1, refused=1),
        counts(2, 2, late=1, withdrawn=1),
    ]
    # c1 came in both weeks: three people, not four.
    assert a.total == counts(3, 5, in_progress=1, on_time=1, late=1, refused=1, withdrawn=1)
    assert a2.total == counts(0, 0) and a2.weeks == [counts(0, 0), counts(0, 0)]
    assert b.weeks == [counts(1, 1, withdrawn=1), counts(2, 2, in_progress=1, on_time=1)]
    assert b.total == counts(2, 3, in_progress=1, on_time=1, withdrawn=1)

    communes = {c.code: c for c in report.communes}
    assert communes[COMMUNE_A].team_count == 2
    assert communes[COMMUNE_A].total == a.total
    assert communes[COMMUNE_A].weeks == a.weeks
    assert communes[world.unit_b.commune_code].total == b.total
    # c2 was helped by both teams: four people in all.
    assert report.total == counts(4, 8, in_progress=2, on_time=2, late=1, refused=1, withdrawn=2)
    assert report.by_week == [
        counts(3, 4, in_progress=1, on_time=1, refused=1, withdrawn=1),
        counts(4, 4, in_progress=1, on_time=1, late=1, withdrawn=1),
    ]


def test_filters_by_commune_and_team(world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    admin = _person(make_user, Role.ADMIN)
    by_commune = _report(admin, tu="2026-11-23", xa=COMMUNE_A)
    assert {row.team.id for row in by_commune.teams} == {world.team_a.id, world.team_a2.id}
    assert by_commune.total.dossiers == 5
    assert [c.code for c in by_commune.communes] == [COMMUNE_A]
    by_team = _report(admin, tu="2026-11-23", to=str(world.team_b.id))
    assert [row.team.id for row in by_team.teams] == [world.team_b.id]
    assert by_team.total.dossiers == 3
    assert by_team.communes == []  # one team is not "the commune"
    one_week = _report(admin, tu="2026-11-23", den="2026-11-29")
    assert one_week.total == counts(3, 4, in_progress=1, on_time=1, refused=1, withdrawn=1)


# --- who sees what ------------------------------------------------------------------------------


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    login(client, user)
    return client


def _page(client: FlaskClient, **args: str) -> BeautifulSoup:
    response = client.get("/ho-tro/thong-ke", query_string={"tu": "2026-11-23", **args})
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _csv(client: FlaskClient, **args: str) -> list[list[str]]:
    response = client.get("/ho-tro/thong-ke.csv", query_string={"tu": "2026-11-23", **args})
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _teams_in(rows: list[list[str]]) -> set[str]:
    return {row[1] for row in rows[1:]}


def _no_personal_data(text: str, world: World) -> None:
    for citizen in world.citizens:
        assert citizen.full_name not in text
        assert citizen.phone not in text
        assert citizen.id_number not in text


def test_a_team_member_sees_their_own_team_only(app: Flask, world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    member = _person(make_user, Role.COMMUNITY, team_id=world.team_a.id)
    client = _client(app, member)
    # Asking for the other team, or the other commune, does not widen what they see.
    for args in ({}, {"to": str(world.team_b.id)}, {"xa": world.unit_b.commune_code}):
        soup = _page(client, **args)
        text = soup.get_text(" ")
        assert world.team_a.name in text
        assert world.team_b.name not in text and world.team_a2.name not in text
        assert "Theo xã" not in text  # their team is not the commune
        _no_personal_data(text, world)
        assert soup.find("select", attrs={"name": "to"}) is None
        rows = _csv(client, **args)
        assert _teams_in(rows) == {world.team_a.name}
        assert rows[-1][3:] == [WHOLE_PERIOD, "23/11/2026", "01/12/2026", "3", "5"] + ["1"] * 5


def test_a_commune_officer_sees_the_teams_of_their_commune(
    app: Flask, world: World, make_user
) -> None:  # type: ignore[no-untyped-def]
    officer = _person(make_user, Role.OFFICER, units=[world.unit_a])
    client = _client(app, officer)
    text = _page(client, xa=world.unit_b.commune_code, to=str(world.team_b.id)).get_text(" ")
    assert world.team_a.name in text and world.team_a2.name in text
    assert world.team_b.name not in text
    _no_personal_data(text, world)
    assert _teams_in(_csv(client)) == {world.team_a.name, world.team_a2.name, ALL_TEAMS}

    specialist = _person(make_user, Role.SPECIALIST, units=[world.unit_b])
    rows = _csv(_client(app, specialist))
    assert _teams_in(rows) == {world.team_b.name, ALL_TEAMS}


def test_a_provincial_officer_and_the_administrator_see_every_team(
    app: Flask, world: World, make_user
) -> None:  # type: ignore[no-untyped-def]
    provincial = _person(make_user, Role.OFFICER, units=[world.province])
    admin = _person(make_user, Role.ADMIN)
    everyone = {world.team_a.name, world.team_a2.name, world.team_b.name, ALL_TEAMS}
    for user in (provincial, admin):
        client = _client(app, user)
        soup = _page(client)
        text = soup.get_text(" ")
        for team in (world.team_a, world.team_a2, world.team_b):
            assert team.name in text
        assert "Theo xã" in text and "Theo tổ" in text and "Từng tổ theo tuần" in text
        assert soup.find("select", attrs={"name": "xa"}) is not None
        _no_personal_data(text, world)
        assert _teams_in(_csv(client)) == everyone


@pytest.mark.parametrize("role", [Role.POSTAL, Role.POSTAL_HEAD, Role.CITIZEN])
def test_postal_staff_and_citizens_are_refused(app: Flask, world: World, make_user, role) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, _person(make_user, role))
    assert client.get("/ho-tro/thong-ke").status_code == 403
    assert client.get("/ho-tro/thong-ke.csv").status_code == 403


def test_a_team_member_without_a_team_is_refused(app: Flask, world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, _person(make_user, Role.COMMUNITY))
    assert client.get("/ho-tro/thong-ke").status_code == 403
    assert client.get("/ho-tro/thong-ke.csv").status_code == 403


def test_an_officer_of_no_unit_sees_no_team(app: Flask, world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, _person(make_user, Role.OFFICER))
    text = _page(client).get_text(" ")
    assert "Chưa có tổ công nghệ số cộng đồng nào" in text
    assert world.team_a.name not in text
    assert _csv(client) == [CSV_COLUMNS]


def test_anonymous_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    for url in ("/ho-tro/thong-ke", "/ho-tro/thong-ke.csv"):
        response = client.get(url)
        assert response.status_code == 303
        assert response.location.startswith("/dang-nhap")


# --- the page and the file ---------------------------------------------------------------------


def test_the_page_shows_the_weeks_and_the_totals(app: Flask, world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    officer = _person(make_user, Role.OFFICER, units=[world.unit_a])
    soup = _page(_client(app, officer))
    assert len(soup.find_all("h1")) == 1
    for field in soup.find("form", class_="filters").find_all(["input", "select"]):
        assert soup.find("label", attrs={"for": field["id"]}), field
    weekly = soup.find("h2", string="Theo tuần").find_next("table")
    body = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in weekly.tbody.find_all("tr")
    ]
    assert body == [
        [W48, "2", "3", "1", "1", "0", "1", "0"],
        [W49, "2", "2", "0", "0", "1", "0", "1"],
    ]
    foot = [c.get_text(strip=True) for c in weekly.tfoot.find_all(["th", "td"])]
    assert foot == ["Cả kỳ", "3", "5", "1", "1", "1", "1", "1"]
    headers = [th.get_text(strip=True) for th in weekly.thead.find_all("th")]
    assert headers == ["Tuần", *COLUMN_LABELS.values()]
    # A table wider than a phone scrolls in a region the keyboard can reach, and it is named.
    for table in soup.find_all("table"):
        region = table.find_parent("div", class_="scroll")
        assert region is not None
        assert region["tabindex"] == "0" and region["role"] == "region"
        assert region["aria-label"].strip()
    assert weekly.find_parent("div")["aria-label"] == "Theo tuần"
    # The CSV link carries the same filters.
    link = soup.find("a", string="Tải CSV")["href"]
    assert link.startswith("/ho-tro/thong-ke.csv?") and "tu=2026-11-23" in link


def test_the_csv_has_headers_rows_and_no_names(app: Flask, world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, _person(make_user, Role.ADMIN))
    response = client.get("/ho-tro/thong-ke.csv", query_string={"tu": "2026-11-23"})
    _no_personal_data(response.get_data(as_text=True), world)
    rows = _csv(client)
    assert rows[0] == CSV_COLUMNS
    assert rows[0][:4] == [
        "Xã, phường",
        "Tổ công nghệ số cộng đồng",
        "Thôn, bản, tổ dân phố",
        "Tuần",
    ]
    commune_a = commune_name(COMMUNE_A)
    by_key = {(row[0], row[1], row[3]): row[6:] for row in rows[1:]}
    assert by_key[(commune_a, world.team_a.name, W48)] == ["2", "3", "1", "1", "0", "1", "0"]
    assert by_key[(commune_a, world.team_a.name, WHOLE_PERIOD)] == [
        "3",
        "5",
        "1",
        "1",
        "1",
        "1",
        "1",
    ]
    assert by_key[(commune_a, world.team_a2.name, W49)] == ["0"] * 7
    commune_b = commune_name(world.unit_b.commune_code)
    assert by_key[(commune_b, ALL_TEAMS, W49)] == ["2", "2", "1", "1", "0", "0", "0"]
    # 3 teams, 2 communes and all of them, each with 2 weeks and the whole period.
    assert len(rows) == 1 + (3 + 2 + 1) * 3
    everything = {row[3]: row[6:] for row in rows[1:] if row[0] == ALL_COMMUNES}
    assert everything == {
        W48: ["3", "4", "1", "1", "0", "1", "1"],
        W49: ["4", "4", "1", "1", "1", "0", "1"],
        WHOLE_PERIOD: ["4", "8", "2", "2", "1", "1", "2"],
    }
    week_row = next(row for row in rows[1:] if row[3] == W48)
    assert week_row[4:6] == ["23/11/2026", "29/11/2026"]


def test_an_empty_period_says_so_politely(app: Flask, world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, _person(make_user, Role.OFFICER, units=[world.unit_a]))
    soup = _page(client, tu="2026-06-01", den="2026-06-30")
    text = soup.get_text(" ")
    assert (
        "Chưa có hồ sơ nào được nộp với sự hỗ trợ của tổ từ ngày 01/06/2026 đến ngày 30/06/2026"
        in text
    )
    assert soup.find("table") is None
    rows = _csv(client, tu="2026-06-01", den="2026-06-30")
    assert rows == [CSV_COLUMNS]


def test_the_numbers_are_aggregated_by_the_database(app: Flask, world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    """A handful of aggregate queries, whatever the number of dossiers."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        _report(_person(make_user, Role.ADMIN), tu="2026-11-23")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    on_dossiers = [s for s in statements if "FROM dossiers" in s]
    assert 1 <= len(on_dossiers) <= 6
    assert all("count(" in s.lower() for s in on_dossiers)


def test_many_teams_send_the_week_by_week_detail_to_the_csv(
    app: Flask, world: World, make_user, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from app.assist.views import stats as stats_views

    monkeypatch.setattr(stats_views, "DETAIL_LIMIT", 1)
    soup = _page(_client(app, _person(make_user, Role.ADMIN)))
    assert soup.find("details") is None
    assert "hãy chọn một xã hoặc một tổ" in soup.get_text(" ")


def test_the_routes_declare_who_may_call_them(app: Flask) -> None:
    for endpoint in ("assist_stats.index", "assist_stats.export_csv"):
        declared = getattr(app.view_functions[endpoint], ACCESS_ATTRIBUTE)
        assert declared == "permission:view_unit_dossiers,manage,help_as_volunteer"
