"""End to end in a real browser: the "done means" of issue 5 (assisted digital).

On the village hall's ONE shared phone (one browser context, 360 px wide), a volunteer of the
community digital technology team of Bản Huồi Tụ:

1. signs in, registers citizen A (no account yet) with A's consent confirmed by the code sent
   to A's phone, applies for a birth registration on A's behalf, and fetches the receipt on A5
   and 80 mm and the plain-language guide;
2. taps "Xong, người tiếp theo": going back through the browser history, or typing A's URLs,
   shows nothing of A any more (the pages are no-store, so every step back asks the server);
3. helps citizen B (an account already), whose consent is signed on paper, applies and prints
   B's receipt with the line to sign; nothing of A shows on any of B's pages, and the list of
   dossiers helped shows codes and statuses, no names;
4. taps "Xong, người tiếp theo" and signs out;
5. then A, on that same phone, claims the account with the code sent by SMS, and finds the
   dossier the volunteer submitted (and none of B's) in "Hồ sơ của tôi".

Once without JavaScript and once with htmx; CSRF stays on; the clock is frozen. Every HTML
page or fragment the server sends is recorded (a WSGI wrapper) so that "nothing of A" is
checked on what the browser was given, htmx fragments included, as well as on the screen.
Screenshots at 360 px: /tmp/e2e-assist-*.png.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from e2e.test_browser import (  # noqa: F401
    CODE_RE,
    SPA_MARKER,
    TIMEOUT_MS,
    answers_step,
    applicant_step,
    browser,
    delivery_step,
    documents_step,
    expect_heading,
    new_page,
    procedure_named,
    read,
    scan,
    serving,
)
from e2e.test_postal_browser import A5_PT, MM80_PT, fetch_pdf, fits_the_phone, size_of, text_of
from helpers import PASSWORD, code_in, fill_date
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.assist.models import CommunityTeam
from app.core import clock
from app.core.identity import mask_id_number, mask_phone
from app.core.roles import Role
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.notifications.models import Notification

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 23, 9, 0)  # a Monday morning at the village hall
COMMUNE = "17329"
VILLAGE = "Bản Huồi Tụ"
PLACE = "Nhà văn hóa Bản Huồi Tụ"
PROCEDURE = "Đăng ký khai sinh"
CODE = "246810"  # the SMS code (random in the app; fixed by the `fixed_code` fixture)
NEW_PASSWORD = "mat-khau-moi-cua-xuan"
# Citizen A: no account yet; the ID number matches the date of birth and sex (040 Nghệ An,
# 1 = woman born in the 20th century, 58 = 1958).
A = {
    "full_name": "Lò Thị Xuân",
    "phone": "0987654321",
    "date_of_birth": "1958-03-08",
    "sex": "female",
    "id_number": "040158012345",
}
# Citizen B: has an account already (made through the models).
B = {
    "full_name": "Vi Văn Pọm",
    "phone": "0977333444",
    "date_of_birth": "1949-10-02",
    "sex": "male",
    "id_number": "040049054321",
}


def traces(person: dict[str, str]) -> list[str]:
    """Everything that would tell who ``person`` is: name, phone (plain, spaced, masked), ID."""
    phone = person["phone"]
    return [
        person["full_name"],
        phone,
        f"{phone[:4]} {phone[4:7]} {phone[7:]}",
        mask_phone(phone),
        person["id_number"],
        mask_id_number(person["id_number"]),
    ]


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # A real browser on a real port: CSRF on, any host name; the idle sign-out on, as at the
    # village hall (the clock is frozen, so it never fires during the test).
    return {**app_config, "WTF_CSRF_ENABLED": True, "SERVER_NAME": None, "STAFF_IDLE_MINUTES": 10}


@dataclass
class Sent:
    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: str


def decoded(body: bytes, encoding: str) -> bytes:
    """The body as the browser reads it (flask-compress sends br or gzip)."""
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


class Recorder:
    """WSGI wrapper: keeps every HTML page or fragment the server sends, with its headers."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sent: list[Sent] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        seen: dict[str, Any] = {}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = int(status.split()[0]), headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, start)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = {k.lower(): v for k, v in seen["headers"]}
        if headers.get("content-type", "").startswith("text/html") or seen["status"] in (
            204,
            303,
        ):
            query = environ.get("QUERY_STRING", "")
            path = environ["PATH_INFO"] + (f"?{query}" if query else "")
            text = decoded(body, headers.get("content-encoding", "")).decode("utf-8")
            with self._lock:
                self.sent.append(
                    Sent(environ["REQUEST_METHOD"], path, seen["status"], headers, text)
                )
        return [body]

    def mark(self) -> int:
        with self._lock:
            return len(self.sent)

    def since(self, mark: int) -> list[Sent]:
        with self._lock:
            return list(self.sent[mark:])


