"""Reads near the floor (issue 14): the public pages in one SQL statement each (and on PostgreSQL
in one round trip: no pre-ping, no BEGIN/COMMIT), the pool recovering from a database restart
without pinging."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from bs4 import BeautifulSoup
from helpers import fresh_get, login, statements, submit_dossier
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from app.catalogue.models import Unit
from app.core.transaction import read_only
from app.extensions import db


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


def terminate(pids: set[int]) -> int:
    """What a PostgreSQL restart does to the app's pooled connections, done from outside."""
    with create_engine(db.engine.url, poolclass=NullPool).connect() as connection:
        killed = connection.scalar(
            text("SELECT count(pg_terminate_backend(pid)) FROM unnest(:pids) AS pid"),
            {"pids": sorted(pids)},
        )
        connection.commit()
    return int(killed or 0)


@pytest.mark.parametrize("path", ["/healthz", "/thu-tuc", "/ho-so-cua-toi"])
def test_requests_recover_after_the_database_drops_every_connection(
    app, client, backend, citizen, path
) -> None:
    """No ping on checkout: the first request on a dead connection may fail (the health check
    answers 503, a page 500), SQLAlchemy then invalidates the whole pool, and every request
    after it succeeds on new connections: no loop of 500s."""
    if backend != "postgresql":
        pytest.skip("pg_terminate_backend: PostgreSQL only")
    login(client, citizen)  # "/ho-so-cua-toi" is a signed-in, transactional page
    db.session.close()
    db.engine.dispose()
    pids: set[int] = set()
    event.listen(db.engine, "connect", lambda dbapi, record: pids.add(dbapi.info.backend_pid))
    try:
        for _ in range(3):
            assert fresh_get(app, client, path).status_code == 200
        db.session.close()
        assert terminate(pids) == len(pids) >= 1
        outcomes: list[int | str] = []
        for _ in range(6):
            try:
                outcomes.append(fresh_get(app, client, path).status_code)
            except DBAPIError as error:  # the test client re-raises what production answers 500
                outcomes.append(type(error).__name__)
    finally:
        db.session.close()
        db.engine.dispose()
    first = 503 if path == "/healthz" else "OperationalError"
    assert outcomes == [first] + [200] * 5, outcomes


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


def test_the_request_that_meets_a_dead_connection_gets_the_error_page(
    app, client, backend, citizen
) -> None:
    """What a person sees in production (exceptions not re-raised): the app's own Vietnamese
    500 page, even though the session it would read the footer and the user with is broken."""
    if backend != "postgresql":
        pytest.skip("pg_terminate_backend: PostgreSQL only")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, citizen)
    db.session.close()
    db.engine.dispose()
    pids: set[int] = set()
    event.listen(db.engine, "connect", lambda dbapi, record: pids.add(dbapi.info.backend_pid))
    try:
        assert fresh_get(app, client, "/ho-so-cua-toi").status_code == 200
        db.session.close()
        assert terminate(pids) == len(pids) >= 1
        failed = fresh_get(app, client, "/ho-so-cua-toi")
        again = fresh_get(app, client, "/ho-so-cua-toi")
    finally:
        db.session.close()
        db.engine.dispose()
    assert failed.status_code == 500
    assert "Hệ thống gặp sự cố" in failed.text and "<main" in failed.text
    assert again.status_code == 200


def test_with_the_database_down_the_error_page_reads_nothing(app, client, backend, citizen) -> None:
    """The database refuses every connection: the 500 page cannot read the signed-in user or
    the footer's number, and is served without them instead of gunicorn's bare text."""
    if backend != "postgresql":
        pytest.skip("ALTER DATABASE … ALLOW_CONNECTIONS: PostgreSQL only")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, citizen)
    name = db.engine.url.database
    admin = create_engine(db.engine.url.set(database="postgres"), poolclass=NullPool)
    db.session.close()
    db.engine.dispose()
    pids: set[int] = set()
    event.listen(db.engine, "connect", lambda dbapi, record: pids.add(dbapi.info.backend_pid))
    try:
        assert fresh_get(app, client, "/ho-so-cua-toi").status_code == 200
        db.session.close()
        assert terminate(pids) == len(pids) >= 1
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.commit()
        down = fresh_get(app, client, "/ho-so-cua-toi")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            connection.commit()
        db.session.close()
        db.engine.dispose()
    assert down.status_code == 500
    page = BeautifulSoup(down.text, "html.parser")
    assert page.h1.get_text() == "Có lỗi xảy ra"
    assert page.find("main", id="main") and page.find("footer", class_="foot")
    assert fresh_get(app, client, "/ho-so-cua-toi").status_code == 200
