"""End to end in a real browser: a new citizen registers, applies twice, and opens the receipt.

The real app is served by werkzeug on 127.0.0.1 (a free port) in a background thread, and
Debian's Chromium is driven by Playwright, once with JavaScript disabled (plain forms and full
page loads) and once with JavaScript enabled (htmx swaps). CSRF protection stays on.

Run only these: ``pytest -m e2e``. Chromium comes from ``apt-get install chromium``; set
``CHROMIUM_PATH`` to use another binary.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import PASSWORD, SentCodes, choose_commune, fill_date, jpeg_bytes
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.catalogue.models import Procedure
from app.core import clock
from app.dossiers.models import Dossier, DossierEvent, DossierSequence
from app.extensions import db

pytestmark = pytest.mark.e2e

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
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
SCREENSHOT = Path("/tmp/e2e-confirm.png")
TIMEOUT_MS = 15_000

PROCEDURES = ["Đăng ký khai sinh", "Đăng ký thường trú"]
HOME_PROVINCE = "40"  # Nghệ An
HOME_COMMUNE = "17329"
CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H40-\d{6}-\d{4}$")
SPA_MARKER = "window.__stillTheSamePage"


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # A real browser on a real port: keep CSRF on, and let any host name match the routes.
    return {**app_config, "WTF_CSRF_ENABLED": True, "SERVER_NAME": None}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM_PATH).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM_PATH}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class SlowSubmits:
    """WSGI wrapper: holds every submit POST for ``delay`` seconds and counts them.

    On a slow mobile link the first tap is still on its way when the second one comes; holding
    the request on the server recreates that window on a fast local connection.
    """

    PATH = re.compile(r"^/ho-so/\d+/nop$")

    def __init__(self, app: Any) -> None:
        self.app = app
        self.delay = 0.0
        self.submits = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "POST" and self.PATH.match(environ["PATH_INFO"]):
            with self._lock:
                self.submits += 1
            time.sleep(self.delay)
        return self.app(environ, start_response)


@pytest.fixture
def slow_submits(app) -> SlowSubmits:  # type: ignore[no-untyped-def]
    return SlowSubmits(app)


@contextmanager
def serving(wsgi: Any, backend: str) -> Iterator[str]:
    """``wsgi`` served on a free local port in a thread, for the browser; SQLite only."""
    if backend != "sqlite":
        pytest.skip("browser tests run once, on SQLite (the database layer is tested elsewhere)")
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def live_server(backend: str, slow_submits: SlowSubmits) -> Iterator[str]:
    with serving(slow_submits, backend) as url:
        yield url


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "giay-chung-sinh.jpg"
    path.write_bytes(jpeg_bytes())
    return path


def new_page(browser, base_url: str, javascript: bool):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=base_url,
        java_script_enabled=javascript,
        viewport=PHONE_VIEWPORT,
        locale="vi-VN",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    return context, page


# --- database reads from the test thread ---------------------------------------------------


def read(statement):  # type: ignore[no-untyped-def]
    """Run a read in the test's own session and end its transaction at once (SQLite locks)."""
    db.session.expire_all()
    try:
        return db.session.execute(statement).scalars().all()
    finally:
        db.session.commit()


def procedure_named(name: str) -> dict[str, Any]:
    procedure = read(select(Procedure).filter_by(name=name))[0]
    return {
        "name": procedure.name,
        "code": procedure.code,
        "schema": procedure.form_schema,
        "scans": [
            (d.code, d.name) for d in procedure.documents if d.is_required and d.scan_required
        ],
    }


# --- the journey, step by step -------------------------------------------------------------


def register(page, phone: str, sent: SentCodes) -> None:  # type: ignore[no-untyped-def]
    page.goto("/dang-ky")
    page.fill("#full_name", "Lê Thị Mai Anh")
    page.fill("#phone", phone)
    fill_date(page, "date_of_birth", "1994-03-15")
    page.check('[name="sex"][value="female"]')
    page.fill("#id_number", "040194012345")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    assert not page.is_checked("#consent"), "the privacy consent must start unticked"
    page.check("#consent")
    page.get_by_role("button", name="Tạo tài khoản").click()
    # The phone is proved first: the code sent to it makes the account.
    page.wait_for_url(re.compile(r"/dang-ky/ma$"))
    expect_heading(page, "Nhập mã xác nhận số điện thoại")
    page.fill("#code", sent.last(phone, "register"))
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_url(re.compile(r"/thu-tuc$"))
    assert "Đã tạo tài khoản" in page.inner_text("main")
    assert page.locator("header nav").get_by_role("link", name="Hồ sơ của tôi").is_visible()


