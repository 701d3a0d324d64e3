"""`flask accounts purge` (daily): what signing in leaves behind goes once it no longer matters;
and a person's old sessions go when they sign in again."""

from __future__ import annotations

from datetime import datetime, timedelta

from helpers import login
from sqlalchemy import select

from app.accounts.models import LoginThrottle, OneTimeCode, PendingSecret, UserSession
from app.core import clock
from app.extensions import db

NOW = datetime(2026, 3, 2, 9, 0)


def test_purge(app, admin) -> None:
    clock.freeze(NOW)
    db.session.add_all(
        [
            LoginThrottle(phone="0987000001", failures=3, last_attempt_at=NOW - timedelta(days=2)),
            LoginThrottle(phone="0987000002", failures=3, last_attempt_at=NOW - timedelta(hours=1)),
            PendingSecret(
                owner_id=admin.id,
                kind="x",
                subject_id=1,
                sealed="AA",
                expires_at=NOW - timedelta(seconds=1),
            ),
            PendingSecret(
                owner_id=admin.id,
                kind="x",
                subject_id=2,
                sealed="AA",
                expires_at=NOW + timedelta(minutes=5),
            ),
            OneTimeCode(  # expired unused: its details (name, ID number, password hash) go
                purpose="register",
                phone="0987000003",
                code_hash="h",
                payload={"full_name": "Lò Thị Mai", "password_hash": "scrypt:…"},
                created_at=NOW - timedelta(hours=1),
                expires_at=NOW - timedelta(minutes=50),
            ),
            OneTimeCode(  # still running: kept whole
                purpose="register",
                phone="0987000004",
                code_hash="h",
                payload={"full_name": "Vi Văn Pọm"},
                created_at=NOW - timedelta(minutes=2),
                expires_at=NOW + timedelta(minutes=8),
            ),
            OneTimeCode(  # a month old: gone
                purpose="claim",
                phone="0987000005",
                code_hash="h",
                created_at=NOW - timedelta(days=31),
                expires_at=NOW - timedelta(days=31),
            ),
        ]
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["accounts", "purge"])
    assert result.exit_code == 0, result.output
    assert "login counts: 1 removed" in result.output and "secrets: 1 removed" in result.output
    db.session.expire_all()
    assert [t.phone for t in db.session.scalars(select(LoginThrottle))] == ["0987000002"]
    assert [s.subject_id for s in db.session.scalars(select(PendingSecret))] == [2]
    codes = {c.phone: c.payload for c in db.session.scalars(select(OneTimeCode))}
    assert codes == {"0987000003": None, "0987000004": {"full_name": "Vi Văn Pọm"}}


def test_signing_in_drops_the_persons_long_ended_sessions(app, citizen) -> None:
    clock.freeze(NOW - timedelta(days=90))
    old = app.test_client()
    login(old, citizen)
    old.post("/dang-xuat")
    clock.freeze(NOW - timedelta(days=10))
    recent = app.test_client()
    login(recent, citizen)
    recent.post("/dang-xuat")
    clock.freeze(NOW)
    login(app.test_client(), citizen)
    db.session.expire_all()
    sessions = list(db.session.scalars(select(UserSession).order_by(UserSession.created_at)))
    # The one that ended 90 days ago went; the one of 10 days ago stays (who signed in when).
    assert [s.created_at for s in sessions] == [NOW - timedelta(days=10), NOW]
