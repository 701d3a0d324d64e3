"""Prometheus metrics: requests by endpoint and status, PDF renders, the outbox's depth and age,
and who may read them (allowed networks, a bearer token; 404 to anyone else)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.core import clock
from app.core.metrics import may_scrape, observe_pdf_render
from app.extensions import db
from app.notifications.outbox import notify_phone

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}
TOKEN = "b7e1c0d2a9f84e6b9d3f5a1c7e2b4d6f"
T0 = datetime(2026, 12, 7, 8, 0)
NOTICE = "UBND xã Anh Sơn: mời ông/bà đến nhận kết quả hồ sơ tại Bộ phận Một cửa."


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and sorted labels."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def scrape(client, **kwargs) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return samples(response.get_data(as_text=True))


def requests_of(metrics: dict, endpoint: str, status: str) -> float:
    key = (
        "motcua_http_requests_total",
        (("endpoint", endpoint), ("method", "GET"), ("status", status)),
    )
    return metrics.get(key, 0.0)


def test_requests_are_counted_and_timed_by_endpoint_and_status(client) -> None:
    before = scrape(client)
    for _ in range(3):
        assert client.get("/thu-tuc").status_code == 200
    assert client.get("/tra-cuu/H40-000000-9999").status_code == 404
    assert client.get("/khong-co-trang-nay").status_code == 404
    after = scrape(client)
    assert (
        requests_of(after, "catalogue.index", "200") - requests_of(before, "catalogue.index", "200")
        == 3
    )
    assert (
        requests_of(after, "public.lookup_code", "404")
        - requests_of(before, "public.lookup_code", "404")
        == 1
    )
    # A path that matches no route counts under one name: paths never become labels.
    assert requests_of(after, "unmatched", "404") - requests_of(before, "unmatched", "404") == 1
    labels = (("endpoint", "catalogue.index"), ("method", "GET"), ("status", "200"))
    count = after[("motcua_http_request_duration_seconds_count", labels)]
    assert count - before.get(("motcua_http_request_duration_seconds_count", labels), 0) == 3
    assert after[("motcua_http_request_duration_seconds_sum", labels)] > 0
    assert not any("khong-co-trang-nay" in str(key) for key in after)


def test_pdf_renders_are_observed_by_kind(client) -> None:
    before = scrape(client)
    observe_pdf_render("receipt_a5", 0.139)
    observe_pdf_render("receipt_a5", 0.041)
    observe_pdf_render("label_a6", 0.3)
    after = scrape(client)
    a5 = (("kind", "receipt_a5"),)
    assert (
        after[("motcua_pdf_render_seconds_count", a5)]
        - before.get(("motcua_pdf_render_seconds_count", a5), 0)
        == 2
    )
    total = after[("motcua_pdf_render_seconds_sum", a5)] - before.get(
        ("motcua_pdf_render_seconds_sum", a5), 0
    )
    assert total == pytest.approx(0.18)
    le_50ms = (("kind", "receipt_a5"), ("le", "0.05"))
    assert (
        after[("motcua_pdf_render_seconds_bucket", le_50ms)]
        - before.get(("motcua_pdf_render_seconds_bucket", le_50ms), 0)
        == 1
    )


@pytest.mark.parametrize("kind", ["", "Receipt", "biên nhận", "a" * 41, "receipt/../x"])
def test_a_pdf_kind_is_a_short_name(kind: str) -> None:
    with pytest.raises(ValueError):
        observe_pdf_render(kind, 0.1)


def test_the_outbox_depth_and_the_age_of_its_oldest_message(client) -> None:
    clock.freeze(T0)
    notify_phone("0912000111", "result_ready", NOTICE)
    notify_phone("0912000222", "result_ready", NOTICE)
    db.session.commit()
    clock.freeze(T0 + timedelta(minutes=20))
    notify_phone("0912000333", "result_ready", NOTICE)
    db.session.commit()
    clock.freeze(T0 + timedelta(hours=1))
    metrics = scrape(client)
    assert metrics[("motcua_outbox_pending", (("channel", "sms"),))] == 3
    assert metrics[("motcua_outbox_oldest_pending_age_seconds", (("channel", "sms"),))] == 3600
    assert metrics[("motcua_outbox_pending", (("channel", "email"),))] == 0
    assert metrics[("motcua_outbox_oldest_pending_age_seconds", (("channel", "email"),))] == 0
    assert metrics[("motcua_outbox_readable", ())] == 1


def test_an_empty_outbox_reads_zero(client) -> None:
    metrics = scrape(client)
    for channel in ("sms", "email"):
        assert metrics[("motcua_outbox_pending", (("channel", channel),))] == 0
        assert metrics[("motcua_outbox_oldest_pending_age_seconds", (("channel", channel),))] == 0


# --- who may read them ------------------------------------------------------------------------


def test_a_stranger_gets_404(client) -> None:
    response = client.get("/metrics", environ_base=OUTSIDE)
    assert response.status_code == 404
    assert b"motcua_" not in response.data


def test_an_allowed_network_reads_them(app, client) -> None:
    app.config["METRICS_ALLOW"] = "10.20.0.0/16, 203.0.113.0/24"
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.5.9"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.21.0.1"}).status_code == 404
    # The default networks are no longer allowed once others are set.
    assert client.get("/metrics").status_code == 404


def test_the_token_opens_them_from_anywhere(app, client) -> None:
    app.config["METRICS_TOKEN"] = TOKEN
    good = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=good).status_code == 200
    for wrong in (f"Bearer {TOKEN[:-1]}", TOKEN, f"Basic {TOKEN}", "Bearer "):
        response = client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": wrong})
        assert response.status_code == 404, wrong


def test_no_token_is_accepted_while_none_is_set(app, client) -> None:
    app.config["METRICS_TOKEN"] = ""
    headers = {"Authorization": "Bearer "}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=headers).status_code == 404


def test_a_request_forwarded_by_an_untrusted_proxy_is_not_local(app, client) -> None:
    """nginx on the same machine connects from 127.0.0.1: without TRUSTED_PROXIES the app
    cannot tell who is behind it, so a forwarded request is no scraper on this machine."""
    forwarded = {"X-Forwarded-For": "198.51.100.4"}
    assert client.get("/metrics", headers=forwarded).status_code == 404
    app.config["METRICS_TOKEN"] = TOKEN
    headers = {**forwarded, "Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("127.0.0.2", False),
        ("192.168.1.10", False),
        ("", False),
        ("nonsense", False),
    ],
)
def test_the_default_networks_are_this_machine(address: str, allowed: bool) -> None:
    config = {"METRICS_TOKEN": "", "METRICS_ALLOW": "127.0.0.1/32, ::1/128", "TRUSTED_PROXIES": 0}
    assert may_scrape(config, address, {}) is allowed


def test_a_wrong_network_stops_the_start() -> None:
    from app import create_app

    with pytest.raises(ValueError):
        create_app({"TESTING": True, "METRICS_ALLOW": "10.0.0.0/33"})
