"""What the sender does with each answer of a real gateway (the local eSMS gateway and an aiosmtpd
server): accepted, refused for good, and a gateway that refuses our account (keys, balance,
login), which holds the messages without burning their attempts until it is fixed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from sqlalchemy import delete, select

from app.core import clock
from app.dossiers.notices import notify
from app.extensions import db
from app.notifications.models import GatewayState, Notification, OutboxStatus
from app.notifications.outbox import notify_phone, send_pending
from app.notifications.queries import gateway_states, held_count, refused_gateways

T0 = datetime(2026, 12, 7, 9, 30)  # as tests/notifications/conftest.py
PHONE = "0971234567"
OTHER_PHONE = "0389123456"
SENDER = "Một Cửa Nghệ An <motcua@nghean.gov.vn>"


@pytest.fixture(autouse=True)
def empty_outbox(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    clock.freeze(T0)
    db.session.execute(delete(Notification))
    db.session.commit()
    yield
    db.session.rollback()


def rows(channel: str | None = None) -> list[Notification]:
    db.session.expire_all()
    query = select(Notification).order_by(Notification.id)
    if channel:
        query = query.where(Notification.channel == channel)
    return list(db.session.scalars(query))


def state(channel: str) -> GatewayState:
    db.session.expire_all()
    return db.session.scalars(select(GatewayState).where(GatewayState.channel == channel)).one()


def errors(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_gateway_out_of_credit_holds_the_messages_until_it_is_paid(
    app, esms_gateway, esms_sms, make_dossier, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="motcua.notifications")
    app.config["NOTIFY_HELD_RETRY_MINUTES"] = 10
    esms_gateway.balance = 0
    notify(make_dossier(), "accepted")  # an SMS and an e-mail
    notify_phone(
        OTHER_PHONE,
        "otp_register",
        "Ma xac nhan Mot Cua: {secret}. Het han sau 30 phut.",
        secret="604172",
        secret_expires_at=T0 + timedelta(minutes=30),
    )
    db.session.commit()

    report = send_pending()
    # The first SMS is refused: the second is not even tried; the e-mail goes on.
    assert str(report) == ("sent 1, will retry 0, failed 0, held (gateway refuses our account) 2")
    assert len(esms_gateway.requests) == 1
    for sms in rows("sms"):
        assert (sms.status, sms.attempts) == ("pending", 0)
        assert sms.held_reason == "[103] balance too low: Balance not enough to send message"
        assert sms.next_attempt_at == T0 + timedelta(minutes=10)
        assert sms.last_error == ""
    assert rows("sms")[1].sealed_secret is not None  # the code still waits to be sent
    assert rows("email")[0].status == OutboxStatus.SENT
    refused = state("sms")
    assert (refused.adapter, refused.refused, refused.code, refused.since) == (
        "esms",
        True,
        "103",
        T0,
    )
    assert refused.reason == "balance too low: Balance not enough to send message"
    assert [s.channel for s in refused_gateways()] == ["sms"]
    assert held_count() == held_count("sms") == 2 and held_count("email") == 0
    assert state("email").refused is False
    (error,) = errors(caplog)
    assert error.startswith("The sms gateway (esms) refuses our account: [103] balance too low")

    # Nothing is due before the held messages' time; then one tries again, still refused:
    # no new alarm in the log, no attempt counted.
    assert str(send_pending(now=T0 + timedelta(minutes=9))) == "sent 0, will retry 0, failed 0"
    assert len(esms_gateway.requests) == 1
    clock.freeze(T0 + timedelta(minutes=10))
    assert send_pending().held == 2
    assert len(esms_gateway.requests) == 2 and len(errors(caplog)) == 1
    assert [s.attempts for s in rows("sms")] == [0, 0]
    assert state("sms").since == T0

    # The administrator pays: the next run sends both, the gateway is well again.
    esms_gateway.balance = 500
    clock.freeze(T0 + timedelta(minutes=20))
    assert str(send_pending()) == "sent 2, will retry 0, failed 0"
    for sms in rows("sms"):
        assert (sms.status, sms.attempts, sms.held_reason) == ("sent", 1, "")
        assert sms.gateway_id and sms.sealed_secret is None
    assert [m["Phone"] for m in esms_gateway.accepted] == [PHONE, OTHER_PHONE]
    healthy = state("sms")
    assert (healthy.refused, healthy.code, healthy.reason) == (False, "", "")
    assert (healthy.since, healthy.checked_at) == (T0 + timedelta(minutes=20),) * 2
    assert refused_gateways() == [] and held_count() == 0
    assert any("accepts messages again" in r.getMessage() for r in caplog.records)


def test_wrong_keys_hold_like_a_balance(app, esms_gateway, esms_sms, make_dossier) -> None:
    app.config["ESMS_SECRET_KEY"] = "an-old-secret-key"
    notify(make_dossier(applicant_email=""), "accepted")
    db.session.commit()
    assert send_pending().held == 1
    (sms,) = rows()
    assert (sms.status, sms.attempts, sms.held_reason) == (
        "pending",
        0,
        "[101] wrong ApiKey or SecretKey: Authorize Failed",
    )
    assert next_attempt_minutes(sms) == 5  # NOTIFY_HELD_RETRY_MINUTES' default
    assert "an-old-secret-key" not in sms.held_reason + state("sms").reason


def next_attempt_minutes(row: Notification) -> float:
    return (row.next_attempt_at - T0).total_seconds() / 60


def test_a_blocked_number_is_rejected_once_and_never_retried(
    esms_gateway, esms_sms, make_dossier
) -> None:
    esms_gateway.blocked.add(PHONE)
    notify(make_dossier(applicant_email=""), "accepted")
    notify_phone(
        PHONE,
        "otp_register",
        "Ma xac nhan Mot Cua: {secret}. Het han sau 30 phut.",
        secret="919273",
        secret_expires_at=T0 + timedelta(minutes=30),
    )
    db.session.commit()

    assert str(send_pending()) == "sent 0, will retry 0, failed 0, rejected 2"
    for sms in rows():
        assert (sms.status, sms.attempts, sms.sealed_secret) == ("rejected", 1, None)
        assert sms.last_error == "SendRejected: [99] phone number blocked: Phone number is blocked"
        assert sms.held_reason == "" and sms.gateway_id is None
    # A rejection is about the message, not our account: no alarm (and no news of health).
    assert gateway_states() == []
    assert str(send_pending(now=T0 + timedelta(days=2))) == "sent 0, will retry 0, failed 0"
    assert len(esms_gateway.requests) == 2


def smtp_config(port: int, **changes: object) -> dict[str, object]:
    return {
        "NOTIFY_EMAIL_ADAPTER": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_DEFAULT_SENDER": SENDER,
        "MAIL_TIMEOUT_SECONDS": 5,
        "PUBLIC_BASE_URL": "https://dichvucong.nghean.gov.vn",
        **changes,
    }


def test_an_email_is_sent_over_smtp_with_its_message_id(
    app, make_smtp_server, make_dossier
) -> None:
    server = make_smtp_server()
    app.config.update(smtp_config(server.port))
    dossier = make_dossier(applicant_phone="")
    notify(dossier, "accepted")
    db.session.commit()

    assert str(send_pending()) == "sent 1, will retry 0, failed 0"
    (received,) = server.messages
    email = message_from_bytes(received.data)
    (row,) = rows()
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.gateway_id == email["Message-ID"]
    assert row.gateway_id.endswith("@dichvucong.nghean.gov.vn>")
    assert received.recipients == ["lo.van.pang@example.vn"]
    assert dossier.code in str(make_header(decode_header(email["Subject"])))
    assert (state("email").adapter, state("email").refused) == ("smtp", False)


def test_a_mail_login_refused_holds_the_mail_but_not_the_sms(
    app, esms_gateway, esms_sms, make_smtp_server, make_dossier, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="motcua.notifications")
    server = make_smtp_server(credentials=("motcua@nghean.gov.vn", "mật-khẩu-đúng-2026"))
    config = smtp_config(server.port, MAIL_USERNAME="motcua@nghean.gov.vn")
    app.config.update(config, MAIL_PASSWORD="mật-khẩu-cũ")
    for _ in range(2):
        notify(make_dossier(), "accepted")
    db.session.commit()

    report = send_pending()
    assert (report.sent, report.held) == (2, 2)
    assert [(r.status, r.held_reason[:5]) for r in rows("email")] == [("pending", "[535]")] * 2
    assert [r.status for r in rows("sms")] == ["sent", "sent"]
    assert (state("email").refused, state("email").code) == (True, "535")
    assert state("sms").refused is False
    assert server.messages == []
    assert len(errors(caplog)) == 1 and "mật-khẩu" not in caplog.text

    app.config["MAIL_PASSWORD"] = "mật-khẩu-đúng-2026"
    assert send_pending(now=T0 + timedelta(minutes=5)).sent == 2
    assert len(server.messages) == 2 and state("email").refused is False
