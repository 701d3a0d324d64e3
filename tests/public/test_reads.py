"""Reads near the floor (issue 14): the public pages in one SQL statement each (and on PostgreSQL
in one round trip: no pre-ping, no BEGIN/COMMIT), the pool recovering from a database restart
without pinging, and the administration's staff list paged and eager-loaded in SQL."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from helpers import make_post_office, submit_dossier
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from app.accounts.models import User
from app.assist.models import CommunityTeam
from app.catalogue.models import Unit
from app.core.roles import Role
from app.core.text import fold
from app.core.transaction import read_only
from app.extensions import db
from app.postal.models import PostOffice


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def fresh_get(app: Flask, client: FlaskClient, path: str):  # type: ignore[no-untyped-def]
    """A GET in an app context of its own, so with a session of its own, as in production (the
    tests' shared app context would otherwise hand the request the test's session and the
    objects already in it)."""
    db.session.commit()
    with app.app_context():
        return client.get(path)


@pytest.fixture
def pages(app, make_user, procedure) -> dict[str, str]:  # type: ignore[no-untyped-def]
    owner = make_user(full_name="Lương Thị Xuân", phone="0966123456", id_number="040195654321")
    dossier = submit_dossier(app, owner, procedure)
    return {
        "look-up": f"/tra-cuu/{dossier.code}",
        "catalogue search": "/thu-tuc?q=khai+sinh",
        "catalogue": "/thu-tuc",
        "procedure page": f"/thu-tuc/{procedure.code}",
        "health check": "/healthz",
    }


@pytest.mark.parametrize(
    "page", ["look-up", "catalogue search", "catalogue", "procedure page", "health check"]
)
def test_each_public_read_is_one_statement(app, client, pages, page) -> None:
    with statements() as seen:
        response = fresh_get(app, client, pages[page])
    assert response.status_code == 200
    assert len(seen) == 1, seen


def test_the_look_up_shows_what_its_one_query_loaded(app, client, pages, procedure) -> None:
    with statements() as seen:
        html = fresh_get(app, client, pages["look-up"]).text
    assert len(seen) == 1
    facts = BeautifulSoup(html, "html.parser").select_one("dl.facts").get_text(" ", strip=True)
    assert procedure.name in facts
    assert "Trung tâm Phục vụ hành chính công" in facts  # the receiving unit, joined


def test_the_procedure_page_lists_its_documents_from_one_query(app, client, procedure) -> None:
    names = [document.name for document in procedure.documents]
    assert names
    with statements() as seen:
        html = fresh_get(app, client, f"/thu-tuc/{procedure.code}").text
    assert len(seen) == 1
    assert all(name in html for name in names)


@contextmanager
def libpq_trace() -> Iterator[list[str]]:
    """The messages libpq sends while the block runs, on every connection it checks out."""
    messages: list[str] = []
    with tempfile.TemporaryFile("w+") as trace:

        def start(dbapi_connection: Any, record: Any, proxy: Any) -> None:
            dbapi_connection.pgconn.trace(trace.fileno())

        def stop(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.pgconn.untrace()

        event.listen(db.engine, "checkout", start)
        event.listen(db.engine, "checkin", stop)
        try:
            yield messages
        finally:
            event.remove(db.engine, "checkout", start)
            event.remove(db.engine, "checkin", stop)
            trace.flush()
            trace.seek(0)
            messages += [line for line in trace.read().splitlines() if "\tF\t" in line]


def round_trips(messages: list[str]) -> int:
    """Client messages that wait for the server: a simple Query, or the Sync closing an
    extended-protocol Parse/Bind/Execute."""
    return sum(1 for line in messages if re.search(r"\tF\t\d+\t(Query|Sync)\b", line))


@pytest.mark.parametrize("page", ["look-up", "catalogue search", "procedure page", "health check"])
def test_each_public_read_is_one_round_trip_on_postgresql(app, client, backend, pages, page):  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip("libpq's trace: PostgreSQL only")
    fresh_get(app, client, pages[page])  # the pool holds a connection already, as in production
    with libpq_trace() as messages:
        assert fresh_get(app, client, pages[page]).status_code == 200
    assert round_trips(messages) == 1, messages  # no ping, no BEGIN, no COMMIT


def terminate_other_connections() -> int:
    """What a PostgreSQL restart does to the app's pooled connections, done from outside."""
    url = db.engine.url
    with create_engine(url, poolclass=NullPool).connect() as connection:
        killed = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        connection.commit()
    return int(killed or 0)


@pytest.mark.parametrize("path", ["/healthz", "/thu-tuc", "/tra-cuu"])
def test_requests_recover_after_the_database_drops_every_connection(
    app, client, backend, path
) -> None:
    if backend != "postgresql":
        pytest.skip("pg_terminate_backend: PostgreSQL only")
    for _ in range(3):
        assert fresh_get(app, client, path).status_code == 200
    db.session.close()
    assert terminate_other_connections() >= 1
    outcomes: list[int | str] = []
    for _ in range(6):
        try:
            outcomes.append(fresh_get(app, client, path).status_code)
        except DBAPIError as error:  # the test client re-raises what production answers 500
            outcomes.append(type(error.orig).__name__)
    assert outcomes[1:] == [200] * 5, outcomes  # at most the first request fails
    assert outcomes[0] in (200, 503, "OperationalError"), outcomes


