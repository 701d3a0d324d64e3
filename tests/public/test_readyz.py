"""/readyz: the database and (when REDIS_URL is set) Redis, each "ok" or "unavailable", 200 or
503, with nothing of the error in the answer. Real failures: a Redis and a PostgreSQL on a
port where nothing listens."""

from __future__ import annotations

import socket

import pytest
import redis

from app import create_app

REDIS = "redis://127.0.0.1:6379/6"


def closed_port() -> int:
    """A local port nothing listens on (taken, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_redis() -> str:
    """The local Redis (as tests/core/test_limits.py): its absence skips, never passes."""
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS} ({error})")
    return REDIS


def test_ready_without_redis_configured(app, client) -> None:
    app.config["REDIS_URL"] = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok"}


def test_ready_with_database_and_redis(app, client, live_redis: str) -> None:
    app.config["REDIS_URL"] = live_redis
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"database": "ok", "redis": "ok"}
    assert response.headers["Cache-Control"].startswith("no-store")


def test_redis_down_is_not_ready(app, client) -> None:
    app.config["REDIS_URL"] = f"redis://:mat-khau-redis@127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.get_json() == {"database": "ok", "redis": "unavailable"}
    for detail in ("mat-khau-redis", "127.0.0.1", "ConnectionError", "refused", "Errno"):
        assert detail not in body, detail


@pytest.mark.parametrize("with_redis", [False, True])
def test_database_down_is_not_ready(tmp_path, request, with_redis: bool) -> None:
    if with_redis:
        request.getfixturevalue("live_redis")
    url = f"postgresql+psycopg://motcua:mat-khau-csdl@127.0.0.1:{closed_port()}/motcua"
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": tmp_path / "uploads",
        "REDIS_URL": REDIS if with_redis else "",
    }
    down = create_app(config)
    response = down.test_client().get("/readyz")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    expected = {"database": "unavailable", **({"redis": "ok"} if with_redis else {})}
    assert response.get_json() == expected
    for detail in ("mat-khau-csdl", "127.0.0.1", "OperationalError", "refused", "psycopg"):
        assert detail not in body, detail


def test_the_check_needs_no_sign_in_and_answers_head_too(client) -> None:
    assert client.head("/readyz").status_code == 200
