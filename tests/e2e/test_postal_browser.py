"""End to end in a real browser: the public postal service (issue 4, "done means").

A citizen books a home pickup in the journey and submits; the postal worker collects the
papers, prints the label, the document list and the fee receipts, and hands the dossier over
on a manifest; the officer confirms the manifest, accepts, approves with a paper result and
hands it to the post; the worker fails once and delivers the next working day; the citizen
reads every step on the timeline. A second test: a walk-in citizen applies at the post-office
counter and gets Mẫu 01 on A5 and on the 80 mm printer. Three short tests pin what the booking
page and the dossier page once got wrong (each a regression test now).

Three browser contexts (citizen, worker, officer) on a phone viewport, once without JavaScript
(plain forms) and once with htmx; CSRF stays on. The clock is frozen and moved by the test
(``app.core.clock`` is read by the server thread too). Uses the live server, browser and page
helpers of test_browser.py and the postal fixtures of tests/postal/conftest.py.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from e2e.test_browser import (  # noqa: F401
    SPA_MARKER,
    TIMEOUT_MS,
    answers_step,
    app_config,
    applicant_step,
    browser,
    documents_step,
    expect_heading,
    live_server,
    new_page,
    procedure_named,
    read,
    save_and_continue,
    scan,
    slow_submits,
)
from helpers import PASSWORD, choose_commune, complete_draft, fill_date
from playwright.sync_api import expect
from postal.conftest import commune_unit, office, officer, residence, worker  # noqa: F401
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import User
from app.core import clock
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.postal import s10
from app.postal.flow import Leg, ShipmentStatus
from app.postal.models import HandoverManifest, Shipment
from app.postal.operations import booking
from app.postal.queries.slots import offered_slots

pytestmark = pytest.mark.e2e

MONDAY = datetime(2026, 11, 23, 9, 0)  # Tuesday 24/11/2026 is a public holiday
WEDNESDAY = datetime(2026, 11, 25, 9, 30)  # the first bookable slot
RESULT_DAY = datetime(2026, 12, 2, 9, 0)
NEXT_DAY = datetime(2026, 12, 3, 9, 0)
COMMUNE = "17329"  # Xã Anh Sơn: served by the `office` fixture
NO_OFFICE_COMMUNE = "16813"  # Xã Mường Xén: no post office picks up there
A5_PT = (419.5, 595.3)
A6_PT = (297.6, 419.5)
MM80_PT = 226.8
PHONE_WIDTH = 360
TIMELINE = (
    "Bưu điện đã nhận hồ sơ",
    "Bưu điện đã giao hồ sơ cho cơ quan",
    "Bưu điện đã nhận kết quả từ cơ quan",
    "Bưu điện đang giao kết quả",
    "Giao kết quả không thành công",
    "Đã giao kết quả",
)


# --- helpers -------------------------------------------------------------------------------


def login(page, phone: str, landing: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/dang-nhap")
    page.fill("#phone", phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(landing))


def shows(page, text: str, where: str = "main") -> None:  # type: ignore[no-untyped-def]
    expect(page.locator(where).first).to_contain_text(text, timeout=TIMEOUT_MS)


def fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing sticks out sideways on a 360 px wide phone (no horizontal scrolling)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide on a {PHONE_WIDTH} px phone"


def fetch_pdf(context, href: str) -> PdfReader:  # type: ignore[no-untyped-def]
    """GET ``href`` with the browser's cookies; it must be a PDF."""
    response = context.request.get(href)
    assert response.status == 200, (href, response.status, response.text()[:300])
    assert response.headers["content-type"].startswith("application/pdf"), href
    body = response.body()
    assert body.startswith(b"%PDF-"), href
    return PdfReader(io.BytesIO(body))


def text_of(reader: PdfReader) -> str:
    """The PDF's text without whitespace or break opportunities (long codes may wrap)."""
    text = "".join(page.extract_text() or "" for page in reader.pages)
    text = "".join(ch for ch in text if not ch.isspace() and ch not in "\u200b\u00ad")
    return unicodedata.normalize("NFC", text)


def size_of(reader: PdfReader) -> tuple[float, float]:
    box = reader.pages[0].mediabox
    return round(float(box.width), 1), round(float(box.height), 1)


