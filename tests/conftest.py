"""Fixtures: one app per test, on SQLite and (when TEST_DATABASE_URL is set) on PostgreSQL.

The schema is built once per backend by the real migrations, the national units and the demo
catalogue are loaded once, and the rows a test writes are wiped after it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from helpers import PASSWORD
from sqlalchemy import text

from app import create_app
from app.accounts.models import User
from app.catalogue.models import Procedure
from app.cli import seed
from app.core import clock
from app.core.permissions import Role
from app.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
USER_TABLES = [
    "one_time_codes",
    "api_tokens",
    "postal_payments",
    "manifest_items",
    "handover_manifests",
    "delivery_attempts",
    "post_office_closures",
    "shipments",
    "pickup_slots",
    "slot_templates",
    "post_office_communes",
    "post_offices",
    "s10_serials",
    "notifications",
    "dossier_events",
    "attachments",
    "dossiers",
    "consents",
    "dossier_sequences",
    "calendar_overrides",
    "unit_memberships",
    "users",
    "community_teams",
]
_prepared: set[str] = set()
_phones = itertools.count(1)


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"}
    if PG_URL:
        urls["postgresql"] = PG_URL
    return urls


def _wipe() -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(USER_TABLES)} RESTART IDENTITY CASCADE"))
    else:
        for table in USER_TABLES:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app_config(tmp_path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": tmp_path / "uploads",
        "DEMO_MODE": False,
        "SERVER_NAME": "localhost",
        # Tests move the frozen clock by days between a clerk's requests; the idle sign-out has
        # its own tests (tests/assist/test_shared_device.py), which switch it back on.
        "STAFF_IDLE_MINUTES": 0,
    }


@pytest.fixture
def app(backend: str, database_urls: dict[str, str], app_config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": database_urls[backend]})

    # The app context below stays pushed and test requests reuse it; give every request an
    # empty ``g`` as production does, so a signed-in user never leaks between test clients.
    @application.before_request
    def forget_request_globals() -> None:
        for name in list(g):
            g.pop(name)

    with application.app_context():
        if backend not in _prepared:
            upgrade()
            seed(with_demo_accounts=False)
            _prepared.add(backend)
        _wipe()
        yield application
        db.session.remove()
        _wipe()
    clock.freeze(None)


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