def open_procedure(page, procedure: dict[str, Any], javascript: bool) -> None:  # type: ignore[no-untyped-def]
    page.goto("/thu-tuc")
    words = procedure["name"].split()[-2:]  # "khai sinh", "thường trú"
    page.fill("#q", " ".join(words))
    if javascript:
        # htmx searches as one types; the results are swapped in without a page load.
        page.locator("#results").get_by_role("link", name=procedure["name"], exact=True).wait_for()
    else:
        page.get_by_role("button", name="Tìm").click()
        page.wait_for_url(re.compile(r"/thu-tuc\?"))
    page.locator("#results").get_by_role("link", name=procedure["name"], exact=True).click()
    page.wait_for_url(re.compile(rf"/thu-tuc/{re.escape(procedure['code'])}$"))
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r"/ho-so/\d+/nguoi-nop$"))
    expect_heading(page, "Người nộp hồ sơ")


def expect_heading(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("main h1", has_text=text).wait_for()


def commune_values(page) -> set[str]:  # type: ignore[no-untyped-def]
    return set(page.locator("#commune option").evaluate_all("os => os.map(o => o.value)"))


def save_and_continue(page, next_heading: str, javascript: bool) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect_heading(page, next_heading)
    if javascript:
        assert page.evaluate(SPA_MARKER) is True, "htmx should swap the step, not reload the page"


def applicant_step(page, javascript: bool, check_picker: bool) -> None:  # type: ignore[no-untyped-def]
    if check_picker:
        other = next(
            value
            for value in page.locator("#province option").evaluate_all("os => os.map(o => o.value)")
            if value and value != HOME_PROVINCE
        )
        assert HOME_COMMUNE in commune_values(page)
        page.select_option("#province", other)
        if not javascript:
            page.get_by_role("button", name="Cập nhật danh sách xã").click()
        page.locator(f'#commune option[value="{HOME_COMMUNE}"]').wait_for(state="detached")
        assert len(commune_values(page)) > 1, "the other province's communes are listed"
        page.select_option("#province", HOME_PROVINCE)
        if not javascript:
            page.get_by_role("button", name="Cập nhật danh sách xã").click()
        page.locator(f'#commune option[value="{HOME_COMMUNE}"]').wait_for(state="attached")
        # A missing village is reported next to the field, and in the summary at the top.
        page.select_option("#commune", HOME_COMMUNE)
        page.fill("#village", "")
        page.get_by_role("button", name="Lưu và tiếp tục").click()
        page.locator(".field.invalid .error").first.wait_for()
        assert "thôn, bản" in page.inner_text("#error-summary")
        expect_heading(page, "Người nộp hồ sơ")
        if javascript:
            assert page.evaluate(SPA_MARKER) is True
    choose_commune(page, "commune", HOME_COMMUNE)
    page.fill("#village", "Bản Huồi Tụ")
    page.fill("#street", "")
    save_and_continue(page, "Thông tin hồ sơ", javascript)


def answers_step(page, schema: list[dict[str, Any]], javascript: bool) -> None:  # type: ignore[no-untyped-def]
    birthday = (clock.today() - timedelta(days=20)).isoformat()
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
            choose_commune(page, name, HOME_COMMUNE)
        elif kind == "date":
            fill_date(page, name, birthday)
        elif kind == "number":
            page.fill(f"#{name}", "2")
        else:
            page.fill(f"#{name}", next(texts, "Xóm 3, xã Anh Sơn"))
    save_and_continue(page, "Giấy tờ kèm theo", javascript)


def documents_step(page, scans: list[tuple[str, str]], scan: Path, javascript: bool) -> None:  # type: ignore[no-untyped-def]
    assert scans, "each demo procedure asks for at least one scanned document"
    for code, name in scans:
        row = page.locator(f"#doc-{code}")
        assert row.get_by_text("Chưa có").is_visible()
        page.set_input_files(f"#file-{code}", str(scan))
        row.get_by_role("button", name="Tải lên").click()
        # Both ways end with the file listed in the document's row.
        page.locator(f'#doc-{code} a[href*="/tep/"]').wait_for()
        if javascript:
            assert page.evaluate(SPA_MARKER) is True, "htmx should upload without a page load"
        else:
            assert f"Đã tải lên “{name}”" in page.inner_text("main")
    if javascript:
        # Step links in the progress list load the step into <main> too.
        page.locator("ol.steps").get_by_role("link", name="Thông tin hồ sơ").click()
        expect_heading(page, "Thông tin hồ sơ")
        page.wait_for_url(re.compile(r"/thong-tin$"))
        page.locator("ol.steps").get_by_role("link", name="Giấy tờ kèm theo").click()
        expect_heading(page, "Giấy tờ kèm theo")
        assert page.evaluate(SPA_MARKER) is True
    save_and_continue(page, "Gửi hồ sơ và nhận kết quả", javascript)


def delivery_step(page, javascript: bool) -> None:  # type: ignore[no-untyped-def]
    page.check('[name="intake_channel"][value="online"]')
    page.check('[name="return_channel"][value="online"]')
    save_and_continue(page, "Kiểm tra và nộp hồ sơ", javascript)


def submit(page, double_tap: bool = False) -> None:  # type: ignore[no-untyped-def]
    assert "Hồ sơ chưa đủ" not in page.inner_text("main")
    page.check("#declaration")
    button = page.get_by_role("button", name="Nộp hồ sơ", exact=True)
    if double_tap:
        # Two taps 100 ms apart, straight from the mouse: Playwright's dblclick() is merged
        # into one submission by Chromium, and locator clicks wait for the first navigation.
        box = button.bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.click(x, y)
        page.wait_for_timeout(100)
        page.mouse.click(x, y)
    else:
        button.click()
    page.get_by_text("Đã nộp hồ sơ thành công").wait_for()
    assert re.search(r"/ho-so/\d+$", page.url), page.url


def confirmation(page, context, procedure: dict[str, Any]) -> str:  # type: ignore[no-untyped-def]
    """Check the confirmation page and its receipt; return the dossier code."""
    main = page.inner_text("main")
    assert procedure["name"] in main
    assert "Đã nộp" in main
    code = page.inner_text("strong.code").strip()
    assert CODE_RE.match(code), code
    href = page.get_by_role("link", name="Tải giấy tiếp nhận (PDF)").get_attribute("href")
    assert href
    receipt = context.request.get(href)
    assert receipt.status == 200
    assert receipt.headers["content-type"].startswith("application/pdf")
    body = receipt.body()
    assert body.startswith(b"%PDF-")
    text = "".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(body)).pages)
    assert code in text
    return code


