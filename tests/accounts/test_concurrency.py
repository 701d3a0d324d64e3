"""Guessing in parallel on PostgreSQL: tries are counted by guarded UPDATEs, so many wrong codes
or passwords sent at once are compared no more often than the limit allows.

Every thread talks to the app through its own test client (its own app context, SQLAlchemy
session and connection); a ``threading.Barrier`` releases them together. SQLite serialises
writers on a file lock, so these races only mean something on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from helpers import PASSWORD
from sqlalchemy import select

from app.accounts import codes
from app.accounts.models import LoginThrottle, OneTimeCode, User
from app.accounts.operations import register_on_behalf
from app.core import clock
from app.core.roles import Role
from app.extensions import db

pytestmark = pytest.mark.postgres_only
MOMENT = datetime(2026, 3, 2, 9, 0)
BARRIER_TIMEOUT = 30


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip(
            "concurrency tests need PostgreSQL (SQLite serialises writers): "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run them"
        )
    clock.freeze(MOMENT)  # the app fixture unfreezes it


def run_together(count: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    barrier = threading.Barrier(count, timeout=BARRIER_TIMEOUT)
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(work, i, barrier) for i in range(count)]
        return [future.result(timeout=120) for future in futures]


class Counter:
    """Counts calls of a function, from any thread."""

    def __init__(self, real: Callable[..., bool]) -> None:
        self.real, self.calls, self.lock = real, 0, threading.Lock()

    def __call__(self, *args: Any) -> bool:
        with self.lock:
            self.calls += 1
        return self.real(*args)


def test_sixty_wrong_codes_at_once_are_compared_at_most_the_limit(app, make_user, monkeypatch):
    helper = make_user(role=Role.COMMUNITY, full_name="Vi Văn Tình")
    citizen = register_on_behalf(
        full_name="Lô Thị Mai",
        phone="0987111222",
        id_number="040190000999",
        date_of_birth=datetime(1960, 3, 2).date(),
        sex="female",
        helper=helper,
        place="Nhà văn hóa bản Huồi Tụ",
    )
    db.session.commit()
    browser = app.test_client()
    assert browser.post("/nhan-tai-khoan", data={"phone": citizen.phone}).status_code == 303
    with browser.session_transaction() as session:
        state = dict(session["claim"])
    compared = Counter(codes._matches)
    monkeypatch.setattr(codes, "_matches", compared)

    def guess(i: int, barrier: threading.Barrier) -> int:
        client = app.test_client()  # a copy of the same browser's cookie, in its own thread
        with client.session_transaction() as session:
            session["claim"] = state
        barrier.wait()
        data = {"code": f"{i:06d}", "password": "mat-khau-ke-gian-2026", "password_again": ""}
        data["password_again"] = data["password"]
        return client.post("/nhan-tai-khoan/ma", data=data).status_code

    statuses = run_together(60, guess)
    limit = app.config["OTP_ATTEMPTS"]
    assert statuses.count(303) <= 1  # one of 60 six-digit guesses could be right, by chance
    assert compared.calls <= limit
    db.session.expire_all()
    (row,) = db.session.scalars(select(OneTimeCode).filter_by(purpose="claim"))
    assert row.attempts == limit


def test_fifty_wrong_passwords_at_once_are_checked_at_most_the_free_tries(
    app, make_user, monkeypatch
) -> None:
    user = make_user(phone="0912345678")
    checked = Counter(__import__("app.accounts.models", fromlist=["x"]).check_password_hash)
    monkeypatch.setattr("app.accounts.models.check_password_hash", checked)

    def guess(i: int, barrier: threading.Barrier) -> int:
        client = app.test_client()
        barrier.wait()
        data = {"phone": "0912345678", "password": f"doan-mat-khau-{i}"}
        return client.post("/dang-nhap", data=data).status_code

    statuses = run_together(50, guess)
    free = app.config["LOGIN_FREE_FAILURES"]
    assert checked.calls <= free
    assert statuses.count(422) == checked.calls and statuses.count(429) == 50 - checked.calls
    db.session.expire_all()
    throttle = db.session.get(LoginThrottle, user.phone)
    assert throttle.failures == checked.calls and throttle.wait_until is not None
    # And the right password is refused until the wait is over.
    response = app.test_client().post(
        "/dang-nhap", data={"phone": user.phone, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert db.session.get(User, user.id) is not None
