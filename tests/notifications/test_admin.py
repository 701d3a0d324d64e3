"""The administrator's outbox (/quan-tri/tin-nhan): messages by status, filters, keyset pages,
counts per day and channel, the SMS bill per month, one message's history, "Gửi lại", and the
banner across the administrator's pages while a gateway refuses our account. Who may call
these pages: tests/accounts/test_admin.py (admin_urls) and tests/core/test_role_matrix.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from helpers import login

from app.core import clock, sealing
from app.core.roles import Role
from app.extensions import db
from app.notifications import health
from app.notifications.models import Notification
from app.notifications.sms import SECRET_MASK

T0 = datetime(2026, 12, 7, 9, 30)  # a Monday
CODE_BODY = f"Mã nhận tài khoản Một Cửa: {SECRET_MASK}. Không đưa mã cho người khác."
RESULT_BODY = "Mot Cua: ho so 000.12.34.H40-261207-0001 da co ket qua. Nhan tai Bo phan Mot cua xa."


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    return {**app_config, **getattr(request, "param", {})}


def message(**fields: Any) -> Notification:
    values: dict[str, Any] = {
        "channel": "sms",
        "recipient": "0987654321",
        "template": "result_ready",
        "subject": "",
        "body": RESULT_BODY,
        "segments": 1,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": T0,
        "last_error": "",
        "created_at": T0,
        "held_reason": "",
    }
    values.update(fields)
    row = Notification(**values)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def outbox(app) -> dict[str, Notification]:  # type: ignore[no-untyped-def]
    """One message in each state the page shows, all from 07/12/2026 but the e-mail (06/12)."""
    clock.freeze(T0 + timedelta(hours=2))
    return {
        "queued": message(recipient="0912000111", attempts=1, last_error="SendFailed: timed out"),
        "held": message(recipient="0912000222", held_reason="[103] balance too low"),
        "sent": message(
            recipient="0912000333", status="sent", attempts=1, sent_at=T0, gateway_id="esms-7781"
        ),
        "delivered": message(
            recipient="0987654321",
            status="delivered",
            attempts=1,
            sent_at=T0,
            gateway_id="esms-7782",
            report_status="5",
            carrier="Viettel",
            delivered_at=T0 + timedelta(seconds=9),
            segments=2,
        ),
        "rejected": message(
            recipient="0912000555",
            status="rejected",
            attempts=1,
            last_error="SendRejected: [99] phone number blocked",
        ),
        "failed": message(
            channel="email",
            recipient="lo.thi.mai@example.vn",
            template="result_ready",
            subject="Hồ sơ đã có kết quả",
            body="Kính gửi Bà Lò Thị Mai, hồ sơ của Bà đã có kết quả.",
            segments=0,
            status="failed",
            attempts=5,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
            created_at=T0 - timedelta(days=1),
        ),
    }


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.text, "html.parser")


def listed(response) -> list[int]:  # type: ignore[no-untyped-def]
    page = soup(response)
    results = page.select_one("#results") or page  # an htmx answer is the results alone
    links = results.select("a[href^='/quan-tri/tin-nhan/']")
    return [int(a["href"].rsplit("/", 1)[1]) for a in links]


def text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(soup(response).find("main").get_text(" ", strip=True).split())


def reload(row: Notification) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, row.id)


# --- the list -------------------------------------------------------------------------------


def test_every_message_newest_first_with_its_status(admin_client, outbox) -> None:
    response = admin_client.get("/quan-tri/tin-nhan")
    ids = [row.id for row in outbox.values()]
    assert listed(response) == sorted(ids, reverse=True)
    rows = {
        r.select_one("a").get_text(strip=True): r
        for r in soup(response).select("#results tbody tr")
    }
    status_of = {
        k: rows[f"#{row.id}"].select("td")[4].get_text(strip=True) for k, row in outbox.items()
    }
    assert status_of == {
        "queued": "Đang chờ gửi",
        "held": "Chờ vì cổng gửi từ chối tài khoản",
        "sent": "Đã gửi đến cổng",
        "delivered": "Đã đến máy",
        "rejected": "Bị từ chối",
        "failed": "Gửi không được",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"trang-thai": "queued"}, ["queued"]),
        ({"trang-thai": "held"}, ["held"]),
        ({"trang-thai": "sent"}, ["sent"]),
        ({"trang-thai": "delivered"}, ["delivered"]),
        ({"trang-thai": "rejected"}, ["rejected"]),
        ({"trang-thai": "failed"}, ["failed"]),
        ({"kenh": "email"}, ["failed"]),
        ({"kenh": "sms", "trang-thai": "failed"}, []),
        ({"ngay": "2026-12-06"}, ["failed"]),
        ({"nguoi-nhan": "0987 654 321"}, ["delivered"]),  # any way it is written
        ({"nguoi-nhan": "+84987654321"}, ["delivered"]),
        ({"nguoi-nhan": "Lo.Thi.Mai@example.vn"}, ["failed"]),
        ({"nguoi-nhan": "0987654"}, []),  # exact, not a prefix
        ({"trang-thai": "khong-co", "kenh": "zalo", "ngay": "10000-01-01"}, "all"),
    ],
)
def test_filters(admin_client, outbox, query, expected) -> None:
    want = list(outbox) if expected == "all" else expected
    got = listed(admin_client.get("/quan-tri/tin-nhan", query_string=query))
    assert sorted(got) == sorted(outbox[name].id for name in want)


def test_filters_answer_htmx_with_the_results_alone(admin_client, outbox) -> None:
    response = admin_client.get(
        "/quan-tri/tin-nhan", query_string={"trang-thai": "held"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.text and "<h1" not in response.text
    assert listed(response) == [outbox["held"].id]


def test_pages_by_key_fifty_at_a_time(admin_client, app) -> None:
    clock.freeze(T0)
    rows = [
        message(recipient=f"09120001{n:02d}", created_at=T0 - timedelta(minutes=n))
        for n in range(57)
    ]
    first = admin_client.get("/quan-tri/tin-nhan", query_string={"kenh": "sms"})
    assert listed(first) == [row.id for row in reversed(rows)][:50]
    following = soup(first).select_one("a[rel=next]")["href"]
    assert "kenh=sms" in following
    second = admin_client.get(following)
    assert listed(second) == [row.id for row in reversed(rows)][50:]
    assert soup(second).select_one("a[rel=next]") is None
    assert listed(admin_client.get("/quan-tri/tin-nhan?sau=abc")) == listed(first)


# --- counts and costs -------------------------------------------------------------------------


def _day_lines(response) -> dict[tuple[str, str], list[str]]:  # type: ignore[no-untyped-def]
    table = soup(response).find("h2", string="14 ngày gần đây").find_next("table")
    lines = {}
    for tr in table.select("tbody tr"):
        cells = [td.get_text(strip=True) for td in tr.select("td")]
        lines[(cells[0], cells[1])] = cells[2:]
    return lines


def test_counts_per_day_and_channel_for_fourteen_days(admin_client, outbox) -> None:
    message(created_at=T0 - timedelta(days=13), status="delivered", sent_at=T0 - timedelta(days=13))
    message(created_at=T0 - timedelta(days=14), status="delivered")  # too old for the table
    lines = _day_lines(admin_client.get("/quan-tri/tin-nhan"))
    # Columns: queued, held, sent, delivered, rejected, failed, total.
    assert lines == {
        ("07/12/2026", "SMS"): ["1", "1", "1", "1", "1", "0", "5"],
        ("06/12/2026", "E-mail"): ["0", "0", "0", "0", "0", "1", "1"],
        ("24/11/2026", "SMS"): ["0", "0", "0", "1", "0", "0", "1"],
    }


def _months(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    table = soup(response).find("h2", string="SMS theo tháng (dự toán chi phí)").find_next("table")
    return {
        tr.select_one("td").get_text(strip=True): [
            td.get_text(strip=True) for td in tr.select("td")[1:]
        ]
        for tr in table.select("tbody tr")
    }


@pytest.mark.parametrize("app_config", [{"SMS_PRICE_PER_SEGMENT": 650}], indirect=True)
def test_sms_per_month_and_their_cost_for_the_budget(admin_client, outbox) -> None:
    for months_ago, segments in ((1, 3), (1, 1), (11, 2), (12, 5)):
        sent = datetime(2026 - (months_ago > 11), (12 - months_ago - 1) % 12 + 1, 15, 10, 0)
        message(created_at=sent, sent_at=sent, status="delivered", segments=segments)
    months = _months(admin_client.get("/quan-tri/tin-nhan"))
    assert len(months) == 12
    assert list(months)[:2] == ["12/2026", "11/2026"] and list(months)[-1] == "01/2026"
    # This month: the sent and the delivered SMS (1 + 2 segments); not the e-mail, not the
    # messages the gateway never took (queued, held, rejected unsent).
    assert months["12/2026"] == ["2", "3", "1.950 đ"]
    assert months["11/2026"] == ["2", "4", "2.600 đ"]
    assert months["01/2026"] == ["1", "2", "1.300 đ"]
    assert months["06/2026"] == ["0", "0", "0 đ"]
    assert "12/2025" not in months  # the 13th month back


def test_the_default_price_is_800_dong_a_segment(app, admin_client, outbox) -> None:
    assert app.config["SMS_PRICE_PER_SEGMENT"] == 800
    assert _months(admin_client.get("/quan-tri/tin-nhan"))["12/2026"] == ["2", "3", "2.400 đ"]


# --- one message ------------------------------------------------------------------------------


def test_a_message_page_shows_its_history(admin_client, outbox) -> None:
    page = text(admin_client.get(f"/quan-tri/tin-nhan/{outbox['delivered'].id}"))
    for fact in (
        "Đã đến máy",
        "SMS, 2 phần tin",
        "0987654321",
        "result_ready",
        "Tạo lúc 09:30, 07/12/2026",
        "Số lần gửi 1",
        "Cổng nhận lúc 09:30, 07/12/2026",
        "Mã tại cổng gửi esms-7782",
        "Báo cáo gửi tin 5 (Viettel)",
        "Đến máy lúc 09:30, 07/12/2026",
        RESULT_BODY,
    ):
        assert fact in page, fact
    assert "Gửi lại" not in page  # delivered: nothing to send again
    held = text(admin_client.get(f"/quan-tri/tin-nhan/{outbox['held'].id}"))
    assert "Đang chờ vì cổng gửi từ chối tài khoản của tỉnh: [103] balance too low" in held


def test_a_one_time_code_is_never_shown(app, admin_client) -> None:
    clock.freeze(T0)
    sealed = sealing.seal(
        "750318", secret_key=app.config["SECRET_KEY"], purpose="notification-secret", at=T0
    )
    row = message(
        template="otp_claim",
        body=CODE_BODY,
        sealed_secret=sealed,
        secret_expires_at=T0 + timedelta(minutes=10),
    )
    response = admin_client.get(f"/quan-tri/tin-nhan/{row.id}")
    assert CODE_BODY in text(response)
    assert "750318" not in response.text and sealed not in response.text


def test_an_unknown_message_is_not_found(admin_client) -> None:
    assert admin_client.get("/quan-tri/tin-nhan/987654").status_code == 404
    assert admin_client.post("/quan-tri/tin-nhan/987654/gui-lai").status_code == 404


# --- send again --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["failed", "rejected"])
def test_send_again_queues_a_failed_or_rejected_message_at_once(admin_client, outbox, name) -> None:
    row = outbox[name]
    clock.freeze(T0 + timedelta(hours=3))
    assert "Gửi lại" in text(admin_client.get(f"/quan-tri/tin-nhan/{row.id}"))
    response = admin_client.post(f"/quan-tri/tin-nhan/{row.id}/gui-lai")
    assert response.status_code == 303
    assert response.location.endswith(f"/quan-tri/tin-nhan/{row.id}")
    again = reload(row)
    assert (again.status, again.attempts, again.next_attempt_at) == (
        "pending",
        0,
        T0 + timedelta(hours=3),
    )
    assert again.last_error == outbox[name].last_error  # why it failed stays in the history
    assert f"Đã xếp tin nhắn #{row.id} vào hàng chờ gửi lại." in text(
        admin_client.get(response.location)
    )
    # A second press (double tap, or another administrator) changes nothing more.
    admin_client.post(f"/quan-tri/tin-nhan/{row.id}/gui-lai")
    assert "Chỉ gửi lại được tin nhắn bị từ chối hoặc gửi không được" in text(
        admin_client.get(response.location)
    )
    assert reload(row).status == "pending"


@pytest.mark.parametrize("name", ["queued", "held", "sent", "delivered"])
def test_send_again_refuses_a_message_on_its_way(admin_client, outbox, name) -> None:
    row = outbox[name]
    before = (row.status, row.attempts, row.next_attempt_at)
    response = admin_client.post(f"/quan-tri/tin-nhan/{row.id}/gui-lai")
    assert response.status_code == 303
    assert "Chỉ gửi lại được tin nhắn bị từ chối hoặc gửi không được" in text(
        admin_client.get(response.location)
    )
    again = reload(row)
    assert (again.status, again.attempts, again.next_attempt_at) == before


def test_a_code_whose_secret_is_gone_cannot_be_sent_again(admin_client) -> None:
    clock.freeze(T0)
    row = message(
        template="otp_register",
        body=CODE_BODY,
        status="rejected",
        attempts=1,
        sealed_secret=None,  # erased when the gateway answered
        secret_expires_at=T0 + timedelta(minutes=10),
    )
    response = admin_client.post(f"/quan-tri/tin-nhan/{row.id}/gui-lai")
    assert "tin nhắn này chứa mã xác nhận dùng một lần, mã đã bị xóa hoặc đã hết hạn" in text(
        admin_client.get(response.location)
    )
    assert reload(row).status == "rejected"


def test_send_again_needs_the_forms_token(app, admin_client, outbox) -> None:
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in
    row = outbox["failed"]
    assert admin_client.post(f"/quan-tri/tin-nhan/{row.id}/gui-lai").status_code == 400
    assert reload(row).status == "failed"
    page = soup(admin_client.get(f"/quan-tri/tin-nhan/{row.id}"))
    token = page.select_one("form[action$='/gui-lai'] input[name=csrf_token]")["value"]
    response = admin_client.post(f"/quan-tri/tin-nhan/{row.id}/gui-lai", data={"csrf_token": token})
    assert response.status_code == 303
    assert reload(row).status == "pending"


# --- the banner -------------------------------------------------------------------------------


def test_a_banner_across_the_admin_pages_while_the_gateway_refuses_us(
    app, admin_client, make_user, outbox
) -> None:
    since = datetime(2026, 12, 7, 8, 15)
    health.record_refused("sms", "esms", code="103", reason="balance too low", now=since)
    message(recipient="0912000666", held_reason="[103] balance too low")
    db.session.commit()
    expected = (
        "Cổng SMS từ chối tài khoản của tỉnh (mã 103: số dư tài khoản không đủ) từ 08:15 "
        "07/12/2026; 2 tin nhắn đang chờ."
    )
    for url in ("/quan-tri/", "/quan-tri/don-vi", "/quan-tri/tin-nhan", "/tai-khoan"):
        page = soup(admin_client.get(url))
        banner = page.select_one(".gateway-alert")
        assert banner is not None, url
        assert expected in " ".join(banner.get_text(" ", strip=True).split()).replace(" ;", ";")
        assert banner.select_one("a")["href"] == "/quan-tri/tin-nhan?trang-thai=held"
    # Nobody else sees it.
    officer = app.test_client()
    login(officer, make_user(role=Role.OFFICER))
    assert soup(officer.get("/tai-khoan")).select_one(".gateway-alert") is None
    # The gateway accepts a message again: the banner goes.
    health.record_ok("sms", "esms", now=since + timedelta(hours=1))
    db.session.commit()
    assert soup(admin_client.get("/quan-tri/")).select_one(".gateway-alert") is None


def test_the_home_card_counts_what_will_not_arrive(admin_client, outbox) -> None:
    card = soup(admin_client.get("/quan-tri/")).find("a", href="/quan-tri/tin-nhan").parent
    assert "2 không gửi được, 1 đang chờ cổng gửi" in card.get_text(" ", strip=True)