def test_a_read_only_view_that_writes_is_refused(app) -> None:
    def writes() -> None:
        db.session.add(Unit(code="999.99.99.H40", name="Điểm tiếp nhận thử", kind="commune_centre"))
        db.session.flush()

    db.session.commit()
    with app.test_request_context("/thu-tuc", method="POST"):
        with pytest.raises(RuntimeError, match="read_only"):
            read_only(writes)()
        db.session.rollback()
    assert db.session.query(Unit).filter_by(code="999.99.99.H40").count() == 0


# --- the administration's staff list ----------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Võ", "Dương"]


def add_staff(make_user, count: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    """``count`` staff of every kind: officers with two units, postal staff with their post
    office, community members with their team."""
    units = list(db.session.scalars(db.select(Unit).order_by(Unit.code).limit(4)))
    office = db.session.scalar(db.select(PostOffice)) or make_post_office()
    team = db.session.scalar(db.select(CommunityTeam))
    if team is None:
        team = CommunityTeam(
            name="Tổ công nghệ số bản Huồi Tụ", commune_code="17329", village="Bản Huồi Tụ"
        )
        db.session.add(team)
        db.session.commit()
    for n in range(start, start + count):
        name = f"{FAMILY[n % len(FAMILY)]} Thị Hồng {n:03d}"
        kind = n % 3
        if kind == 0:
            make_user(role=Role.OFFICER, full_name=name, units=units[n % 3 : n % 3 + 2])
        elif kind == 1:
            make_user(role=Role.POSTAL, full_name=name, post_office_id=office.id)
        else:
            make_user(role=Role.COMMUNITY, full_name=name, team_id=team.id)


def staff_names(response) -> list[str]:  # type: ignore[no-untyped-def]
    html = BeautifulSoup(response.text, "html.parser")
    return [a.get_text() for a in html.select("tbody td:first-child a")]


def test_the_staff_list_costs_the_same_statements_for_6_or_60_staff(
    app, admin_client, make_user
) -> None:
    add_staff(make_user, 6)
    with statements() as few:
        first = fresh_get(app, admin_client, "/quan-tri/can-bo?q=thi+hong")
    add_staff(make_user, 54, start=6)
    with statements() as many:
        second = fresh_get(app, admin_client, "/quan-tri/can-bo?q=thi+hong")
    assert first.status_code == second.status_code == 200
    assert len(staff_names(first)) == 6 and len(staff_names(second)) == 50
    # Signing in (the session and its user), the count, the page with its post offices and
    # teams joined, the page's units, the gateway banner and the administrator's own units (the
    # footer's phone): no query per row.
    assert len(few) == len(many) == 6, many
    assert "Bưu điện xã Anh Sơn" in second.text and "Tổ công nghệ số bản Huồi Tụ" in second.text


def test_the_staff_list_pages_in_sql_in_folded_name_order(app, admin_client, make_user) -> None:
    add_staff(make_user, 60)
    locked = db.session.scalar(db.select(User).filter_by(full_name="Đặng Thị Hồng 005"))
    locked.is_active_account = False
    db.session.commit()
    first = fresh_get(app, admin_client, "/quan-tri/can-bo")
    last = fresh_get(app, admin_client, "/quan-tri/can-bo?trang=2")
    assert "61 tài khoản" in first.text  # 60 and the administrator
    names = staff_names(first) + staff_names(last)
    assert len(staff_names(first)) == 50 and len(names) == 61
    assert len(set(names)) == 61  # no row twice, none missing across the pages
    assert names[-1] == "Đặng Thị Hồng 005"  # locked accounts last
    # Officers first (the role order), each role by folded name: "Đ" sorts with "D", not
    # after "Z" as its code point would.
    officers = [f"{FAMILY[n % 10]} Thị Hồng {n:03d}" for n in range(0, 60, 3)]
    assert names[:20] == sorted(officers, key=fold)
    assert fresh_get(app, admin_client, "/quan-tri/can-bo?trang=9").text.count("<tr") == 12


def test_the_staff_search_runs_in_sql_without_diacritics(app, admin_client, make_user) -> None:
    add_staff(make_user, 12)
    found = staff_names(fresh_get(app, admin_client, "/quan-tri/can-bo?q=dang+thi"))
    assert found == ["Đặng Thị Hồng 005"]
    found = staff_names(fresh_get(app, admin_client, "/quan-tri/can-bo?q=HONG+01"))
    assert set(found) == {"Nguyễn Thị Hồng 010", "Trần Thị Hồng 011"}
    found = staff_names(fresh_get(app, admin_client, "/quan-tri/can-bo?q=100%25"))
    assert found == []  # LIKE's wildcards are escaped


def test_a_staff_members_name_key_follows_the_name(app, make_user) -> None:
    user = make_user(role=Role.OFFICER, full_name="Đỗ Văn Đức")
    assert user.name_key == "do van duc"
    user.full_name = "Võ  Thị Ánh"
    db.session.commit()
    assert db.session.scalar(text(f"SELECT name_key FROM users WHERE id = {user.id}")) == (
        "vo thi anh"
    )
