"""End to end in a real browser, JavaScript off, on a 360 px phone: a citizen rates a returned
dossier from the link in the SMS, and someone sends a complaint and reads it by its code.

1. The dossier's result is handed over at the counter; the applicant's phone gets the SMS with
   the rating link. Opened on the phone: choose a score, two reasons, a comment in Vietnamese,
   send: a handful of taps, timed. The same link then thanks and refuses a second rating, and a
   second tab left open on the form is told politely that the rating was already given.
2. At /phan-anh, every field filled (the dossier's code, a unit, the text, the name, the
   phone): a reference code; on another phone the code typed as people type it finds the
   complaint, and once the unit has answered, its answer; never the sender's name or phone.

Every page is checked to fit the 360 px screen (no sideways scrolling), with screenshots in
/tmp/e2e-feedback-*.png. Live server and browser helpers: test_browser.py (CSRF stays on).
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

import pytest
from e2e.test_browser import browser, live_server, new_page, read, slow_submits  # noqa: F401
from e2e.test_postal_browser import fits_the_phone
from feedback_helpers import SITE, link_of
from helpers import complete_draft
from sqlalchemy import select

from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.core.roles import Role
from app.dossiers.operations import intake, processing
from app.dossiers.operations.drafts import save_delivery
from app.dossiers.operations.submitting import submit
from app.extensions import db
from app.feedback.models import Feedback, Rating, RatingInvitation
from app.feedback.operations import answer_feedback

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 12, 7, 14, 0)  # a Monday afternoon
COMMENT = "Cán bộ xã hướng dẫn tận tình, nhưng tôi phải chờ gần một tiếng ở bộ phận một cửa."
COMPLAINT = (
    "Hồ sơ khai sinh cho cháu Lò Văn Khánh trả kết quả chậm hai ngày so với giấy hẹn, "
    "cán bộ không báo trước. Đề nghị xã niêm yết rõ thời hạn và báo tin nhắn khi trễ hẹn."
)
SENDER, PHONE = "Lò Thị Ngọc Ánh", "0978 123 456"
ANSWER = "UBND xã xin lỗi bà vì trả kết quả chậm; từ tuần này bộ phận một cửa nhắn tin báo trước."


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True, "SERVER_NAME": None, "PUBLIC_BASE_URL": SITE}


def _returned_dossier(citizen, make_user):  # type: ignore[no-untyped-def]
    """A birth registration submitted, accepted, decided and handed over at the counter."""
    clock.freeze(NOW)
    procedure = db.session.scalar(select(Procedure).filter_by(name="Đăng ký khai sinh"))
    dossier = complete_draft(citizen, procedure, "e2e-rate")
    save_delivery(dossier, {"intake_channel": "online", "return_channel": "counter"})
    assert submit(dossier, citizen)
    unit = db.session.get(Unit, dossier.receiving_unit_id)
    officer = make_user(role=Role.OFFICER, units=[unit], full_name="Trần Văn Minh")
    intake.accept(dossier, officer)
    processing.approve(dossier, officer, result_kind="paper", note="Giấy khai sinh bản chính")
    processing.return_result(dossier, officer, via="counter")
    db.session.commit()
    return dossier, officer


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    fits_the_phone(page)
    page.screenshot(full_page=True, path=f"/tmp/e2e-feedback-{name}.png")


def test_rating_from_the_sms_then_a_complaint_read_by_its_code(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    citizen,
    make_user,
) -> None:
    dossier, officer = _returned_dossier(citizen, make_user)
    link, code, unit_name = link_of(dossier), dossier.code, dossier.receiving_unit.name
    officer_id = officer.id

    # 1. The SMS link, on the phone, without JavaScript.
    context, page = new_page(browser, live_server, javascript=False)
    stale = context.new_page()  # a second tab left open on the form
    stale.goto(link)
    started = time.monotonic()
    page.goto(link)
    assert page.locator("h1").inner_text() == "Đánh giá mức độ hài lòng"
    assert code in page.inner_text("main")
    _shot(page, "rate")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Cán bộ tận tình, lịch sự").check()
    page.get_by_label("Giải quyết nhanh, đúng hẹn").check()
    page.locator("textarea#comment").fill(COMMENT)
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_load_state()
    elapsed = time.monotonic() - started
    assert page.locator("h1").inner_text() == "Cảm ơn Ông/Bà"
    assert elapsed < 60, elapsed  # five taps and a sentence: well under a minute on the phone
    _shot(page, "rated")
    ratings = read(select(Rating))
    assert [(r.score, sorted(r.reasons), r.comment) for r in ratings] == [
        (4, ["fast", "kind"], COMMENT)
    ]
    assert read(select(RatingInvitation.used_on))[0] == NOW.date()

    # The link again: thanks, no form; the stale tab's send: refused politely, nothing added.
    page.goto(link)
    assert "đã được ghi nhận" in page.inner_text("main")
    assert page.locator("form button", has_text="Gửi đánh giá").count() == 0
    stale.get_by_label("Rất không hài lòng").check()
    stale.get_by_role("button", name="Gửi đánh giá").click()
    stale.wait_for_load_state()
    assert "Mỗi hồ sơ được đánh giá một lần" in stale.inner_text("main")
    assert stale.locator("h1").inner_text() == "Cảm ơn Ông/Bà"
    fits_the_phone(stale)
    assert len(read(select(Rating))) == 1
    context.close()

    # 2. A complaint with every field filled.
    context, page = new_page(browser, live_server, javascript=False)
    page.goto("/phan-anh")
    _shot(page, "complaint-form")
    page.fill("#dossier_code", code)
    page.select_option("#unit", label=unit_name)
    page.fill("#body", COMPLAINT)
    page.fill("#name", SENDER)
    page.fill("#phone", PHONE)
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url(re.compile(r"/phan-anh/PA-[0-9A-Z]{8}\?moi=1$"))
    reference = re.search(r"PA-[0-9A-Z]{8}", page.url).group(0)
    assert reference in page.inner_text(".notice")
    _shot(page, "complaint-sent")
    item = read(select(Feedback).filter_by(code=reference))[0]
    assert (item.body, item.sender_name, item.sender_phone) == (COMPLAINT, SENDER, "0978123456")
    assert item.dossier_code == code and item.procedure_id is not None
    context.close()

    # Another phone: the code typed as people do (lower case, a space, O for 0).
    context, page = new_page(browser, live_server, javascript=False)
    page.goto("/phan-anh/tra-cuu")
    typed = reference.lower().replace("-", " ").replace("0", "o")
    page.fill("#ma", typed)
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"**/phan-anh/{reference}")
    main = page.inner_text("main")
    assert "Đang xem xét" in main and unit_name in main
    _shot(page, "complaint-read")
    answer_feedback(db.session.get(Feedback, item.id), ANSWER, officer_id)
    db.session.commit()
    page.goto(f"/phan-anh/{reference}")
    main = page.inner_text("main")
    assert "Đã trả lời" in main and ANSWER in main
    for secret in (SENDER, PHONE, "0978123456", COMPLAINT[:40]):
        assert secret not in page.content()
    _shot(page, "complaint-answered")
    assert read(select(Feedback.code).where(Feedback.dossier_code == code)) == [reference]
    context.close()