@pytest.fixture
def recorder(app) -> Recorder:  # type: ignore[no-untyped-def]
    return Recorder(app)


@pytest.fixture
def live_server(backend: str, recorder: Recorder) -> Iterator[str]:
    with serving(recorder, backend) as url:
        yield url


@pytest.fixture
def team(app) -> CommunityTeam:  # type: ignore[no-untyped-def]
    team = CommunityTeam(
        name="Tổ công nghệ số cộng đồng Bản Huồi Tụ",
        commune_code=COMMUNE,
        village=VILLAGE,
        meeting_place=PLACE,
    )
    db.session.add(team)
    db.session.commit()
    return team


@pytest.fixture
def volunteer(make_user, team) -> User:  # type: ignore[no-untyped-def]
    return make_user(role=Role.COMMUNITY, team_id=team.id, full_name="Lô Văn Pằn")


@pytest.fixture
def citizen_b(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(
        full_name=B["full_name"],
        phone=B["phone"],
        id_number=B["id_number"],
        date_of_birth=date.fromisoformat(B["date_of_birth"]),
        sex=B["sex"],
    )


@pytest.fixture
def fixed_code(monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """The SMS codes (consent and claim) are random in the app; fixed here (same process)."""
    import app.accounts.codes as codes

    monkeypatch.setattr(codes.secrets, "randbelow", lambda n: int(CODE))
    return CODE


# --- helpers -------------------------------------------------------------------------------


def shows(page, text: str, where: str = "main") -> None:  # type: ignore[no-untyped-def]
    expect(page.locator(where).first).to_contain_text(text, timeout=TIMEOUT_MS)


def found_on_screen(page, secrets: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The ``secrets`` on the page now: in its text, its markup (form values) or its title."""
    text = page.inner_text("body") + page.title()
    markup = page.content()
    values = " ".join(
        page.locator("input, textarea, select").evaluate_all("els => els.map(e => e.value || '')")
    )
    return [s for s in secrets if s in text or s in markup or s in values]


def found_in_sent(sent: list[Sent], secrets: list[str]) -> list[tuple[str, str]]:
    return [(s.path, secret) for s in sent for secret in secrets if secret in s.body]


def sign_in(page, phone: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/dang-nhap")
    page.fill("#phone", phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def search(page, phone: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label(re.compile("Số điện thoại hoặc số định danh")).fill(phone)
    # Posted: the number never lands in the address bar or the browser's history.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/ho-tro/")):
        page.get_by_role("button", name="Tìm").click()
    page.wait_for_load_state()
    assert phone not in page.url


def register_a_with_sms_code(page, shots: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    search(page, A["phone"])
    shows(page, "Chưa có tài khoản với số này")
    page.get_by_role("button", name="Đăng ký cho người dân").click()
    page.wait_for_url(re.compile(r"/ho-tro/cong-dan-moi"))
    assert page.locator("#phone").input_value().replace(" ", "") == A["phone"]
    page.fill("#full_name", A["full_name"])
    fill_date(page, "date_of_birth", A["date_of_birth"])
    page.check(f'[name="sex"][value="{A["sex"]}"]')
    page.fill("#id_number", A["id_number"])
    shows(page, "Đọc cho người dân")
    assert not page.is_checked("#agreed"), "the consent box must start unticked"
    page.check("#agreed")
    page.check('[name="way"][value="sms_code"]')
    page.screenshot(path=str(shots["new-citizen"]), full_page=True)
    page.get_by_role("button", name="Xác nhận và đăng ký").click()
    page.wait_for_url(re.compile(r"/ho-tro/nhap-ma$"))
    shows(page, "Đã gửi mã xác nhận đến điện thoại của người dân")
    shows(page, mask_phone(A["phone"]))
    # Nothing is an account yet: the details wait for the code.
    assert read(select(User).filter_by(phone=A["phone"])) == []
    sms = read(select(Notification).filter_by(template="otp_consent", recipient=A["phone"]))
    assert len(sms) == 1 and CODE not in sms[0].body and code_in(sms[0]) == CODE
    page.get_by_label(re.compile("Mã 6 chữ số")).fill(CODE)
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    page.wait_for_url(re.compile(r"/ho-tro/cong-dan$"))
    shows(page, f"Người dân {A['full_name']} đã đồng ý.")


def consent_of_b_on_paper(page, shots: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    search(page, B["phone"])
    shows(page, B["full_name"], ".panel.success")
    shows(page, mask_phone(B["phone"]), ".panel.success")
    page.get_by_role("link", name="Hỏi ý kiến người dân và bắt đầu").click()
    page.wait_for_url(re.compile(r"/ho-tro/dong-y$"))
    expect_heading(page, f"Hỏi ý kiến {B['full_name']}")
    shows(page, f"Ông/Bà {B['full_name']}")
    assert not page.is_checked("#agreed"), "the consent box must start unticked"
    page.check("#agreed")
    page.get_by_label(re.compile("ký xác nhận trên giấy")).check()
    page.screenshot(path=str(shots["consent"]), full_page=True)
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    page.wait_for_url(re.compile(r"/ho-tro/cong-dan$"))
    shows(page, f"Người dân {B['full_name']} đã đồng ý.")


def serving_bar(page, name: str) -> None:  # type: ignore[no-untyped-def]
    bar = page.locator(".assisting")
    expect(bar).to_contain_text(f"Đang hỗ trợ: {name}")
    expect(bar.get_by_role("button", name="Xong, người tiếp theo")).to_be_visible()


def apply_for_the_citizen(page, context, person, photo: Path, javascript: bool) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """From the citizen's page: the whole journey, submitted; then the three PDFs."""
    procedure = procedure_named(PROCEDURE)
    page.select_option("#procedure", label=PROCEDURE)
    page.get_by_role("button", name="Bắt đầu kê khai").click()
    page.wait_for_url(re.compile(r"/ho-so/\d+/nguoi-nop$"))
    dossier_id = int(page.url.rsplit("/", 2)[1])
    expect_heading(page, "Người nộp hồ sơ")
    shows(page, person["full_name"], ".facts")
    # The citizen's phone gets the messages, not the volunteer's.
    assert page.locator("#phone").input_value().replace(" ", "") == person["phone"]
    if javascript:
        page.evaluate(f"{SPA_MARKER} = true")
    applicant_step(page, javascript, check_picker=False)
    answers_step(page, procedure["schema"], javascript)
    documents_step(page, procedure["scans"], photo, javascript)
    delivery_step(page, javascript)
    assert "Hồ sơ chưa đủ" not in page.inner_text("main")
    page.check("#declaration")
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(re.compile(rf"/ho-tro/ho-so/{dossier_id}$"))
    expect_heading(page, "Đã nộp hồ sơ")
    code = page.inner_text("main strong.code").strip()
    assert CODE_RE.match(code), code
    shows(page, PROCEDURE)
    serving_bar(page, person["full_name"])

    # Print: Mẫu 01 on A5 and on the 80 mm printer, and the guide.
    receipt = page.locator("ul.forms-list li", has_text="Giấy tiếp nhận")
    a5 = fetch_pdf(context, receipt.get_by_role("link", name="khổ A5").get_attribute("href"))
    assert size_of(a5) == A5_PT and code in text_of(a5)
    thermal_link = receipt.get_by_role("link", name="máy in nhiệt 80 mm")
    thermal = fetch_pdf(context, thermal_link.get_attribute("href"))
    assert size_of(thermal)[0] == MM80_PT and len(thermal.pages) == 1
    assert code in text_of(thermal)
    guide_link = page.get_by_role("link", name=re.compile("Hướng dẫn cho người dân"))
    guide = fetch_pdf(context, guide_link.get_attribute("href"))
    assert len(guide.pages) == 1 and code in text_of(guide)
    return {"id": dossier_id, "code": code, "a5": text_of(a5), "pdfs": [a5, thermal, guide]}


def next_person(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/ho-tro/xong")
    ) as done:
        page.locator(".assisting").get_by_role("button", name="Xong, người tiếp theo").click()
    headers = done.value.all_headers()
    assert headers.get("clear-site-data") == '"cache"', headers
    assert "no-store" in headers.get("cache-control", ""), headers
    page.wait_for_url(re.compile(r"/ho-tro/$"))
    shows(page, "Đã xong. Mời người tiếp theo.")
    expect(page.locator(".assisting")).to_have_count(0)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def back_through_the_history(  # type: ignore[no-untyped-def]
    page, secrets: list[str], shot: Path
) -> tuple[list[str], dict[str, list[str]]]:
    """Press "back" until the sign-in page; each step must be answered by the server (no-store:
    no page from a cache) and show none of ``secrets``. Returns the pages visited, and what each
    showed of ``secrets`` (on the screen, in its form fields, or in the URL the history kept)."""
    visited: list[str] = []
    found: dict[str, list[str]] = {}
    for _ in range(40):
        if "/dang-nhap" in page.url:
            break
        try:
            with page.expect_response(
                lambda r: r.request.is_navigation_request() and r.request.frame == page.main_frame
            ):
                page.go_back()
        except PlaywrightError as error:
            if "ERR_CACHE_MISS" not in str(error):
                raise
            # A posted page (a search): the browser will not send it again without asking and
            # shows its own "confirm resubmission" page instead; it must show nothing either.
            visited.append("(posted page, not resent)")
            shown = found_on_screen(page, secrets)
            assert not shown, shown
            continue
        page.wait_for_load_state("load")
        path = path_of(page.url)
        visited.append(path)
        shown = found_on_screen(page, secrets) + [f"{s} (in the URL)" for s in secrets if s in path]
        if shown:
            # Keep a picture of each page that shows something: e2e-assist-back-1-no-js.png, …
            number = len(found) + 1
            page.screenshot(path=str(shot).replace("-back-", f"-back-{number}-"), full_page=True)
            found.setdefault(path, []).extend(x for x in shown if x not in found.get(path, []))
    else:
        pytest.fail(f"never got back to the sign-in page: {visited}")
    return visited, found


# --- the test ------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "htmx"])
def test_a_volunteer_helps_two_citizens_in_turn_on_one_shared_phone(
    browser,  # noqa: F811
    live_server,
    recorder,
    scan,  # noqa: F811
    team,
    volunteer,
    citizen_b,
    fixed_code,
    javascript,
) -> None:
    clock.freeze(NOW)
    volunteer_phone, volunteer_id = volunteer.phone, volunteer.id
    team_name, team_id = team.name, team.id
    db.session.commit()  # the server thread writes next: end the test's transaction
    mode = "htmx" if javascript else "no-js"
    shots = {
        name: Path(f"/tmp/e2e-assist-{name}-{mode}.png")
        for name in ("new-citizen", "citizen", "submitted", "citizen-list", "back", "consent")
    }
    # Leaks are collected and asserted at the end, so one run shows them all.
    findings: list[str] = []

    context, page = new_page(browser, live_server, javascript)
    try:
        # 1. The volunteer signs in and registers A, who confirms with the SMS code.
        sign_in(page, volunteer_phone)
        page.locator("header nav").get_by_role("link", name="Hỗ trợ người dân").click()
        page.wait_for_url(re.compile(r"/ho-tro/$"))
        expect_heading(page, "Hỗ trợ người dân")
        shows(page, team_name)
        register_a_with_sms_code(page, shots)
        serving_bar(page, A["full_name"])
        expect_heading(page, A["full_name"])
        shows(page, mask_phone(A["phone"]))
        assert A["id_number"] not in page.inner_text("main"), "the ID number is shown masked"
        page.screenshot(path=str(shots["citizen"]), full_page=True)
        fits_the_phone(page)
        first = apply_for_the_citizen(page, context, A, scan, javascript)
        assert "Ngườidânđãxácnhậnđồngýbằngmãgửiquatinnhắn" in first["a5"]
        assert "kýxácnhận:" not in first["a5"]
        page.screenshot(path=str(shots["submitted"]), full_page=True)
        fits_the_phone(page)
        # Back to A's page: the dossier is listed there while A is being served.
        page.get_by_role("link", name="Nộp thêm hồ sơ cho người dân này").click()
        page.wait_for_url(re.compile(r"/ho-tro/cong-dan$"))
        shows(page, first["code"], "main ul.cards")
        shows(page, "Đã nộp", "main ul.cards")
        page.screenshot(path=str(shots["citizen-list"]), full_page=True)
        fits_the_phone(page)
        a_pages = [s for s in recorder.since(0) if s.status == 200]
        assert all("no-store" in s.headers.get("cache-control", "") for s in a_pages), [
            (s.path, s.headers.get("cache-control")) for s in a_pages
        ]

        # 2. "Xong, người tiếp theo": nothing of A by the back button, nor by typed URLs.
        of_a = [*traces(A), first["code"]]
        # The checks below see A's data where it is (so that finding none later means something).
        assert {A["full_name"], mask_phone(A["phone"]), first["code"]} <= set(
            found_on_screen(page, of_a)
        )
        assert {A["full_name"], A["phone"], first["code"]} <= {
            secret for _, secret in found_in_sent(recorder.since(0), of_a)
        }
        next_person(page)
        after_done = recorder.mark()
        visited, on_screen = back_through_the_history(page, of_a, shots["back"])
        assert any(f"/ho-tro/ho-so/{first['id']}" in url for url in visited), visited
        assert any(f"/ho-so/{first['id']}/" in url for url in visited), visited
        for path, secret in found_in_sent(recorder.since(after_done), of_a):
            if secret not in on_screen.get(path, []):
                on_screen.setdefault(path, []).append(f"{secret} (sent by the server)")
        findings += [
            f"after “Xong, người tiếp theo”, Back reaches {path} and it shows A's "
            + ", ".join(shown)
            for path, shown in on_screen.items()
        ]
        page.goto("/ho-tro/")
        expect(page.locator(".assisting")).to_have_count(0)
        typed = [
            "/ho-tro/cong-dan",
            f"/ho-tro/ho-so/{first['id']}",
            f"/ho-so/{first['id']}",
            f"/ho-so/{first['id']}/nguoi-nop",
            f"/ho-so/{first['id']}/kiem-tra",
        ]
        for url in typed:
            response = page.goto(url)
            if url == "/ho-tro/cong-dan":  # nobody is being served: back to the search
                assert path_of(page.url) == "/ho-tro/", page.url
            else:
                assert response.status == 404, (url, response.status)
            found = found_on_screen(page, of_a)
            assert not found, (url, found)
        for url in (
            f"/ho-tro/ho-so/{first['id']}/giay-tiep-nhan.pdf",
            f"/ho-tro/ho-so/{first['id']}/giay-tiep-nhan.pdf?kho=80",
            f"/ho-tro/ho-so/{first['id']}/huong-dan.pdf",
            f"/ho-so/{first['id']}/giay-tiep-nhan.pdf",
        ):
            response = context.request.get(url)
            assert response.status == 404, (url, response.status)
            assert not [s for s in of_a if s in response.text()], url

        # 3. B, who has an account, consents on paper; the volunteer applies for B.
        page.goto("/ho-tro/")
        before_b = recorder.mark()
        consent_of_b_on_paper(page, shots)
        serving_bar(page, B["full_name"])
        expect_heading(page, B["full_name"])
        assert not found_on_screen(page, of_a)
        fits_the_phone(page)
        second = apply_for_the_citizen(page, context, B, scan, javascript)
        assert second["code"] != first["code"]
        consent_line = f"NgườidânđồngýđểLôVănPằn({team_name})kêkhai,nộphồsơthay;kýxácnhận:"
        assert "đồngý" in second["a5"]
        assert consent_line.replace(" ", "") in second["a5"], second["a5"]
        for pdf in second["pdfs"]:
            assert not [s for s in of_a if s.replace(" ", "") in text_of(pdf)]
        for url in ("/ho-tro/", "/ho-tro/cong-dan", f"/ho-tro/ho-so/{second['id']}"):
            page.goto(url)
            assert not found_on_screen(page, of_a), url
        page.goto("/ho-tro/")
        page.get_by_role("link", name="Hồ sơ đã hỗ trợ").click()
        page.wait_for_url(re.compile(r"/ho-tro/da-ho-tro$"))
        helped = page.locator("main table")
        for dossier in (first, second):
            row = helped.locator("tr", has_text=dossier["code"])
            expect(row).to_contain_text("Đã nộp")
        main = page.inner_text("main")
        for value in (*traces(A), *traces(B)):
            assert value not in main, value
        # Everything the server sent while B was served: nothing of A (the list of dossiers
        # helped names A's dossier by its code, and only there).
        b_sent = recorder.since(before_b)
        assert all(
            "no-store" in s.headers.get("cache-control", "") for s in b_sent if s.status == 200
        )
        leaks = [
            (path, secret)
            for path, secret in found_in_sent(b_sent, of_a)
            if not (path == "/ho-tro/da-ho-tro" and secret == first["code"])
        ]
        assert not leaks, leaks

        # 4. Done with B; the volunteer signs out.
        next_person(page)
        page.locator("header nav").get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url(re.compile(r"/$"))
        shows(page, "Bạn đã đăng xuất.")

        # 5. A, on the same phone, claims the account and finds the dossier.
        of_b = [*traces(B), second["code"]]
        before_claim = recorder.mark()
        page.goto("/dang-nhap")
        page.get_by_role("link", name=re.compile("Nhận tài khoản bằng mã")).click()
        page.wait_for_url(re.compile(r"/nhan-tai-khoan$"))
        page.fill("#phone", A["phone"])
        page.get_by_role("button", name="Gửi mã").click()
        page.wait_for_url(re.compile(r"/nhan-tai-khoan/ma$"))
        sms = read(
            select(Notification)
            .filter_by(template="otp_claim", recipient=A["phone"])
            .order_by(Notification.id.desc())
        )
        assert sms, "no claim SMS to A's phone"
        claim_code = code_in(sms[0])
        assert claim_code not in sms[0].body
        page.fill("#code", claim_code)
        page.fill("#password", NEW_PASSWORD)
        page.fill("#password_again", NEW_PASSWORD)
        page.get_by_role("button", name="Nhận tài khoản").click()
        page.wait_for_url(re.compile(r"/ho-so-cua-toi$"))
        expect_heading(page, "Hồ sơ của tôi")
        shows(page, "Đã nhận tài khoản")
        shows(page, first["code"])
        shows(page, PROCEDURE)
        assert not found_on_screen(page, of_b)
        page.get_by_role("link", name=PROCEDURE).click()
        page.wait_for_url(re.compile(rf"/ho-so/{first['id']}$"))
        shows(page, first["code"])
        assert not found_on_screen(page, of_b)
        assert not found_in_sent(recorder.since(before_claim), of_b)
        fits_the_phone(page)
    finally:
        context.close()

    # What the database kept: who helped, where, and how each citizen consented.
    dossiers = {d.code: d for d in read(select(Dossier))}
    assert set(dossiers) == {first["code"], second["code"]}
    for code, method, phone in (
        (first["code"], "sms_code", A["phone"]),
        (second["code"], "paper", B["phone"]),
    ):
        dossier = dossiers[code]
        assert dossier.status == DossierStatus.SUBMITTED
        assert dossier.owner.phone == phone
        assert dossier.created_by_id == volunteer_id == dossier.submitted_by_id
        assert dossier.assist_team_id == team_id and dossier.assist_place == PLACE
        assert dossier.consent.method == method
    owner = read(select(User).filter_by(phone=A["phone"]))[0]
    assert owner.created_by_id == volunteer_id and owner.check_password(NEW_PASSWORD)
    db.session.commit()

    # Once a bug: the search was a GET, so Back showed A again from /ho-tro/?q=<A's phone>.
    assert not findings, findings
