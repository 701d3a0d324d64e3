"""Prometheus metrics at ``/metrics`` (prometheus_client).

* ``motcua_http_requests_total`` and ``motcua_http_request_duration_seconds``: every request, by
  method, endpoint (the route's name, never the path: a path carries codes) and status.
* ``motcua_pdf_render_seconds``: PDF renders by kind, observed by :func:`observe_pdf_render`.
* whatever the domains add with :func:`add_collector`, read at scrape time (the outbox's depth
  and age: app/notifications/metrics.py).

Under gunicorn every worker counts apart: with ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn.conf.py
sets it) the counts go to files there and a scrape adds up every worker's.

``/metrics`` answers only the networks of ``METRICS_ALLOW`` or a request carrying
``Authorization: Bearer <METRICS_TOKEN>``; anyone else gets 404, as if it did not exist. A
request forwarded by a proxy the app does not trust (``X-Forwarded-For`` while
``TRUSTED_PROXIES=0``) is not believed to come from the proxy's own address.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

from app.core import clock
from app.core.permissions import public

_STARTED_KEY = "motcua.metrics_started"
_COLLECTORS = "motcua_metrics_collectors"
_KIND = re.compile(r"[a-z0-9_]{1,40}")

# The metrics of this process; with PROMETHEUS_MULTIPROC_DIR they write to that directory.
REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "motcua_http_requests_total",
    "HTTP requests answered, by method, endpoint and status.",
    ["method", "endpoint", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "motcua_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, endpoint and status.",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
PDF_RENDER = Histogram(
    "motcua_pdf_render_seconds",
    "Time to render a PDF (receipt, form, label…), by kind.",
    ["kind"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4),
    registry=REGISTRY,
)


def observe_pdf_render(kind: str, seconds: float) -> None:
    """Count one PDF render of ``kind`` ("receipt_a5", "label_a6"… lower-case letters, digits
    and "_", at most 40) that took ``seconds``."""
    if not _KIND.fullmatch(kind):
        raise ValueError(f"a PDF kind is a short lower-case name, not {kind!r}")
    PDF_RENDER.labels(kind=kind).observe(seconds)


def add_collector(app: Flask, collector: Collector) -> None:
    """Have ``collector`` read at every scrape, inside the request (its queries may use the
    app's database session)."""
    app.extensions.setdefault(_COLLECTORS, []).append(collector)


class _Merged(Collector):
    def __init__(self, collectors: Iterable[Collector]) -> None:
        self.collectors = list(collectors)

    def collect(self):  # type: ignore[no-untyped-def]
        for collector in self.collectors:
            yield from collector.collect()


def exposition(app: Flask) -> bytes:
    """The text a scrape reads: every worker's counts and the domains' collectors."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Merged([REGISTRY]))
    registry.register(_Merged(app.extensions.get(_COLLECTORS, [])))
    return generate_latest(registry)


def networks(setting: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The CIDRs of ``METRICS_ALLOW`` (commas or spaces between them)."""
    parts = re.split(r"[,\s]+", setting)
    return [ipaddress.ip_network(part, strict=False) for part in parts if part]


def may_scrape(config: Any, remote_addr: str, headers: Any) -> bool:
    """Whether this request may read the metrics (see the module's docstring)."""
    token = config["METRICS_TOKEN"]
    given = headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if "X-Forwarded-For" in headers and not config["TRUSTED_PROXIES"]:
        return False
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in networks(config["METRICS_ALLOW"]))


@public  # to the allowed networks and the token's holder; 404 to anyone else
def metrics_view() -> Response:
    if not may_scrape(current_app.config, request.remote_addr or "", request.headers):
        abort(404)
    return Response(exposition(current_app), content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    networks(app.config["METRICS_ALLOW"])  # a wrong CIDR stops the start, not the first scrape
    app.add_url_rule("/metrics", "metrics", metrics_view)

    @app.before_request
    def start() -> None:
        request.environ[_STARTED_KEY] = clock.monotonic()

    @app.after_request
    def count(response: Response) -> Response:
        started = request.environ.get(_STARTED_KEY)
        if started is not None:
            endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
            labels = (request.method, endpoint, str(response.status_code))
            REQUESTS.labels(*labels).inc()
            LATENCY.labels(*labels).observe(clock.monotonic() - started)
        return response
