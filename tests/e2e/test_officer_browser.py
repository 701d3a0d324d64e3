"""End to end in a real browser: an officer works a dossier with htmx and without JavaScript.

Uses the live server, browser and page helpers of test_browser.py (CSRF stays on).
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from e2e.test_browser import app_config, browser, live_server, new_page, read, slow_submits  # noqa: F401
from helpers import PASSWORD, submit_via_services
from sqlalchemy import select

from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.core.roles import Role
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db

pytestmark = pytest.mark.e2e


def _login(page, phone: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/dang-nhap")
    page.fill("#phone", phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "htmx"])
def test_officer_asks_for_more_then_a_stale_page_gets_a_clear_409(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    make_user,
    citizen,
    javascript,
) -> None:
    clock.freeze(datetime(2026, 11, 23, 9, 0))
    procedure = db.session.scalar(select(Procedure).filter_by(name="Đăng ký khai sinh"))
    dossier = submit_via_services(citizen, procedure)
    unit = db.session.get(Unit, dossier.receiving_unit_id)
    officer = make_user(role=Role.OFFICER, units=[unit], full_name="Trần Văn Minh")
    code, dossier_id = dossier.code, dossier.id
    db.session.commit()

    context, page = new_page(browser, live_server, javascript)
    _login(page, officer.phone)
    page.goto("/can-bo/")
    # On a 360 px phone the dossier's code stays on one line (it wrapped two characters a line).
    link = page.get_by_role("link", name=code)
    assert link.evaluate("a => a.getClientRects().length") == 1
    mode = "htmx" if javascript else "no-js"
    page.screenshot(full_page=True, path=f"/tmp/e2e-officer-queue-{mode}.png")
    link.click()
    page.wait_for_url(re.compile(rf"/can-bo/ho-so/{dossier_id}$"))

    # A second tab of the same officer, left open on the old state.
    stale = context.new_page()
    stale.goto(f"/can-bo/ho-so/{dossier_id}")

    # Ask for more without a reason: the message appears beside the form; nothing is lost.
    page.locator("summary", has_text="Yêu cầu bổ sung").click()
    document = next(d for d in procedure.documents if d.is_required and d.scan_required)
    form = page.locator("#action-request_supplement form")
    form.get_by_label(document.name).check()
    form.get_by_role("button", name="Yêu cầu bổ sung").click()
    page.wait_for_selector("#action-request_supplement .error")
    assert "Vui lòng ghi rõ lý do" in page.inner_text("#action-request_supplement")
    form = page.locator("#action-request_supplement form")
    assert form.get_by_label(document.name).is_checked()

    form.locator("textarea").fill("Ảnh giấy chứng sinh bị mờ, vui lòng chụp lại.")
    form.get_by_role("button", name="Yêu cầu bổ sung").click()
    page.wait_for_selector("text=Yêu cầu bổ sung đang chờ")
    assert "Cần bổ sung hồ sơ" in page.inner_text("main")
    status = read(select(Dossier.status).where(Dossier.id == dossier_id))[0]
    assert status == DossierStatus.SUPPLEMENT_REQUESTED

    # The stale tab still offers "accept": pressing it explains, it does not break.
    stale.locator("summary", has_text="Tiếp nhận hồ sơ").click()
    stale.locator("#action-accept form").get_by_role("button", name="Tiếp nhận hồ sơ").click()
    stale.wait_for_selector("text=Thao tác không thực hiện được")
    assert "tải lại trang" in stale.inner_text("main")
    status = read(select(Dossier.status).where(Dossier.id == dossier_id))[0]
    assert status == DossierStatus.SUPPLEMENT_REQUESTED
    context.close()
