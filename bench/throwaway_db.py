"""A PostgreSQL database made for one bench run and dropped after it, on the server of
``BENCH_PG_URL`` (default: the local server). Without a reachable server the bench says so and
is skipped; it never fails."""

from __future__ import annotations

import os
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def run_in_throwaway_database(label: str, run: Callable[[str], None]) -> None:
    """``run(url)`` on a new database ``motcua_<label>_<pid>``, dropped afterwards."""
    server = make_url(os.environ.get("BENCH_PG_URL", DEFAULT_SERVER))
    name = f"motcua_{label}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server: say so, never fail
        print(f"{label} bench skipped: PostgreSQL not reachable at {server} ({error})")
        return
    try:
        run(server.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