def href_of(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    href = page.locator(selector).first.get_attribute("href")
    assert href, selector
    return href


def shipment_of(dossier_id: int, leg: Leg) -> Shipment:
    return read(select(Shipment).filter_by(dossier_id=dossier_id, leg=leg))[0]


# --- 1. the citizen books a home pickup and submits ----------------------------------------


def choose_pickup_and_postal_return(page, dossier_id: int) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/ho-so/{dossier_id}/nhan-tra")
    expect_heading(page, "Gửi hồ sơ và nhận kết quả")
    page.get_by_label("Bưu điện đến nhận hồ sơ tại nhà").check()
    page.get_by_label("Qua dịch vụ bưu chính công ích").check()
    # Nghệ An is already chosen (re-choosing it would reload the commune list under htmx).
    assert page.locator("#return_province").input_value() == "40"
    choose_commune(page, "return_commune", COMMUNE)
    page.fill("#return_village", "Khối 3")
    page.fill("#return_street", "Số 12 đường Lê Lợi")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    # Choosing a home pickup leads straight to its day and time.
    page.wait_for_url(re.compile(rf"/ho-so/{dossier_id}/hen-buu-dien$"))
    expect_heading(page, "Hẹn bưu điện đến nhận hồ sơ")


def commune_changes_the_slot_list(page, javascript: bool) -> None:  # type: ignore[no-untyped-def]
    """A commune with no post office says so; back to the home commune, the slots return."""
    assert page.locator("#commune").input_value() == COMMUNE
    if javascript:
        page.evaluate(f"{SPA_MARKER} = true")
    page.select_option("#commune", NO_OFFICE_COMMUNE)
    if not javascript:
        page.get_by_role("button", name="Xem lịch của bưu điện xã này").click()
    shows(page, "Chưa có bưu điện nhận hồ sơ tại nhà ở xã này", "#slots")
    assert page.locator("input[name=slot]").count() == 0
    page.select_option("#commune", COMMUNE)
    if not javascript:
        page.get_by_role("button", name="Xem lịch của bưu điện xã này").click()
    page.locator("input[name=slot]").first.wait_for()
    if javascript:
        assert page.evaluate(SPA_MARKER) is True, "htmx should reload the slot list in place"
    assert page.locator("#commune").input_value() == COMMUNE


def book_first_slot(page, dossier_id: int, screenshot: Path) -> None:  # type: ignore[no-untyped-def]
    # Not today, not Tuesday's public holiday: Wednesday morning comes first.
    expect(page.locator("#slots .day").first).to_have_text("Thứ Tư 25/11/2026")
    first = page.locator("#slots input[name=slot]").first
    expect(first).to_have_accessible_name("Thứ Tư 25/11/2026, 08:00–11:00")
    first.check()
    page.fill("#landmark", "Cạnh nhà văn hóa bản")
    assert page.locator("#village").input_value() == "Bản Huồi Tụ"
    assert page.locator("#contact_phone").input_value()
    fits_the_phone(page)
    page.screenshot(path=str(screenshot), full_page=True)
    page.get_by_role("button", name="Hẹn lịch").click()
    page.wait_for_url(re.compile(rf"/ho-so/{dossier_id}/kiem-tra$"))
    shows(page, "Đã hẹn bưu điện đến nhận giấy tờ: 08:00–11:00 ngày 25/11/2026")


def check_and_submit(page, dossier_id: int) -> None:  # type: ignore[no-untyped-def]
    expect_heading(page, "Kiểm tra và nộp hồ sơ")
    main = page.inner_text("main")
    assert "Hồ sơ chưa đủ" not in main
    assert "Bưu điện đến nhận hồ sơ tại nhà" in main
    assert "Hẹn 08:00–11:00 ngày 25/11/2026" in main
    assert "Qua dịch vụ bưu chính công ích" in main and "Khối 3" in main
    page.check("#declaration")
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(re.compile(rf"/ho-so/{dossier_id}$"))
    expect_heading(page, "Hồ sơ")
    panel = page.locator('section[aria-labelledby="post-title"]')
    expect(panel).to_contain_text("Bưu điện")
    expect(panel).to_contain_text("Chờ bưu điện nhận hồ sơ")
    expect(panel).to_contain_text("Hẹn 08:00–11:00 thứ tư 25/11/2026")
    shows(page, "Đã hẹn bưu điện đến nhận hồ sơ", "ol.timeline")
    shows(page, "Đã nộp", ".facts")


# --- 2. and 3. the worker collects, prints, hands over -------------------------------------


def worker_collects(page, context, code: str, screenshot: Path) -> str:  # type: ignore[no-untyped-def]
    """Count, seal, collect; open every paper. Returns the S10 item number."""
    page.goto("/buu-dien/")
    shows(page, "Việc ngày 25/11/2026", "main h1")
    stop = page.locator("li.stop", has_text=code)
    expect(stop).to_contain_text("08:00–11:00 · Nhận hồ sơ")
    expect(stop).to_contain_text("Dấu hiệu: Cạnh nhà văn hóa bản")
    stop.get_by_role("link", name=f"Nhận hồ sơ: {code}").click()
    page.wait_for_url(re.compile(r"/buu-dien/buu-gui/\d+$"))
    shows(page, "Kiểm đếm giấy tờ với người dân")
    boxes = page.locator("input[name^=present-]")
    assert boxes.count() >= 1
    for n in range(boxes.count()):
        boxes.nth(n).check()
    page.fill("#seal_number", "NP 0042")
    page.get_by_role("button", name="Đã niêm phong, nhận hồ sơ").click()
    shows(page, "Đã nhận hồ sơ. Số hiệu bưu gửi:")
    shows(page, "Bưu điện đã nhận hồ sơ", ".facts")
    item_number = page.locator(".facts strong.code").nth(1).inner_text().strip()
    assert s10.is_valid(item_number), item_number
    assert page.locator("input[name^=present-]").count() == 0, "the checklist is done"
    fits_the_phone(page)
    page.screenshot(path=str(screenshot), full_page=True)

    label = fetch_pdf(context, href_of(page, 'a[href$="/nhan-dan.pdf"]'))
    assert size_of(label) == A6_PT and item_number in text_of(label)
    listing = fetch_pdf(context, href_of(page, 'a[href$="/danh-muc-giay-to.pdf"]'))
    assert code in text_of(listing) and "NP0042" in text_of(listing)
    receipt = page.locator("ul.forms-list li", has_text="Biên lai")
    a5 = fetch_pdf(context, receipt.get_by_role("link", name="khổ A5").get_attribute("href"))
    assert size_of(a5) == A5_PT and code in text_of(a5)
    thermal_link = receipt.get_by_role("link", name="máy in nhiệt 80 mm")
    thermal = fetch_pdf(context, thermal_link.get_attribute("href"))
    assert size_of(thermal)[0] == MM80_PT and len(thermal.pages) == 1
    return item_number


def worker_hands_over(page, item_number: str) -> str:  # type: ignore[no-untyped-def]
    """The hand-over manifest for the receiving unit, from the day page. Returns its number."""
    page.get_by_role("link", name="← Việc trong ngày").click()
    page.wait_for_url(re.compile(r"/buu-dien/$"))
    waiting = page.locator("ul.cards li", has_text="1 bưu gửi")
    waiting.get_by_role("link", name="Lập biên bản giao nhận").click()
    page.wait_for_url(re.compile(r"/buu-dien/bien-ban/moi/\d+$"))
    item = page.locator("label.check", has_text=item_number)
    expect(item.locator("input")).to_be_checked()
    page.get_by_role("button", name="Lập biên bản").click()
    page.wait_for_url(re.compile(r"/buu-dien/bien-ban/\d+$"))
    shows(page, "Đã lập biên bản")
    number = page.inner_text("main h1").removeprefix("Biên bản giao nhận").strip()
    assert number
    shows(page, "Chờ đơn vị xác nhận", ".facts")
    shows(page, item_number, "table.list")
    return number


# --- 4. the officer confirms, accepts, approves, hands the result to the post --------------


def officer_confirms_and_accepts(page, manifest_number: str, code: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/can-bo/buu-dien/")
    page.get_by_role("link", name=manifest_number).click()
    page.wait_for_url(re.compile(r"/can-bo/buu-dien/bien-ban/\d+$"))
    page.get_by_label("Đã nhận đủ bưu gửi").check()
    page.get_by_role("button", name="Xác nhận biên bản").click()
    shows(page, "Đã xác nhận biên bản.")
    page.get_by_role("link", name=f"Mở hồ sơ {code} để tiếp nhận").click()
    page.wait_for_url(re.compile(r"/can-bo/ho-so/\d+$"))
    assert "chưa đến đơn vị" not in page.inner_text("main")
    page.locator("summary", has_text="Tiếp nhận hồ sơ").click()
    page.locator("#action-accept form").get_by_role("button", name="Tiếp nhận hồ sơ").click()
    shows(page, "Đã thực hiện: Tiếp nhận hồ sơ.")
    shows(page, "Tiếp nhận lúc", ".facts")


def officer_approves_on_paper(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("summary", has_text="Phê duyệt, có kết quả").click()
    form = page.locator("#action-approve form")
    form.get_by_label("Kết quả bản giấy").check()
    form.locator("textarea").fill("Đã đăng ký thường trú")
    form.get_by_role("button", name="Phê duyệt, có kết quả").click()
    shows(page, "Đã thực hiện: Phê duyệt, có kết quả.")
    shows(page, "Bản giấy")


def officer_hands_result_to_post(page, code: str, worker_name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/can-bo/buu-dien/")
    form = page.locator("form", has_text="Giao kết quả và lập biên bản")
    form.get_by_label(re.compile(re.escape(code))).check()
    form.get_by_label("Nhân viên bưu điện nhận").select_option(label=worker_name)
    form.get_by_role("button", name="Giao kết quả và lập biên bản").click()
    page.wait_for_url(re.compile(r"/can-bo/buu-dien/bien-ban/\d+$"))
    shows(page, "Đã giao 1 kết quả cho bưu điện")
    shows(page, "Cơ quan giao kết quả cho bưu điện", ".facts")


# --- 5. the worker delivers: fails once, delivers the next working day ---------------------


def open_delivery(page, day: str, code: str, item_number: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/buu-dien/")
    page.fill("#ngay", day)
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(re.compile(rf"/buu-dien/\?.*ngay={day}"))
    stop = page.locator("li.stop", has_text=code)
    expect(stop).to_contain_text(f"bưu gửi {item_number}")
    expect(stop).to_contain_text("Khối 3")  # the return address, not the home address
    stop.get_by_role("link", name=f"Giao: {code}").click()
    page.wait_for_url(re.compile(r"/buu-dien/buu-gui/\d+$"))
    shows(page, "Giao kết quả:", "main h1")


def worker_fails_then_delivers(page, code: str, item_number: str) -> None:  # type: ignore[no-untyped-def]
    open_delivery(page, "2026-12-02", code, item_number)
    page.get_by_role("button", name="Bắt đầu đi giao").click()
    shows(page, "Đã ghi nhận: đang đi giao.")
    page.locator("summary", has_text="Không giao được").click()
    page.get_by_label("Không có người nhận tại nhà").check()
    page.get_by_role("button", name="Ghi nhận giao không thành công").click()
    shows(page, "Đã ghi nhận lần giao không thành công")
    shows(page, "không giao được (Không có người nhận tại nhà)", "main ol")

    clock.freeze(NEXT_DAY)
    open_delivery(page, "2026-12-03", code, item_number)
    page.get_by_role("button", name="Bắt đầu đi giao lại (lần 2)").click()
    shows(page, "Đã ghi nhận: đang đi giao.")
    page.fill("#recipient_name", "Lò Thị Mai")
    page.get_by_label("Người thân trong gia đình").check()
    page.get_by_label(re.compile("Đã kiểm tra thẻ căn cước")).check()
    page.get_by_role("button", name="Xác nhận đã giao").click()
    shows(page, "Đã giao kết quả.")
    shows(page, "đã giao cho Lò Thị Mai", "main ol")


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "htmx"])
def test_home_pickup_travels_to_the_agency_and_the_result_comes_home_by_post(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    citizen,
    residence,  # noqa: F811
    office,  # noqa: F811
    worker,  # noqa: F811
    officer,  # noqa: F811
    javascript,
) -> None:
    clock.freeze(MONDAY)
    draft = complete_draft(citizen, residence, "e2e-postal")
    dossier_id = draft.id
    phones = {"citizen": citizen.phone, "worker": worker.phone, "officer": officer.phone}
    worker_name = worker.full_name
    db.session.commit()  # the server thread writes next: end the test's transaction
    mode = "htmx" if javascript else "no-js"
    booking_png = Path(f"/tmp/e2e-postal-booking-{mode}.png")
    item_png = Path(f"/tmp/e2e-postal-item-{mode}.png")

    contexts = []
    try:
        # 1. The citizen, on Monday.
        citizen_context, citizen_page = new_page(browser, live_server, javascript)
        contexts.append(citizen_context)
        login(citizen_page, phones["citizen"], r"/ho-so-cua-toi$")
        choose_pickup_and_postal_return(citizen_page, dossier_id)
        if not javascript:  # with htmx: test_with_htmx_the_slot_list_follows_the_commune
            commune_changes_the_slot_list(citizen_page, javascript)
        book_first_slot(citizen_page, dossier_id, booking_png)
        check_and_submit(citizen_page, dossier_id)
        dossier = read(select(Dossier).filter_by(id=dossier_id))[0]
        code = dossier.code
        assert dossier.status == DossierStatus.SUBMITTED
        assert (dossier.intake_channel, dossier.return_channel) == ("post_pickup", "post")
        pickup = shipment_of(dossier_id, Leg.PICKUP)
        assert pickup.status == ShipmentStatus.PICKUP_REQUESTED
        assert pickup.landmark == "Cạnh nhà văn hóa bản"
        assert pickup.slot.day.isoformat() == "2026-11-25"
        db.session.commit()

        # 2. and 3. The worker, on Wednesday: collects, prints, hands over.
        clock.freeze(WEDNESDAY)
        worker_context, worker_page = new_page(browser, live_server, javascript)
        contexts.append(worker_context)
        login(worker_page, phones["worker"], r"/buu-dien/$")
        item_number = worker_collects(worker_page, worker_context, code, item_png)
        assert shipment_of(dossier_id, Leg.PICKUP).item_number == item_number
        manifest_number = worker_hands_over(worker_page, item_number)
        manifest = read(select(HandoverManifest).filter_by(number=manifest_number))[0]
        assert manifest.direction == "to_agency" and manifest.confirmed_at is None
        db.session.commit()

        # 4. The officer: confirms the papers' arrival, accepts; later approves on paper
        # and hands the result to the post.
        officer_context, officer_page = new_page(browser, live_server, javascript)
        contexts.append(officer_context)
        login(officer_page, phones["officer"], r"/can-bo/$")
        officer_confirms_and_accepts(officer_page, manifest_number, code)
        dossier = read(select(Dossier).filter_by(id=dossier_id))[0]
        assert dossier.status == DossierStatus.RECEIVED
        assert dossier.papers_received_at == WEDNESDAY and dossier.received_at == WEDNESDAY
        db.session.commit()
        clock.freeze(RESULT_DAY)
        officer_page.reload()
        officer_approves_on_paper(officer_page)
        officer_hands_result_to_post(officer_page, code, worker_name)
        back = shipment_of(dossier_id, Leg.RETURN)
        assert back.status == ShipmentStatus.COLLECTED and s10.is_valid(back.item_number)
        back_number = back.item_number
        db.session.commit()

        # 5. The worker: out, nobody home; the next working day, delivered.
        worker_fails_then_delivers(worker_page, code, back_number)
        back = shipment_of(dossier_id, Leg.RETURN)
        assert back.status == ShipmentStatus.DELIVERED and len(back.attempts) == 2
        db.session.commit()

        # 6. The citizen reads every postal step, in Vietnamese.
        citizen_page.goto(f"/ho-so/{dossier_id}")
        timeline = citizen_page.locator("ol.timeline")
        for words in TIMELINE:
            expect(timeline).to_contain_text(words)
        expect(citizen_page.locator('section[aria-labelledby="post-title"]')).to_contain_text(
            "Nhận kết quả: Đã giao kết quả"
        )
        fits_the_phone(citizen_page)
    finally:
        for context in contexts:
            context.close()

    dossier = read(select(Dossier).filter_by(id=dossier_id))[0]
    assert dossier.status == DossierStatus.RETURNED
    db.session.commit()


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "htmx"])
def test_walk_in_citizen_applies_at_the_counter_and_gets_mau_01_on_a5_and_80mm(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    scan,  # noqa: F811
    residence,  # noqa: F811
    office,  # noqa: F811
    worker,  # noqa: F811
    javascript,
) -> None:
    clock.freeze(WEDNESDAY)
    worker_phone, worker_name = worker.phone, worker.full_name
    db.session.commit()
    procedure = procedure_named("Đăng ký thường trú")
    context, page = new_page(browser, live_server, javascript)
    try:
        login(page, worker_phone, r"/buu-dien/$")
        page.get_by_role("link", name="Quầy: nộp hồ sơ thay người dân").click()
        page.wait_for_url(re.compile(r"/buu-dien/quay/$"))

        # An unknown phone: no account yet; the clerk creates one with the citizen's consent.
        page.get_by_label(re.compile("Số điện thoại hoặc số định danh")).fill("0987 654 321")
        page.get_by_role("button", name="Tìm").click()
        shows(page, "Chưa có tài khoản với số này")
        page.get_by_role("button", name="Tạo tài khoản cho người dân").click()
        page.wait_for_url(re.compile(r"/buu-dien/quay/cong-dan-moi"))
        assert page.locator("#phone").input_value().replace(" ", "") == "0987654321"
        page.fill("#full_name", "Vi Thị Xuân")
        fill_date(page, "date_of_birth", "1975-03-08")
        page.get_by_label("Nữ").check()
        page.fill("#id_number", "040175012345")
        assert not page.is_checked("#consent"), "the consent must start unticked"
        page.check("#consent")
        page.get_by_role("button", name="Tạo tài khoản").click()
        page.wait_for_url(re.compile(r"/buu-dien/quay/cong-dan/\d+$"))
        shows(page, "Đã tạo tài khoản cho Vi Thị Xuân.")
        assert "040175012345" not in page.inner_text("main")

        # A permanent-residence application on their behalf, with their consent.
        page.select_option("#procedure", label="Đăng ký thường trú")
        page.check('input[name="consent"]')
        page.get_by_role("button", name="Bắt đầu kê khai").click()
        page.wait_for_url(re.compile(r"/ho-so/\d+/nguoi-nop$"))
        dossier_id = int(page.url.rsplit("/", 2)[1])
        expect_heading(page, "Người nộp hồ sơ")
        if javascript:
            page.evaluate(f"{SPA_MARKER} = true")
        applicant_step(page, javascript, check_picker=False)
        answers_step(page, procedure["schema"], javascript)
        documents_step(page, procedure["scans"], scan, javascript)
        # At the counter the papers are taken there and then: the only way they travel.
        intake = page.locator('input[name="intake_channel"]')
        assert intake.count() == 1 and intake.get_attribute("value") == "post_office"
        assert intake.is_checked()
        page.get_by_label("Nhận kết quả trực tuyến").check()
        save_and_continue(page, "Kiểm tra và nộp hồ sơ", javascript)
        assert "Nộp giấy tờ tại quầy bưu điện" in page.inner_text("main")
        page.check("#declaration")
        page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()

        # The clerk lands on the item page to check the papers with the citizen.
        page.wait_for_url(re.compile(r"/buu-dien/buu-gui/\d+$"))
        dossier = read(select(Dossier).filter_by(id=dossier_id))[0]
        code = dossier.code
        assert dossier.status == DossierStatus.SUBMITTED
        owner = read(select(User).filter_by(id=dossier.owner_id))[0]
        assert owner.phone == "0987654321" and owner.created_by_id == dossier.submitted_by_id
        db.session.commit()
        shows(page, code, ".facts")
        shows(page, "Tại quầy", ".facts")
        boxes = page.locator("input[name^=present-]")
        for n in range(boxes.count()):
            boxes.nth(n).check()
        page.fill("#seal_number", "Q-7")
        page.get_by_role("button", name="Đã niêm phong, nhận hồ sơ").click()
        shows(page, "Đã nhận hồ sơ. Số hiệu bưu gửi:")
        item_number = page.locator(".facts strong.code").nth(1).inner_text().strip()
        assert s10.is_valid(item_number), item_number

        # Mẫu 01, naming the clerk who received it, on A5 and on the 80 mm printer.
        mau01 = page.locator("ul.forms-list li", has_text="Mẫu 01")
        a5 = fetch_pdf(context, mau01.get_by_role("link", name="khổ A5").get_attribute("href"))
        assert size_of(a5) == A5_PT and code in text_of(a5)
        assert worker_name.replace(" ", "") in text_of(a5)
        thermal_link = mau01.get_by_role("link", name="máy in nhiệt 80 mm")
        thermal = fetch_pdf(context, thermal_link.get_attribute("href"))
        assert size_of(thermal)[0] == MM80_PT and len(thermal.pages) == 1
        assert code in text_of(thermal) and "040175012345" not in text_of(thermal)
        fits_the_phone(page)
    finally:
        context.close()

    counter = shipment_of(dossier_id, Leg.PICKUP)
    assert counter.at_counter and counter.status == ShipmentStatus.PICKED_UP
    db.session.commit()


def _draft_at_the_booking_page(chromium, base_url: str, citizen, procedure, javascript: bool):  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    draft = complete_draft(citizen, procedure, "e2e-slots")
    dossier_id, phone = draft.id, citizen.phone
    db.session.commit()
    context, page = new_page(chromium, base_url, javascript)
    login(page, phone, r"/ho-so-cua-toi$")
    page.goto(f"/ho-so/{dossier_id}/hen-buu-dien")
    page.locator("#slots input[name=slot]").first.wait_for()
    if javascript:
        page.evaluate(f"{SPA_MARKER} = true")
    return context, page


def test_with_htmx_the_slot_list_follows_the_commune(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    citizen,
    residence,  # noqa: F811
    office,  # noqa: F811
) -> None:
    context, page = _draft_at_the_booking_page(browser, live_server, citizen, residence, True)
    try:
        with page.expect_response(re.compile(r"chi-khung-gio=1&commune=16813")):
            page.select_option("#commune", NO_OFFICE_COMMUNE)
        page.wait_for_load_state("networkidle")
        # Once a bug: the select inherited the form's hx-select="#main" / outerHTML swap.
        assert page.locator("#slots").count() == 1, "the slot list is refreshed, not removed"
        shows(page, "Chưa có bưu điện nhận hồ sơ tại nhà ở xã này", "#slots")
        page.select_option("#commune", COMMUNE)
        page.locator("#slots input[name=slot]").first.wait_for()
        assert page.evaluate(SPA_MARKER) is True, "the slot list is swapped in, no page load"
    finally:
        context.close()


def test_submitting_with_a_booked_pickup_confirms_the_submission(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    citizen,
    residence,  # noqa: F811
    office,  # noqa: F811
) -> None:
    clock.freeze(MONDAY)
    draft = complete_draft(citizen, residence, "e2e-confirm")
    draft.intake_channel = "post_pickup"
    booking.book_pickup(
        draft,
        offered_slots(db.session.merge(office))[0],
        commune_code=COMMUNE,
        village="Bản Huồi Tụ",
        contact_phone=citizen.phone,
    )
    dossier_id, phone = draft.id, citizen.phone
    db.session.commit()
    context, page = new_page(browser, live_server, False)
    try:
        login(page, phone, r"/ho-so-cua-toi$")
        page.goto(f"/ho-so/{dossier_id}/kiem-tra")
        page.check("#declaration")
        page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
        page.wait_for_url(re.compile(rf"/ho-so/{dossier_id}$"))
        shows(page, "Đã nộp, chờ tiếp nhận", ".facts")
        # Once a bug: the panel showed only while the timeline had one entry (the booking is
        # another).
        assert "Đã nộp hồ sơ thành công" in page.inner_text("main")
    finally:
        context.close()


def test_with_htmx_changing_the_province_on_the_booking_page_keeps_a_commune_list(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    citizen,
    residence,  # noqa: F811
    office,  # noqa: F811
) -> None:
    context, page = _draft_at_the_booking_page(browser, live_server, citizen, residence, True)
    try:
        with page.expect_response(re.compile(r"/dia-chi/xa\?")):
            page.select_option("#province", "42")  # Hà Tĩnh
        page.wait_for_load_state("networkidle")
        assert page.locator("#commune").count() == 1, "the province's communes are listed"
        assert COMMUNE not in page.locator("#commune option").evaluate_all(
            "os => os.map(o => o.value)"
        )
        page.select_option("#province", "40")
        page.locator(f'#commune option[value="{COMMUNE}"]').wait_for(state="attached")
        # The new commune list still drives the slot list.
        page.select_option("#commune", NO_OFFICE_COMMUNE)
        shows(page, "Chưa có bưu điện nhận hồ sơ tại nhà ở xã này", "#slots")
        assert page.evaluate(SPA_MARKER) is True
    finally:
        context.close()