def apply(page, context, name: str, scan: Path, javascript: bool, first: bool) -> str:  # type: ignore[no-untyped-def]
    procedure = procedure_named(name)
    open_procedure(page, procedure, javascript)
    if javascript:
        page.evaluate(f"{SPA_MARKER} = true")
    applicant_step(page, javascript, check_picker=first)
    answers_step(page, procedure["schema"], javascript)
    documents_step(page, procedure["scans"], scan, javascript)
    delivery_step(page, javascript)
    submit(page)
    return confirmation(page, context, procedure)


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "htmx"])
def test_new_citizen_applies_for_two_procedures(
    browser, live_server, scan, javascript, monkeypatch
):
    sent = SentCodes(monkeypatch)
    context, page = new_page(browser, live_server, javascript)
    try:
        register(page, "0987654321", sent)
        codes = [
            apply(page, context, name, scan, javascript, first=(i == 0))
            for i, name in enumerate(PROCEDURES)
        ]
        if javascript:
            page.screenshot(path=str(SCREENSHOT))
            page.screenshot(path=str(SCREENSHOT.with_name("e2e-confirm-full.png")), full_page=True)
        page.locator("header nav").get_by_role("link", name="Hồ sơ của tôi").click()
        mine = page.inner_text("main")
        for code in codes:
            assert code in mine
    finally:
        context.close()

    assert len(set(codes)) == 2
    dossiers = read(select(Dossier).order_by(Dossier.id))
    assert [d.code for d in dossiers] == codes
    assert [d.procedure.name for d in dossiers] == PROCEDURES
    assert all(d.status == "submitted" and len(d.attachments) >= 1 for d in dossiers)


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "htmx"])
def test_double_click_on_submit_creates_one_dossier(
    browser, live_server, slow_submits, scan, make_user, javascript
):
    slow_submits.delay = 0.5  # the first tap is still on its way when the second one comes
    user = make_user()
    phone = user.phone
    db.session.commit()
    context, page = new_page(browser, live_server, javascript)
    try:
        page.goto("/dang-nhap")
        page.fill("#phone", phone)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/ho-so-cua-toi$"))
        procedure = procedure_named(PROCEDURES[0])
        open_procedure(page, procedure, javascript)
        if javascript:
            page.evaluate(f"{SPA_MARKER} = true")
        applicant_step(page, javascript, check_picker=False)
        answers_step(page, procedure["schema"], javascript)
        documents_step(page, procedure["scans"], scan, javascript)
        delivery_step(page, javascript)
        submit(page, double_tap=True)
        code = confirmation(page, context, procedure)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()

    # Without JavaScript both taps reach the server (the database keeps it to one dossier);
    # with htmx the form drops the second request while the first is in flight (hx-sync).
    assert slow_submits.submits == (1 if javascript else 2)
    dossiers = read(select(Dossier))
    assert len(dossiers) == 1
    assert dossiers[0].code == code
    assert code.endswith("-0001")
    events = read(select(DossierEvent).filter_by(action="submitted"))
    assert len(events) == 1
    assert read(select(func.max(DossierSequence.last_value))) == [1]
