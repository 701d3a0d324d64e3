"""The citizen's journey in Chromium on a 2G link, step by step, beside the physical floor.

Chromium is throttled through the DevTools protocol (``Network.emulateNetworkConditions``):
500 ms round trip, 100 kbit/s (12,500 B/s) down and up. A citizen with an account opens the
home page on a cold cache, searches "khai sinh", opens birth registration, presses "Nộp hồ sơ
trực tuyến" while signed out, signs in, fills the steps, uploads a 3–4 MB phone photo
(4000×3000, JPEG quality 92, EXIF orientation 6) for every document to be photographed, and
submits. Once with JavaScript and once without.

Per step (from the action to the end of the last request it caused) it records the wall time,
the time until the step's heading was on screen, the HTTP round trips (every request that went
to the network, each redirect hop counted; cache hits not), the bytes down (Chromium's
``encodedDataLength``: headers and compressed body as received) and the bytes up (request line,
headers as sent, and the body's Content-Length). The physical floor of a step is

    floor = bytes_down / 12,500 + bytes_up / 12,500 + round_trips × 0.5 s

and the ratio is time / floor: what the app costs beyond what the link itself must cost.

``python bench/throttled.py`` (``make bench-2g``; ``make bench`` runs it after bench.py) builds
the app on a temporary SQLite database and serves it on a free local port.
tests/e2e/test_throttled_journey.py runs the same journey in CI. Prints numbers; never fails.
"""

from __future__ import annotations

import io
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, ImageChops
from werkzeug.serving import make_server

RTT_S = 0.5
BANDWIDTH = 12_500  # bytes per second, each way: 100 kbit/s
CONDITIONS = {
    "offline": False,
    "latency": RTT_S * 1000,
    "downloadThroughput": BANDWIDTH,
    "uploadThroughput": BANDWIDTH,
}
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}
STEP_TIMEOUT_MS = 600_000  # a whole phone photo without JavaScript: ~5 minutes at 100 kbit/s
QUIET_S = 0.4  # no request for this long after the heading: the step is over
SHRINK_WAIT_S = 5.0
PROCEDURE = "Đăng ký khai sinh"
Heading = str | re.Pattern[str]
HOME_COMMUNE = "17329"  # xã Anh Sơn, Nghệ An


# --- the photo ---------------------------------------------------------------------------------


