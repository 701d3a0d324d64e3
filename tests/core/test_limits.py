"""The rate limits themselves (app/core/limits.py): limits read from the configuration on every
request, the Vietnamese 429 with Retry-After (page, htmx notice), the client's address behind a
trusted proxy, counting in Redis shared by every worker, and going on in memory when Redis is
down. The limits of each page are tested beside it (accounts, public look-up, API, assist)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from app import create_app
from app.core import limits

REDIS_URL = "redis://127.0.0.1:6379/15"


def lookups(client, times: int, **headers: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [client.get("/tra-cuu", headers=headers).status_code for _ in range(times)]


def test_a_limit_is_configuration_read_on_every_request(app, client) -> None:
    app.config["RATELIMIT_LOOKUP"] = "3/minute"
    assert lookups(client, 4) == [200, 200, 200, 429]
    app.config["RATELIMIT_LOOKUP"] = "5/minute"  # a new limit is a new count
    assert lookups(client, 6) == [200] * 5 + [429]


def test_the_429_page_says_in_vietnamese_when_to_try_again(app, client) -> None:
    app.config["RATELIMIT_LOOKUP"] = "1/hour"
    client.get("/tra-cuu")
    response = client.get("/tra-cuu")
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 3500 < seconds <= 3600
    page = BeautifulSoup(response.text, "html.parser")
    assert [h.get_text(strip=True) for h in page.find_all("h1")] == ["Bạn đã thử quá nhiều lần"]
    assert page.html["lang"] == "vi"
    text = page.find("main").get_text(" ", strip=True)
    assert "Vui lòng thử lại sau 60 phút (đến " in text
    assert "no-store" in response.headers["Cache-Control"]


def test_htmx_gets_a_notice_above_the_page(app, client) -> None:
    app.config["RATELIMIT_LOOKUP"] = "1/minute"
    client.get("/tra-cuu")
    response = client.get("/tra-cuu", headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#main"
    assert "<html" not in response.text
    notice = BeautifulSoup(response.text, "html.parser").find(id="too-many")
    assert notice["role"] == "alert" and notice.find("h2") is not None
    assert "HX-Request" in response.headers["Vary"]


def test_the_page_lets_htmx_show_a_429() -> None:
    """htmx swaps no 4xx unless told: the layout tells it to swap 429 like 422."""
    from pathlib import Path

    layout = Path(__file__).resolve().parents[2] / "templates/layouts/base.html"
    assert '{"code":"429","swap":true}' in layout.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 giây"),
        (59, "59 giây"),
        (60, "1 phút (đến 09:01)"),
        (61, "2 phút (đến 09:01)"),
        (900, "15 phút (đến 09:15)"),
        (3600, "60 phút (đến 10:00)"),
    ],
)
def test_wait_words(seconds: int, words: str) -> None:
    assert limits.wait_words(seconds, datetime(2026, 3, 2, 9, 0)) == words


def test_an_unknown_limit_is_a_mistake_found_at_import() -> None:
    with pytest.raises(ValueError):
        limits.limited("login-adress")


def test_every_limit_has_a_setting_with_a_default() -> None:
    from app.config import Config

    for setting in limits.SETTINGS:
        value = getattr(Config, setting)
        assert value and "/" in value, setting


# --- the client's address -------------------------------------------------------------------------


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    return {**app_config, **getattr(request, "param", {})}


def test_without_a_trusted_proxy_a_forwarded_address_is_not_believed(app, client) -> None:
    app.config["RATELIMIT_LOOKUP"] = "2/minute"
    assert lookups(client, 1, **{"X-Forwarded-For": "203.0.113.1"}) == [200]
    assert lookups(client, 1, **{"X-Forwarded-For": "203.0.113.2"}) == [200]
    assert lookups(client, 1, **{"X-Forwarded-For": "203.0.113.3"}) == [429]


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_behind_a_trusted_proxy_each_client_is_counted_apart(app, client) -> None:
    app.config["RATELIMIT_LOOKUP"] = "2/minute"
    first = {"X-Forwarded-For": "203.0.113.1"}
    assert lookups(client, 3, **first) == [200, 200, 429]
    assert lookups(client, 2, **{"X-Forwarded-For": "203.0.113.2"}) == [200, 200]


# --- where the counts live ------------------------------------------------------------------------


def _worker(app_config: dict[str, Any], **config: Any):  # type: ignore[no-untyped-def]
    """A second app, as a second gunicorn worker would be (the pages used touch no table)."""
    return create_app({**app_config, "SQLALCHEMY_DATABASE_URI": "sqlite://", **config})


def _redis_or_skip():  # type: ignore[no-untyped-def]
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(
            f"Redis is not reachable at {REDIS_URL} ({error}): the Redis storage is untested"
        )
    return connection


def test_in_redis_every_worker_shares_the_counts(app_config) -> None:
    connection = _redis_or_skip()
    prefix = f"motcua-test-{uuid.uuid4().hex}"
    config = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_LOOKUP": "3/minute",
    }
    first, second = _worker(app_config, **config), _worker(app_config, **config)
    try:
        assert lookups(first.test_client(), 2) == [200, 200]
        assert lookups(second.test_client(), 2) == [200, 429]
        assert lookups(first.test_client(), 1) == [429]
        assert connection.keys(f"*{prefix}*"), "the counts are not in Redis"
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)


def test_in_memory_each_worker_counts_apart(app_config) -> None:
    config = {"RATELIMIT_LOOKUP": "2/minute"}
    first, second = _worker(app_config, **config), _worker(app_config, **config)
    assert lookups(first.test_client(), 3) == [200, 200, 429]
    assert lookups(second.test_client(), 2) == [200, 200]


def test_when_redis_is_down_the_limits_go_on_in_memory(app_config, caplog) -> None:
    down = _worker(
        app_config,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",  # nothing listens on port 1
        RATELIMIT_LOOKUP="2/minute",
    )
    assert lookups(down.test_client(), 3) == [200, 200, 429]
    assert "falling back to in-memory storage" in caplog.text


def _threads_made() -> int:
    """How many threading.Thread objects this process has made (one more: this probe)."""
    return int(threading.Thread().name.split("-")[1])


def test_counting_in_memory_starts_no_thread_per_request(app_config) -> None:
    """limits' own memory storage started a 10 ms timer thread on the first hit after the last
    one ended: a thread per look-up on a server not asked every 10 ms."""
    client = _worker(app_config, RATELIMIT_LOOKUP="3/minute").test_client()
    assert lookups(client, 1) == [200]
    before = _threads_made()
    statuses = []
    for _ in range(3):
        time.sleep(0.02)  # the old timer thread has ended by now
        statuses += lookups(client, 1)
    assert statuses == [200, 200, 429]
    assert _threads_made() == before + 1


def test_counts_in_memory_forget_expired_entries() -> None:
    storage = limits.MemoryCounts()
    storage.CLEAN_EVERY_SECONDS = 0.5
    strategy = MovingWindowRateLimiter(storage)
    assert [strategy.hit(parse("2/second"), "citizen") for _ in range(3)] == [True, True, False]
    time.sleep(1.1)
    assert strategy.hit(parse("2/second"), "other")  # a hit tidies up what expired
    assert [entries for key, entries in storage.events.items() if "citizen" in key] == [[]]
    assert strategy.hit(parse("2/second"), "citizen")


def test_limits_over_every_route_are_refused(app_config) -> None:
    """Only views carry limits: the limiter does not look at the other requests."""
    with pytest.raises(RuntimeError, match="RATELIMIT_DEFAULT"):
        _worker(app_config, RATELIMIT_DEFAULT="100/minute")


LIMITED = {
    "accounts.login": {"login-address", "login-phone"},
    "accounts.register": {"register", "code-send"},
    "accounts.register_code": {"code-check"},
    "accounts.register_resend": {"code-send"},
    "accounts.claim": {"claim", "code-send"},
    "accounts.claim_code": {"code-check"},
    "accounts.claim_resend": {"code-send"},
    "accounts.forgot": {"password-reset", "code-send"},
    "accounts.reset_code": {"code-check"},
    "accounts.reset_resend": {"code-send"},
    "accounts.provider_start": {"oidc"},
    "accounts.provider_return": {"oidc"},
    "assist.consent": {"consent-code-send"},
    "assist.new_citizen": {"consent-code-send"},
    "assist.enter_code": {"code-check"},
    "assist.resend_code": {"code-send"},
    "public.lookup": {"lookup"},
    "public.lookup_code": {"lookup"},
    "api.pickups": {"api-token"},
    "api.deliveries": {"api-token"},
    "api.item": {"api-token"},
    "api.post_event": {"api-token"},
    "notifications.esms_report": {"delivery-report"},
    "payments_api.sepay_webhook": {"sepay-webhook"},
    # Feedback: sending is limited per address; codes and rating links can be guessed at.
    "feedback_public.new": {"feedback"},
    "feedback_public.lookup": {"lookup"},
    "feedback_public.show": {"lookup"},
    "feedback_rating.by_link": {"lookup"},
    # The public statistics: any period can be asked, each counted by the database.
    "public_stats.index": {"statistics"},
    "api_stats.statistics": {"statistics"},
}


def test_every_guessable_or_costly_route_is_limited(app) -> None:
    marked = {
        endpoint: set(getattr(view, limits.MARK))
        for endpoint, view in app.view_functions.items()
        if getattr(view, limits.MARK, ())
    }
    assert marked == LIMITED
