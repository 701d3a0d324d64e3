"""End to end in a real browser: a citizen with a fee to pay finds the VietQR code on their
dossier page, and the code Chromium draws on a phone's screen scans back to the dossier's
payment (zxing-cpp reads the screenshot). Then the bank's notifier posts the transfer to the
running server's SePay webhook over HTTP, the way SePay does (its JSON, its Apikey header, the
content as a bank rewrites it), and the dossier page the citizen comes back to says paid, with
the receipt. Once without JavaScript, once with htmx."""

from __future__ import annotations

import io
import json
import urllib.request
from datetime import datetime

import pytest
import zxingcpp
from e2e.test_browser import (  # noqa: F401
    TIMEOUT_MS,
    app_config,
    browser,
    live_server,
    new_page,
    slow_submits,
)
from e2e.test_postal_browser import fits_the_phone, login, shows
from helpers import submit_via_services
from payments.webhook import API_KEY, WEBHOOK, auth, sepay_body
from PIL import Image
from sqlalchemy import select

from app.catalogue.models import Procedure
from app.catalogue.operations import save_collection_account
from app.core import clock, vietqr
from app.dossiers.models import Dossier
from app.extensions import db
from app.notifications.models import Notification

pytestmark = pytest.mark.e2e


def post_json(url: str, body: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
    """POST ``body`` as SePay does: JSON with its Apikey header."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **auth()},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (our own server)
        return answer.status, json.loads(answer.read())


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "htmx"])
def test_the_citizen_scans_the_qr_then_sees_the_fee_paid(
    app,
    browser,  # noqa: F811
    live_server,  # noqa: F811
    citizen,
    javascript,
) -> None:
    clock.freeze(datetime(2026, 11, 23, 9, 5))
    residence = db.session.scalar(select(Procedure).filter_by(code="1.004194"))
    dossier = submit_via_services(citizen, residence, "temporary")
    save_collection_account(
        dossier.receiving_unit,
        bank_bin="970436",
        account_number="0071 0012 34567",
        account_name="Ủy ban nhân dân xã Anh Sơn",
    )
    db.session.commit()
    reference, dossier_id = dossier.payment_reference, dossier.id
    expected = vietqr.fee_payload("970436", "0071001234567", 7000, reference)

    context, page = new_page(browser, live_server, javascript)
    try:
        login(page, citizen.phone, r"^(?!.*/dang-nhap)")
        page.goto(f"/ho-so/{dossier_id}")
        shows(page, "Chưa nộp phí: 7.000 đồng")
        page.get_by_role("link", name="Nộp phí bằng mã QR").click()
        page.wait_for_url(f"**/ho-so/{dossier_id}/nop-phi")
        shows(page, reference)
        fits_the_phone(page)
        code = page.locator("figure.qr")
        code.scroll_into_view_if_needed()
        shot = Image.open(io.BytesIO(code.screenshot()))
        read = [found.text for found in zxingcpp.read_barcodes(shot)]
        assert read == [expected] and vietqr.crc_is_valid(read[0])

        # The citizen's bank passes the reference on lower-cased, broken by a space, behind its
        # own prefix; SePay posts it to us.
        app.config["PAYMENT_SEPAY_API_KEY"] = API_KEY
        content = f"MBVCB.8812034.{reference[:5].lower()} {reference[5:]}.CT tu NGUYEN VAN AN"
        body = sepay_body(content, 7000, "0071001234567")
        assert post_json(live_server + WEBHOOK, body) == (200, {"success": True})
        # SePay retries when unsure: the same transaction again books nothing more.
        assert post_json(live_server + WEBHOOK, body) == (200, {"success": True})

        page.get_by_role("link", name="← Về trang hồ sơ").click()
        page.wait_for_url(f"**/ho-so/{dossier_id}")
        shows(page, "Đã nộp phí")
        shows(page, "Chuyển khoản VietQR")
        assert page.locator("figure.qr").count() == 0
        assert page.get_by_role("link", name="Nộp phí bằng mã QR").count() == 0
        assert page.get_by_role("link", name="Tải biên lai (PDF)").count() == 1
        db.session.expire_all()
        paid = db.session.get(Dossier, dossier_id)
        assert paid.fee_state == "paid"
        told = db.session.scalars(
            select(Notification).filter_by(dossier_id=dossier_id, template="fee_paid")
        ).all()
        assert told, "the citizen is told the money arrived"
    finally:
        context.close()
