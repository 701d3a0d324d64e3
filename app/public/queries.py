"""What the public pages ask the database directly: whether it answers (the health check)."""

from __future__ import annotations

from sqlalchemy import text

from app.extensions import db


def ping_database() -> None:
    """Run the smallest query there is; any driver error means the database is down."""
    db.session.execute(text("SELECT 1"))
