"""Fixtures: one app per test, on SQLite and (when TEST_DATABASE_URL is set) on PostgreSQL.

The schema is built once per backend by the real migrations into a template, with the national
units and the demo catalogue; each pytest-xdist worker works in its own copy of it, and the rows
a test writes are wiped before and after it.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from flask import Flask, g, has_request_context, request
from flask.testing import FlaskClient
from flask_migrate import upgrade
from gateways.fixtures import (  # noqa: F401  (fixtures: local eSMS, SMTP and S3 servers)
    blobs,
    bucket,
    callback_receiver,
    esms_gateway,
    make_smtp_server,
    object_storage,
    s3_server,
    smtp_certificate,
    trust_smtp_certificate,
)
from helpers import PASSWORD, login, wipe_user_tables
from oidc.fixtures import oidc_provider  # noqa: F401  (a real OpenID provider, under Node)
from sqlalchemy import create_engine, delete, event, inspect, make_url, select, text
from sqlalchemy.orm import Session

from app import create_app
from app.accounts.models import User, unit_memberships
from app.catalogue.models import Procedure, Unit
from app.cli import seed
from app.core import clock, limits
from app.core.roles import Role
from app.dossiers.models import DossierEvent
from app.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
_phones = itertools.count(1)


def _build(url: str) -> None:
    """Migrate ``url`` with the real migrations and load the national units and catalogue."""
    application = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with application.app_context():
        upgrade()
        seed(with_demo_accounts=False)
        db.session.remove()
        db.engine.dispose()


def _maintenance_engine(url: str):  # type: ignore[no-untyped-def]
    """A connection to the server's ``postgres`` database, outside any transaction."""
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def database_urls(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[dict[str, str]]:
    """One database per backend and per pytest-xdist worker, cloned from a template built once.

    The first worker to get the lock migrates and seeds a template on each backend: a SQLite file,
    and on PostgreSQL the ``TEST_DATABASE_URL`` database itself. Every worker then works in its
    own copy (a file, or ``CREATE DATABASE … TEMPLATE``), so workers never wipe each other's
    rows. Without xdist (``worker_id == "master"``) the template is used directly.
    """
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the run's directory, shared by its workers
    urls: dict[str, str] = {}
    clone = ""
    with FileLock(str(shared / "databases.lock")):
        template = shared / "template.sqlite3"
        if not template.exists():
            _build(f"sqlite:///{template}")
        if PG_URL and not (shared / "postgresql.built").exists():
            _build(PG_URL)
            (shared / "postgresql.built").touch()
        own = tmp_path_factory.mktemp("db") / "test.sqlite3"
        shutil.copyfile(template, own)
        urls["sqlite"] = f"sqlite:///{own}"
        if PG_URL and worker_id == "master":
            urls["postgresql"] = PG_URL
        elif PG_URL:
            template_name = make_url(PG_URL).database
            clone = f"{template_name}_{worker_id}"
            with _maintenance_engine(PG_URL).connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{clone}" TEMPLATE "{template_name}"'))
            urls["postgresql"] = (
                make_url(PG_URL).set(database=clone).render_as_string(hide_password=False)
            )
    yield urls
    if clone:
        with _maintenance_engine(PG_URL).connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app_config(tmp_path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": tmp_path / "uploads",
        "PDF_CACHE_DIR": str(tmp_path / "pdf-cache"),
        # Receipts render on first download; tests/documents/test_pdf_store.py switches the
        # thread that renders them at submission on.
        "PDF_PRERENDER_WORKERS": 0,
        "DEMO_MODE": False,
        "SERVER_NAME": "localhost",
        # Tests move the frozen clock by days between a clerk's requests; the idle sign-out has
        # its own tests (tests/assist/test_shared_device.py), which switch it back on.
        "STAFF_IDLE_MINUTES": 0,
        # One PBKDF2 round instead of scrypt: a test signs in hundreds of users, and what is
        # tested is that passwords are checked, not how slowly.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        # The rate limits run for real (in memory, counts reset before every test) but high,
        # since tests sign in many times from one address; tests/core/test_limits.py and the
        # tests beside each limited view set their own low limits.
        **{setting: "100000/minute" for setting in limits.SETTINGS},
    }


# A GET never writes (issue 10), checked on every request of every test: a flush with changes
# or an INSERT / UPDATE / DELETE during a GET is recorded and fails the test that made it.
# Only the read log is written on a GET: who read a dossier's personal data, who downloaded
# its result (Law 91/2025), and when an API token was last used. Two writes of security are
# made on a GET too: a shared device's idle sign-out ends its session on the server (so a copy
# of the cookie ends with it), and showing a secret once deletes it (app/accounts/shown_once.py).
READ_LOG = frozenset({"viewed", "result_downloaded"})
READ_LOG_COLUMNS = {"ApiToken": {"last_used_at"}}
SECURITY_WRITES_ON_GET = {("UPDATE", "user_sessions"), ("DELETE", "pending_secrets")}
# One GET is a webhook, not a page: eSMS sends its delivery reports as GETs (DOMAIN.md §12), and
# recording one updates its message. Allowed for that endpoint only, on the outbox's table only.
# Another is a protocol's return: the identity provider sends the browser back with a GET (OAuth
# 2 redirects are GETs), and that return signs in: it makes or brings up to date the account,
# begins the session and keeps the ID token for signing out at the provider.
WEBHOOK_WRITES_ON_GET = {
    "notifications.esms_report": {"notifications"},
    "accounts.provider_return": {
        "users",
        "user_sessions",
        "account_events",
        "provider_sign_ins",
    },
}
_writes_on_get: list[str] = []


def _in_a_get() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD")


def _is_read_log(instance: object) -> bool:
    return isinstance(instance, DossierEvent) and instance.action in READ_LOG


def _webhook_may_write(table: str) -> bool:
    return table in WEBHOOK_WRITES_ON_GET.get(request.endpoint or "", ())


def _allowed(instance: object) -> bool:
    return _webhook_may_write(getattr(instance, "__tablename__", ""))


@event.listens_for(Session, "before_flush")
def _changes_flushed_on_get(session: Session, flush_context: Any, instances: Any) -> None:
    if not _in_a_get():
        return
    changed = [
        *(o for o in session.new if not _is_read_log(o)),
        *(o for o in session.dirty if _changed_columns(o)),
        *session.deleted,
    ]
    changed = [o for o in changed if not _allowed(o)]
    for instance in changed:
        _writes_on_get.append(f"GET {request.path} writes {type(instance).__name__}")


def _changed_columns(instance: object) -> set[str]:
    """Columns of ``instance`` with a pending change, beyond those of the read log."""
    state = inspect(instance)
    changed = {
        a.key for a in state.attrs if a.key in state.mapper.columns and a.history.has_changes()
    }
    return changed - READ_LOG_COLUMNS.get(type(instance).__name__, set())


@event.listens_for(Session, "do_orm_execute")
def _statement_on_get(state: Any) -> None:
    if not _in_a_get():
        return
    if state.is_insert or state.is_update or state.is_delete:
        verb = str(state.statement).split()[0]
        table = getattr(getattr(state.statement, "table", None), "name", "")
        if (verb, table) not in SECURITY_WRITES_ON_GET and not _webhook_may_write(table):
            _writes_on_get.append(f"GET {request.path} runs {verb} on {table}")


_apps: dict[str, tuple[Flask, dict[str, Any]]] = {}
# Directories every test gets afresh (its own tmp_path), on an app otherwise shared.
PER_TEST_DIRS = ("UPLOAD_DIR", "PDF_CACHE_DIR")


def _app_for(config: dict[str, Any]) -> Flask:
    """The app of this configuration, made once per worker and given back its configuration
    as made for every test (tests may change ``app.config``). Making an app compiles every URL
    rule and every template again, which cost more than most tests."""
    key = repr(sorted((name, value) for name, value in config.items() if name not in PER_TEST_DIRS))
    if key not in _apps:
        application = create_app(config)

        # The app context below stays pushed and test requests reuse it; give every request an
        # empty ``g`` as production does, so a signed-in user never leaks between test clients.
        @application.before_request
        def forget_request_globals() -> None:
            for name in list(g):
                g.pop(name)

        _apps[key] = (application, dict(application.config))
    application, made = _apps[key]
    application.config.clear()
    application.config.update(made, **{name: config[name] for name in PER_TEST_DIRS})
    Path(config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    return application


@pytest.fixture
def app(backend: str, database_urls: dict[str, str], app_config: dict[str, Any]) -> Iterator[Flask]:
    application = _app_for({**app_config, "SQLALCHEMY_DATABASE_URI": database_urls[backend]})
    _writes_on_get.clear()
    limits.reset(application)
    with application.app_context():
        wipe_user_tables()
        yield application
        db.session.remove()
    clock.freeze(None)
    writes, _writes_on_get[:] = sorted(set(_writes_on_get)), []
    assert writes == [], "a GET must not write"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask):  # type: ignore[no-untyped-def]
    def factory(role: Role = Role.CITIZEN, **fields: Any) -> User:
        n = next(_phones)
        values = {
            "phone": f"09{n:08d}",
            "full_name": "Nguyễn Thị Hoa",
            "id_number": f"040190{n:06d}",
            "date_of_birth": date(1990, 5, 12),
            "sex": "female",
            "role": role,
            "privacy_consent_at": clock.now(),
        }
        values.update(fields)
        user = User(**values)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def citizen(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user()


@pytest.fixture
def procedure(app: Flask) -> Procedure:
    """Birth registration: commune tier, same-day, 15:00 cut-off."""
    return db.session.scalar(db.select(Procedure).where(Procedure.name == "Đăng ký khai sinh"))


@pytest.fixture
def clean_units(app: Flask) -> Iterator[None]:
    """Units are seeded once per backend and not wiped between tests: remove the ones a test
    adds. Memberships are cleared too (SQLite does not cascade the wipe of users)."""
    db.session.execute(delete(unit_memberships))
    db.session.commit()
    before = set(db.session.scalars(select(Unit.id)))
    yield
    db.session.rollback()
    db.session.execute(delete(unit_memberships))
    added = set(db.session.scalars(select(Unit.id))) - before
    if added:
        db.session.execute(delete(Unit).where(Unit.id.in_(added)))
    db.session.commit()


@pytest.fixture
def admin(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(role=Role.ADMIN, full_name="Phạm Quốc Anh")


@pytest.fixture
def admin_client(app: Flask, admin: User) -> FlaskClient:
    client = app.test_client()
    login(client, admin)
    return client
