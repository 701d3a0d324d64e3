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
import os
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

from PIL import Image, ImageChops
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as bench/throttled.py

from app import geo  # noqa: E402
from app.core.text import fold  # noqa: E402
from bench.cdp_link import BANDWIDTH, CONDITIONS, RTT_S, Heading, Link, Step

__all__ = ["BANDWIDTH", "RTT_S", "Link", "Step"]

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
SHRINK_WAIT_S = 5.0
PROCEDURE = "Đăng ký khai sinh"
HOME_COMMUNE = "17329"  # xã Anh Sơn, Nghệ An


# --- the photo ---------------------------------------------------------------------------------


def phone_photo(width: int = 4000, height: int = 3000, quality: int = 92) -> bytes:
    """A phone camera's JPEG: 4000×3000, quality 92, ~3.4 MB, EXIF orientation 6 (portrait).

    Gradients under two layers of noise (a coarse one like texture, a fine one like the
    sensor's) keep it from compressing better than a real photo does.
    """
    sigma = 12.0
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
    Image.merge("RGB", channels).save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()


# --- the journey -------------------------------------------------------------------------------


FIRST_PAINT = "performance.getEntriesByType('paint').map(entry => entry.startTime)"


def first_paint(page: Any) -> float:
    """Seconds from the navigation's start to its first paint. Polled from Python: with
    JavaScript off the page runs no callback (an observer's promise would never settle), but
    the browser still answers an evaluation."""
    for _ in range(3000):  # a minute at most
        if paints := page.evaluate(FIRST_PAINT):
            return min(paints) / 1000
        page.wait_for_timeout(20)
    raise TimeoutError("the page never painted")


@dataclass
class Citizen:
    phone: str
    password: str


def journey(
    link: Link, javascript: bool, citizen: Citizen, schema: list[dict[str, Any]], photo: Path
) -> list[Step]:
    """The journey from a cold home page to the submitted dossier; one Step per action."""
    page = link.page
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

    step(
        "Trang chủ (lần đầu)",
        lambda: page.goto("/", wait_until="commit"),
        "Dịch vụ công trực tuyến",
    )
    # Its "h1 s" is the first contentful paint: Chromium lays the heading out before the
    # stylesheet has arrived, but paints nothing until it has.
    steps[0].heading_seconds = first_paint(page)
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


def _commune(page: Any, field: str) -> None:
    """Pick the home commune: from a full page's list, or (a step swapped by htmx carries no
    list) by typing its name without diacritics in the search box first."""
    option = page.locator(f'#{field} option[value="{HOME_COMMUNE}"]')
    if not option.count():
        page.fill(f"#{field}-q", fold(geo.commune(HOME_COMMUNE).name))
        option.wait_for(state="attached")
    page.select_option(f"#{field}", HOME_COMMUNE)


def _applicant(page: Any) -> None:
    _commune(page, "commune")
    page.fill("#village", "Bản Huồi Tụ")
    page.fill("#street", "Nhà số 12, cạnh nhà văn hóa bản")


def _answers(page: Any, schema: list[dict[str, Any]]) -> None:
    birthday = date.today() - timedelta(days=20)
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
            _commune(page, name)
        elif kind == "date":  # three boxes: day (carries the field's id), month, year
            page.fill(f"#{name}", f"{birthday.day:02d}")
            page.fill(f"#{name}-thang", f"{birthday.month:02d}")
            page.fill(f"#{name}-nam", str(birthday.year))
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
    browser: Any,
    base_url: str,
    javascript: bool,
    citizen: Citizen,
    schema: list[dict[str, Any]],
    photo: Path,
    conditions: dict[str, Any] | None = CONDITIONS,
    timeout_ms: int = STEP_TIMEOUT_MS,
) -> list[Step]:
    """One journey in a fresh browser context (cold cache, no cookies)."""
    context = browser.new_context(
        base_url=base_url, java_script_enabled=javascript, viewport=PHONE_VIEWPORT, locale="vi-VN"
    )
    context.set_default_timeout(timeout_ms)
    try:
        link = Link(context.new_page(), conditions)
        return journey(link, javascript, citizen, schema, photo)
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
    from bench.throttled_app import built_app

    path = os.environ.get("CHROMIUM_PATH", CHROMIUM_PATH)
    if not Path(path).exists():
        print(f"\n2G journey skipped: no Chromium at {path} (apt-get install chromium)")
        return

    with built_app() as (app, citizen, schema, photo):
        size = photo.stat().st_size
        print(f"\nThe citizen's journey under 2G throttling; phone photo {size:,} B")
        print(FORMULA)
        with serving(app) as url, chromium(path) as browser:
            for javascript in (True, False):
                steps = run(browser, url, javascript, citizen, schema, photo)
                print()
                print(table(f"JavaScript {'on (htmx)' if javascript else 'off'}", steps))


if __name__ == "__main__":
    main()