def phone_photo(width: int = 4000, height: int = 3000, sigma: float = 12.0) -> bytes:
    """A phone camera's JPEG: 4000×3000, quality 92, ~3.5 MB, EXIF orientation 6 (portrait).

    Gradients under two layers of noise (a coarse one like texture, a fine one like the
    sensor's) keep it from compressing better than a real photo does.
    """
    channels = []
    for angle in (0, 45, 120):
        gradient = Image.linear_gradient("L").rotate(angle).resize((width, height))
        coarse = Image.effect_noise((width // 2, height // 2), sigma).resize(
            (width, height), Image.Resampling.BILINEAR
        )
        fine = Image.effect_noise((width, height), sigma / 3)
        layered = ImageChops.add(gradient, coarse, 1.0, -128)
        channels.append(ImageChops.add(layered, fine, 1.0, -128))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    exif[0x010F] = "samsung"
    exif[0x0110] = "Galaxy A15"
    buffer = io.BytesIO()
    Image.merge("RGB", channels).save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


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

    def __init__(self, page: Any) -> None:
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", CONDITIONS)
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
        self.page.locator("main h1", has_text=heading).wait_for()
        shown = time.monotonic()
        self.settle()
        end = max(shown, self.last_end)
        urls = tuple(self.urls)
        return Step(name, end - start, shown - start, self.trips, self.down, self.up, urls)


# --- the journey -------------------------------------------------------------------------------


@dataclass
class Citizen:
    phone: str
    password: str


def journey(
    page: Any, javascript: bool, citizen: Citizen, schema: list[dict[str, Any]], photo: Path
) -> list[Step]:
    """The journey from a cold home page to the submitted dossier; one Step per action."""
    link = Link(page)
    steps: list[Step] = []

    def nothing() -> None:
        pass

    def step(name: str, action: Callable[[], None], heading: Heading, prepare=nothing) -> None:  # type: ignore[no-untyped-def]
        steps.append(link.measure(name, prepare, action, heading))

    def press(name: str) -> Callable[[], None]:
        return lambda: page.get_by_role("button", name=name, exact=True).click()

    def sign_in() -> None:
        page.fill("#phone", citizen.phone)
        page.fill("#password", citizen.password)

    step("Trang chủ (lần đầu)", lambda: page.goto("/"), "Dịch vụ công trực tuyến")
    typed = lambda: page.fill("#q", "khai sinh")  # noqa: E731
    step("Tìm “khai sinh”", press("Tìm thủ tục"), "Thủ tục hành chính", typed)
    opening = page.locator("#results").get_by_role("link", name=PROCEDURE, exact=True)
    step("Mở thủ tục", opening.click, PROCEDURE)
    step("Nộp hồ sơ → đăng nhập", press("Nộp hồ sơ trực tuyến"), "Đăng nhập")
    step("Đăng nhập", press("Đăng nhập"), re.compile(f"Người nộp hồ sơ|{PROCEDURE}"), sign_in)
    if "Người nộp hồ sơ" not in page.inner_text("main h1"):
        step("Nộp hồ sơ (lần 2)", press("Nộp hồ sơ trực tuyến"), "Người nộp hồ sơ")
    onward = press("Lưu và tiếp tục")
    step("Người nộp hồ sơ", onward, "Thông tin hồ sơ", lambda: _applicant(page))
    step("Thông tin hồ sơ", onward, "Giấy tờ kèm theo", lambda: _answers(page, schema))
    codes = page.locator("input[type=file][id^='file-']").evaluate_all(
        "inputs => inputs.map(i => i.id.slice(5))"
    )
    for code in codes:
        if page.locator(f"#doc-{code} .badge").count():  # "Chưa có": a photo is required
            chosen = lambda c=code: page.set_input_files(f"#file-{c}", str(photo))  # noqa: E731
            upload = lambda c=code: _upload(page, c, photo.stat().st_size, javascript)  # noqa: E731
            step(f"Ảnh {code}", upload, "Giấy tờ kèm theo", chosen)
    step("Giấy tờ kèm theo", onward, "Gửi hồ sơ và nhận kết quả")
    step("Nhận và trả kết quả", onward, "Kiểm tra và nộp hồ sơ", lambda: _delivery(page))
    declared = lambda: page.check("#declaration")  # noqa: E731
    step("Nộp hồ sơ", press("Nộp hồ sơ"), f"Hồ sơ {PROCEDURE}", declared)
    page.get_by_text("Đã nộp hồ sơ thành công").wait_for()
    return steps


def _applicant(page: Any) -> None:
    page.select_option("#commune", HOME_COMMUNE)
    page.fill("#village", "Bản Huồi Tụ")
    page.fill("#street", "Nhà số 12, cạnh nhà văn hóa bản")


def _answers(page: Any, schema: list[dict[str, Any]]) -> None:
    birthday = (date.today() - timedelta(days=20)).isoformat()
    texts = iter(["Nguyễn Hoài An", "Kinh", "Nguyễn Văn Bình", "Lê Thị Mai Anh", "Xóm 3"])
    for field in schema:
        name, kind = field["name"], field["type"]
        if kind == "yesno":
            page.check(f'[name="{name}"][value="yes"]')
        elif kind == "choice":
            value = field["choices"][0][0]
            if len(field["choices"]) <= 4:
                page.check(f'[name="{name}"][value="{value}"]')
            else:
                page.select_option(f"#{name}", value)
        elif kind == "commune":
            page.select_option(f"#{name}", HOME_COMMUNE)
        elif kind == "date":
            page.fill(f"#{name}", birthday)
        elif kind == "number":
            page.fill(f"#{name}", "2")
        else:
            page.fill(f"#{name}", next(texts, "Xóm 3, xã Anh Sơn"))


def _upload(page: Any, code: str, size: int, javascript: bool) -> None:
    """Tap "Tải lên" once the photo is chosen. With JavaScript, first wait (up to 5 s, timed:
    the citizen waits too) for app.js to put its shrunk copy in the input; today a tap before
    that sends the whole photo. If the app uploads on choosing, there is nothing to tap."""
    uploaded = page.locator(f'#doc-{code} a[href*="/tep/"]')
    if javascript:
        waited = time.monotonic() + SHRINK_WAIT_S
        shrunk = f"document.getElementById('file-{code}')?.files[0]?.size < {size}"
        while time.monotonic() < waited and not page.evaluate(shrunk) and not uploaded.count():
            page.wait_for_timeout(50)
    if uploaded.count() == 0:
        page.locator(f"#doc-{code}").get_by_role("button", name="Tải lên").click()
    uploaded.wait_for()


def _delivery(page: Any) -> None:
    page.check('[name="intake_channel"][value="online"]')
    page.check('[name="return_channel"][value="online"]')


def run(
    browser: Any, base_url: str, javascript: bool, citizen: Citizen, schema: list, photo: Path
) -> list[Step]:
    """One journey in a fresh browser context (cold cache, no cookies)."""
    context = browser.new_context(
        base_url=base_url, java_script_enabled=javascript, viewport=PHONE_VIEWPORT, locale="vi-VN"
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        return journey(context.new_page(), javascript, citizen, schema, photo)
    finally:
        context.close()


# --- serving and printing ----------------------------------------------------------------------


@contextmanager
def serving(wsgi: Any) -> Iterator[str]:
    """``wsgi`` served by werkzeug on a free local port in a thread."""
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@contextmanager
def chromium(path: str = CHROMIUM_PATH) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def table(title: str, steps: list[Step]) -> str:
    header = f"{'step':<26}{'time s':>8}{'h1 s':>7}{'trips':>6}{'down B':>9}{'up B':>10}"
    header += f"{'floor s':>9}{'ratio':>7}"
    lines = [title, header]
    for s in [*steps, total(steps)]:
        if s.name == "total":
            lines.append("-" * len(header))
        lines.append(
            f"{s.name:<26}{s.seconds:>8.2f}{s.heading_seconds:>7.2f}{s.trips:>6}{s.down:>9,}"
            f"{s.up:>10,}{s.floor:>9.2f}{s.ratio:>6.2f}×"
        )
    return "\n".join(lines)


def total(steps: list[Step]) -> Step:
    return Step(
        "total",
        sum(s.seconds for s in steps),
        sum(s.heading_seconds for s in steps),
        sum(s.trips for s in steps),
        sum(s.down for s in steps),
        sum(s.up for s in steps),
    )


FORMULA = (
    "floor = bytes_down / 12,500 B/s + bytes_up / 12,500 B/s + round_trips × 0.5 s "
    "(CDP throttling: 500 ms latency, 100 kbit/s down and up); ratio = time / floor"
)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.throttled_app import built_app

    with built_app() as (app, citizen, schema, photo):
        size = photo.stat().st_size
        print(f"\nThe citizen's journey under 2G throttling; phone photo {size:,} B")
        print(FORMULA)
        with serving(app) as url, chromium() as browser:
            for javascript in (True, False):
                steps = run(browser, url, javascript, citizen, schema, photo)
                print()
                print(table(f"JavaScript {'on (htmx)' if javascript else 'off'}", steps))


if __name__ == "__main__":
    main()
