"""One-time codes in the outbox: stored masked, sealed beside the body, put back only for the
channel that sends them, and forgotten once sent, failed, expired or purged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from helpers import MAI_PASSWORD, MAI_REGISTRATION, SentCodes, code_in
from sqlalchemy import delete, text

from app.accounts import codes
from app.accounts.models import OneTimeCode
from app.core import clock
from app.extensions import db
from app.notifications.channels import Outgoing, adapter
from app.notifications.models import Notification, OutboxStatus
from app.notifications.outbox import EXPIRED_UNSENT, notify_phone, send_pending
from app.notifications.sms import SECRET, SECRET_MASK, is_gsm7, sms_segments

T0 = datetime(2026, 11, 23, 9, 0)
PHONE = "0987654321"
PASSWORD = MAI_PASSWORD
REGISTRATION = MAI_REGISTRATION


@adapter("capture")
class CaptureChannel:
    """A gateway that keeps what it is handed, registered as a real adapter would be."""

    given: list[Outgoing] = []

    def send(self, message: Outgoing) -> None:
        CaptureChannel.given.append(message)


@pytest.fixture(autouse=True)
def empty_outbox(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    clock.freeze(T0)
    CaptureChannel.given.clear()
    for table in (Notification, OneTimeCode):
        db.session.execute(delete(table))
    db.session.commit()
    yield
    db.session.rollback()
    for table in (Notification, OneTimeCode):
        db.session.execute(delete(table))
    db.session.commit()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> SentCodes:
    return SentCodes(monkeypatch)


def stored_rows() -> list[dict]:
    """Every column of every outbox row, read with plain SQL (not through the model)."""
    db.session.expire_all()
    result = db.session.execute(text("SELECT * FROM notifications ORDER BY id"))
    return [dict(row) for row in result.mappings()]


def the_row() -> Notification:
    db.session.expire_all()
    (row,) = db.session.scalars(db.select(Notification))
    return row


def register(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/dang-ky", data=REGISTRATION)
    assert response.status_code == 303 and response.location.endswith("/dang-ky/ma")


def test_the_code_is_stored_masked_and_sent_whole(app, client, sent) -> None:
    register(client)
    code = sent.last(PHONE, "register")

    (stored,) = stored_rows()
    assert stored["template"] == "otp_register" and stored["status"] == OutboxStatus.PENDING
    for column, value in stored.items():
        assert code not in str(value), f"the code is readable in notifications.{column}"
    assert SECRET_MASK * 6 in stored["body"] and stored["sealed_secret"]
    assert stored["body"].startswith("Ma dang ky tai khoan Mot Cua: ••••••. ")
    # Segments are those of what is sent: GSM-7, one SMS (the mask itself is not GSM-7).
    real = stored["body"].replace(SECRET_MASK * 6, code)
    assert is_gsm7(real) and stored["segments"] == sms_segments(real) == 1
    assert sms_segments(stored["body"]) == 2

    app.config["NOTIFY_SMS_ADAPTER"] = "capture"
    assert str(send_pending()) == "sent 1, will retry 0, failed 0"

    (message,) = CaptureChannel.given
    assert message.text == real and code in message.text
    assert (message.recipient, message.template, message.segments) == (PHONE, "otp_register", 1)
    assert message.stored == stored["body"]  # what a log may show
    (after,) = stored_rows()
    assert after["status"] == OutboxStatus.SENT and after["sealed_secret"] is None
    assert after["body"] == stored["body"]
    # The code the phone got is the one that opens the account.
    where = stored["body"].index(SECRET_MASK)
    typed = message.text[where : where + 6]
    assert client.post("/dang-ky/ma", data={"code": typed}).status_code == 303


@pytest.mark.parametrize("purpose", ["register", "claim", "reset", "consent"])
def test_every_kind_of_code_is_masked(app, make_user, purpose) -> None:
    citizen, volunteer = make_user(), make_user()
    _, code = codes.issue(
        purpose,
        citizen.phone,
        user=citizen,
        requested_by=volunteer if purpose == "consent" else None,
    )
    db.session.commit()
    row = the_row()
    assert row.template == f"otp_{purpose}" and code not in row.body
    assert code_in(row) == code
    assert row.secret_expires_at == T0 + timedelta(minutes=app.config["OTP_MINUTES"])


def test_a_message_with_no_code_is_stored_as_sent(app, make_user) -> None:
    owner = make_user()
    assert codes.notify(owner.phone, "account_exists", "Số này đã có tài khoản Một Cửa.", owner)
    db.session.commit()
    row = the_row()
    assert row.body == "Số này đã có tài khoản Một Cửa." and row.sealed_secret is None
    app.config["NOTIFY_SMS_ADAPTER"] = "capture"
    send_pending()
    assert CaptureChannel.given[0].text == row.body


def test_a_failed_code_message_forgets_its_code(app, client, sent) -> None:
    register(client)
    app.config["NOTIFY_SMS_ADAPTER"] = "fail"
    app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    assert send_pending().retried == 1
    assert the_row().sealed_secret is not None  # the retry still needs it
    assert send_pending(now=T0 + timedelta(minutes=1)).failed == 1
    (after,) = stored_rows()
    assert after["status"] == OutboxStatus.FAILED and after["sealed_secret"] is None
    assert "simulated outage" in after["last_error"]


def test_a_code_that_expired_before_it_could_leave_is_not_sent(app, client, sent) -> None:
    register(client)
    app.config["NOTIFY_SMS_ADAPTER"] = "capture"
    expiry = T0 + timedelta(minutes=app.config["OTP_MINUTES"])
    report = send_pending(now=expiry)
    assert str(report) == "sent 0, will retry 0, failed 0, codes expired unsent 1"
    assert CaptureChannel.given == []
    (after,) = stored_rows()
    assert after["status"] == OutboxStatus.FAILED and after["sealed_secret"] is None
    assert after["last_error"] == EXPIRED_UNSENT


def test_accounts_purge_forgets_expired_codes_only(app, client, sent) -> None:
    register(client)
    clock.freeze(T0 + timedelta(minutes=app.config["OTP_MINUTES"]))
    other = app.test_client()
    response = other.post("/dang-ky", data={**REGISTRATION, "phone": "0977333444"})
    assert response.status_code == 303

    result = app.test_cli_runner().invoke(args=["accounts", "purge"])
    assert result.exit_code == 0, result.output
    assert "codes sealed in messages: 1 removed" in result.output
    first, second = stored_rows()
    assert (first["status"], first["sealed_secret"]) == (OutboxStatus.FAILED, None)
    assert second["status"] == OutboxStatus.PENDING and second["sealed_secret"]
    assert second["recipient"] == "0977333444"


def test_a_code_sealed_under_another_secret_key_is_never_sent(app, client, sent) -> None:
    register(client)
    app.config["NOTIFY_SMS_ADAPTER"] = "capture"
    app.config["SECRET_KEY"] = "another-key-after-a-rotation-" + "x" * 20
    report = send_pending()
    assert (report.sent, report.retried) == (0, 1)
    assert CaptureChannel.given == []
    assert "Unreadable" in the_row().last_error


def test_notify_phone_wants_a_secret_and_its_slot_together(app) -> None:
    with pytest.raises(ValueError, match="no secret"):
        notify_phone(PHONE, "otp_register", f"Mã: {SECRET}.")
    with pytest.raises(ValueError, match="expires"):
        notify_phone(PHONE, "otp_register", f"Mã: {SECRET}.", secret="246810")
    with pytest.raises(ValueError):
        notify_phone(PHONE, "otp_register", "Mã đăng ký.", secret="246810", secret_expires_at=T0)
    db.session.rollback()
