"""The app for bench/throttled.py: migrations and `flask seed` data on a temporary SQLite
database, one citizen with an account, and the phone photo on disk."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.accounts.models import User
from app.catalogue.models import Procedure
from app.cli import seed
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from bench.throttled import PROCEDURE, Citizen, phone_photo

PHONE = "0912345678"
PASSWORD = "Mat-khau-bench-2026"


@contextmanager
def built_app() -> Iterator[tuple[Any, Citizen, list[dict[str, Any]], Path]]:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="motcua-2g-") as tmp:
        workdir = Path(tmp)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
                "UPLOAD_DIR": workdir / "uploads",
                "DEMO_MODE": False,
                "SERVER_NAME": None,
            }
        )
        with app.app_context():
            upgrade()
            logging.disable(logging.WARNING)  # alembic's fileConfig re-enabled INFO output
            seed(with_demo_accounts=False)
            user = User(
                phone=PHONE,
                full_name="Lê Thị Mai Anh",
                id_number="040194012345",
                date_of_birth=date(1994, 3, 15),
                sex="female",
                role=Role.CITIZEN,
                privacy_consent_at=clock.now(),
            )
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            schema = db.session.scalar(select(Procedure).filter_by(name=PROCEDURE)).form_schema
            db.session.remove()
        photo = workdir / "IMG_20260315_091203.jpg"
        photo.write_bytes(phone_photo())
        yield app, Citizen(PHONE, PASSWORD), schema, photo
