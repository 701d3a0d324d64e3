"""What went over the link, as Chromium's DevTools see it: round trips and bytes per step,
with the network throttled to 2G (bench/throttled.py runs the journey through it)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

RTT_S = 0.5
BANDWIDTH = 12_500  # bytes per second, each way: 100 kbit/s
CONDITIONS = {
    "offline": False,
    "latency": RTT_S * 1000,
    "downloadThroughput": BANDWIDTH,
    "uploadThroughput": BANDWIDTH,
}
QUIET_S = 0.4  # no request for this long after the heading: the step is over
Heading = str | re.Pattern[str]


# --- what went over the link -------------------------------------------------------------------


@dataclass
class Step:
    name: str
    seconds: float
    heading_seconds: float
    trips: int
    down: int
    up: int
    requests: tuple[str, ...] = ()

    @property
    def floor(self) -> float:
        return (self.down + self.up) / BANDWIDTH + self.trips * RTT_S

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor if self.floor else 0.0


class Link:
    """The page's network as Chromium's DevTools see it, throttled; counted per step.

    CDP timestamps are ``base::TimeTicks`` seconds, CLOCK_MONOTONIC on Linux: the clock of
    ``time.monotonic()``, so a request's end can be compared with the step's start.
    """

    def __init__(self, page: Any, conditions: dict[str, Any] | None = CONDITIONS) -> None:
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        if conditions:  # None: the local link, to count round trips and bytes quickly
            self.cdp.send("Network.emulateNetworkConditions", conditions)
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestWillBeSentExtraInfo", self._headers)
        self.cdp.on("Network.requestServedFromCache", self._from_cache)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.loadingFailed", self._failed)
        self.begin()

    def begin(self) -> None:
        self.trips = self.down = self.up = 0
        self.urls: list[str] = []
        self.sent: dict[str, str] = {}
        self.in_flight: set[str] = set()
        self.last_activity = self.last_end = 0.0

    def _sent(self, event: dict[str, Any]) -> None:
        request = event["request"]
        if not request["url"].startswith("http"):
            return
        redirect = event.get("redirectResponse")
        if redirect:  # the previous hop of this request ended with a redirect
            self.down += int(redirect.get("encodedDataLength", 0))
        self.trips += 1
        self.in_flight.add(event["requestId"])
        self.urls.append(f"{request['method']} {request['url']}")
        self.sent[event["requestId"]] = request["url"]
        parts = urlsplit(request["url"])
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.up += len(f"{request['method']} {target} HTTP/1.1\r\n\r\n")
        self.last_activity = time.monotonic()

    def _headers(self, event: dict[str, Any]) -> None:
        headers = event.get("headers", {})
        self.up += sum(len(name) + len(str(value)) + 4 for name, value in headers.items())
        length = {name.lower(): value for name, value in headers.items()}.get("content-length")
        self.up += int(length or 0)

    def _from_cache(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.sent:
            self.trips -= 1
            self.urls.append(f"(from cache: {self.sent[event['requestId']]})")

    def _finished(self, event: dict[str, Any]) -> None:
        if event["requestId"] not in self.sent:
            return  # a previous step's request, reported late
        self.down += int(event.get("encodedDataLength", 0))
        self._ended(event)

    def _failed(self, event: dict[str, Any]) -> None:
        self._ended(event)

    def _ended(self, event: dict[str, Any]) -> None:
        self.in_flight.discard(event["requestId"])
        self.last_end = max(self.last_end, float(event["timestamp"]))
        self.last_activity = time.monotonic()

    def settle(self) -> None:
        """Wait until nothing is in flight and nothing has started for QUIET_S."""
        while self.in_flight or time.monotonic() - self.last_activity < QUIET_S:
            self.page.wait_for_timeout(50)

    def heading_shown(self, heading: Heading, timeout_s: float = 120.0) -> float:
        """When the step's heading is on the page, to within ~20 ms. Not ``locator.wait_for``:
        after its first tries Playwright polls every 500 ms, which added up to half a second to
        whichever step's answer arrived just after a poll (htmx's own events showed the swap
        done 0.87 s after the press, the step measured 1.38 s)."""
        target = self.page.locator("main h1", has_text=heading)
        deadline = time.monotonic() + timeout_s
        while not target.is_visible():
            if time.monotonic() > deadline:
                raise TimeoutError(f"no heading {heading!r} after {timeout_s:.0f} s")
            self.page.wait_for_timeout(20)
        return time.monotonic()

    def measure(
        self, name: str, prepare: Callable[[], None], action: Callable[[], None], heading: Heading
    ) -> Step:
        """``prepare`` (filling the form: the citizen's time, not timed), then ``action`` (timed);
        the step is done when its heading shows and the link is quiet."""
        prepare()
        self.settle()
        self.begin()
        start = time.monotonic()
        action()
        shown = self.heading_shown(heading)
        self.settle()
        end = max(shown, self.last_end)
        urls = tuple(self.urls)
        return Step(name, end - start, shown - start, self.trips, self.down, self.up, urls)
