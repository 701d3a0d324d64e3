"""The outbox seen by Prometheus, read at every scrape (app/core/metrics.py): how many messages
wait to be sent, per channel, and how long the oldest of them has waited. A growing depth or
age means the worker is down or a gateway refuses our account."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.core import clock
from app.notifications import queries

CHANNELS = ("sms", "email")
log = logging.getLogger("motcua.notifications")


class OutboxCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "motcua_outbox_pending",
            "Messages in the outbox waiting to be sent (due or not), by channel.",
            labels=["channel"],
        )
        age = GaugeMetricFamily(
            "motcua_outbox_oldest_pending_age_seconds",
            "How long the oldest message waiting to be sent has waited (0: none waits).",
            labels=["channel"],
        )
        readable = GaugeMetricFamily(
            "motcua_outbox_readable",
            "1 when the outbox could be read for this scrape, 0 when the database failed.",
        )
        try:
            pending = queries.pending_by_channel()
        except Exception as error:  # the database is down: the other metrics still go out
            log.warning("metrics: the outbox could not be read (%s)", type(error).__name__)
            readable.add_metric([], 0)
            yield readable
            return
        readable.add_metric([], 1)
        now = clock.now()
        for channel in sorted({*CHANNELS, *pending}):
            count, oldest = pending.get(channel, (0, None))
            depth.add_metric([channel], count)
            age.add_metric([channel], (now - oldest).total_seconds() if oldest else 0.0)
        yield readable
        yield depth
        yield age
