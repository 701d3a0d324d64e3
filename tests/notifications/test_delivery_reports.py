"""Messages through the local eSMS gateway and back: sent with the gateway's SMSID, then the
gateway's delivery report (a real HTTP GET to the app served on a local port) marks them
delivered or rejected; reports that are wrong, repeated, late or about nobody."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select
from werkzeug.serving import make_server

from app.core import clock
from app.dossiers.notices import notify
from app.extensions import db
from app.notifications.channels import key_of
from app.notifications.models import GatewayState, Notification, OutboxStatus
from app.notifications.outbox import notify_phone, send_pending

# As tests/notifications/conftest.py (make_dossier, esms_sms) has them.
T0 = datetime(2026, 12, 7, 9, 30)
PHONE = "0971234567"  # Viettel
CALLBACK_SECRET = "k7Qm2VxP9rTz4LwN8sYdBq3H"
CODE_TEXT = "Ma xac nhan Mot Cua: {secret}. Het han sau 10 phut. Khong dua ma cho ai."


@pytest.fixture
def site(app, esms_gateway, esms_sms) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on a free local port, configured to send through the local eSMS gateway, which
    sends its reports back to that port."""
    clock.freeze(T0)
    db.session.execute(delete(Notification))
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    yield base
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    db.session.rollback()


def queue_code(code: str = "482913") -> int:
    """A one-time code's SMS, queued as the code pages queue it, committed."""
    row = notify_phone(
        PHONE,
        "otp_register",
        CODE_TEXT,
        secret=code,
        secret_expires_at=T0 + timedelta(minutes=10),
    )
    db.session.commit()
    return row.id


def the(row_id: int) -> Notification:
    db.session.expire_all()
    row = db.session.get(Notification, row_id)
    assert row is not None
    db.session.commit()  # end the read: the app's server thread writes next
    return row


def report(gateway: Any, smsid: str, status: str, **options: Any) -> list[int | None]:
    """The gateway's delivery report, as it sends it: the HTTP statuses of its tries."""
    db.session.commit()
    return [attempt.status for attempt in gateway.deliver(smsid, status, **options)]


def test_a_code_is_sent_then_delivered(site, esms_gateway) -> None:
    row_id = queue_code()

    assert str(send_pending()) == "sent 1, will retry 0, failed 0"
    (accepted,) = esms_gateway.accepted
    assert accepted["Content"] == CODE_TEXT.format(secret="482913")
    assert accepted["CallbackUrl"] == f"{site}/bao-cao-gui-tin/esms/{CALLBACK_SECRET}"
    assert accepted["RequestId"] == key_of(row_id, T0, "motcua-40-test")
    row = the(row_id)
    assert (row.status, row.attempts, row.gateway_id) == ("sent", 1, accepted["SMSID"])
    assert row.sealed_secret is None and row.held_reason == "" and row.delivered_at is None
    state = db.session.scalars(select(GatewayState)).one()
    assert (state.channel, state.adapter, state.refused, state.checked_at) == (
        "sms",
        "esms",
        False,
        T0,
    )

    clock.freeze(T0 + timedelta(seconds=7))
    assert report(esms_gateway, accepted["SMSID"], "5") == [200]
    row = the(row_id)
    assert row.status == OutboxStatus.DELIVERED
    assert (row.delivered_at, row.report_status, row.carrier) == (
        T0 + timedelta(seconds=7),
        "5",
        "Viettel",
    )

    # The gateway repeats its report; a late "rejected" cannot undo an arrival.
    clock.freeze(T0 + timedelta(minutes=3))
    assert report(esms_gateway, accepted["SMSID"], "5") == [200]
    assert report(esms_gateway, accepted["SMSID"], "4") == [200]
    row = the(row_id)
    assert (row.status, row.delivered_at, row.report_status) == (
        "delivered",
        T0 + timedelta(seconds=7),
        "5",
    )


def test_a_dossier_message_waits_at_the_carrier_then_is_rejected(
    site, esms_gateway, make_dossier
) -> None:
    sms, email = notify(make_dossier(applicant_phone=PHONE), "accepted")
    db.session.commit()
    assert str(send_pending()) == "sent 2, will retry 0, failed 0"  # the e-mail to the log
    smsid = esms_gateway.accepted[0]["SMSID"]
    assert the(email.id).gateway_id is None  # the log adapter gives no id

    assert report(esms_gateway, smsid, "7") == [200]  # handed to the carrier
    row = the(sms.id)
    assert (row.status, row.report_status, row.carrier) == ("sent", "7", "Viettel")

    assert report(esms_gateway, smsid, "4") == [200]
    assert report(esms_gateway, smsid, "4") == [200]
    row = the(sms.id)
    assert (row.status, row.report_status) == ("rejected", "4")
    assert row.last_error == "delivery report: rejected (SendStatus 4)"
    assert row.delivered_at is None
    # A rejected message is never sent again.
    clock.freeze(T0 + timedelta(days=1))
    assert str(send_pending()) == "sent 0, will retry 0, failed 0"
    assert len(esms_gateway.requests) == 1


def test_finished_but_failed_is_a_rejection(site, esms_gateway) -> None:
    row_id = queue_code()
    send_pending()
    assert report(esms_gateway, esms_gateway.accepted[0]["SMSID"], "5", success=False) == [200]
    assert the(row_id).status == OutboxStatus.REJECTED


def test_a_wrong_or_missing_secret_is_not_found(app, client) -> None:
    clock.freeze(T0)
    path = "/bao-cao-gui-tin/esms/"
    query = "?SMSID=2f8a9c1e-5b7d-4e3a-9c1f-0a6b8d2e4f71&SendStatus=5"
    app.config["ESMS_CALLBACK_SECRET"] = CALLBACK_SECRET
    assert client.get(path + CALLBACK_SECRET[:-1] + "x" + query).status_code == 404
    assert client.get(path + CALLBACK_SECRET + "x" + query).status_code == 404
    assert client.get(path + query).status_code == 404
    app.config["ESMS_CALLBACK_SECRET"] = ""  # no reports asked for: every address is unknown
    assert client.get(path + CALLBACK_SECRET + query).status_code == 404
    assert client.get(path + "x" + query).status_code == 404


def test_a_report_without_smsid_is_a_bad_request(app, client) -> None:
    app.config["ESMS_CALLBACK_SECRET"] = CALLBACK_SECRET
    answer = client.get(f"/bao-cao-gui-tin/esms/{CALLBACK_SECRET}?SendStatus=5&RequestId=7")
    assert answer.status_code == 400
    assert answer.mimetype == "text/plain"
    assert answer.get_data(as_text=True) == "a delivery report without SMSID"


def test_a_report_about_no_message_of_ours_is_answered_and_logged(app, client, caplog) -> None:
    app.config.update(ESMS_CALLBACK_SECRET=CALLBACK_SECRET, NOTIFY_ID_PREFIX="motcua-40-test")
    caplog.set_level(logging.INFO, logger="motcua.notifications")
    answer = client.get(
        f"/bao-cao-gui-tin/esms/{CALLBACK_SECRET}",
        query_string={
            "SMSID": "9d3c1b7a-0000-4e3a-9c1f-0a6b8d2e4f71",
            "SendStatus": "5",
            "RequestId": "motcua-40-staging-1-261207093000",
            "phonenumber": PHONE,
            "telcoid": "1",
        },
    )
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "OK")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    # (the log masks the RequestId's twelve-digit stamp as it would an ID number)
    (warning,) = warnings
    assert warning.startswith(
        "Delivery report for an unknown message (SMSID 9d3c1b7a-0000-4e3a-9c1f-0a6b8d2e4f71, "
        "RequestId motcua-40-staging-1-"
    )
    assert warning.endswith(", SendStatus 5)")


def test_a_report_finds_by_request_id_a_message_whose_answer_was_lost(app, client) -> None:
    """The sender died between the gateway's "accepted" and its commit: the row is still
    pending, without the SMSID. The report's RequestId (our key) finds it; only the whole key
    does (another site's prefix, or another creation time, is not this row)."""
    clock.freeze(T0)
    app.config.update(ESMS_CALLBACK_SECRET=CALLBACK_SECRET, NOTIFY_ID_PREFIX="motcua-40-test")
    db.session.execute(delete(Notification))
    row_id = queue_code("750318")
    url = f"/bao-cao-gui-tin/esms/{CALLBACK_SECRET}"
    smsid = "6e0f4a2b-8c3d-4f1e-a5b9-7d2c0e8f1a36"
    for other in (
        key_of(row_id, T0, "motcua-40-production"),
        key_of(row_id, T0 - timedelta(days=400), "motcua-40-test"),
        key_of(row_id + 1, T0, "motcua-40-test"),
    ):
        query = {"SMSID": smsid, "SendStatus": "5", "RequestId": other}
        assert client.get(url, query_string=query).status_code == 200
        assert the(row_id).status == OutboxStatus.PENDING

    query = {"SMSID": smsid, "SendStatus": "5", "RequestId": key_of(row_id, T0, "motcua-40-test")}
    assert client.get(url, query_string=query).status_code == 200
    row = the(row_id)
    assert (row.status, row.gateway_id, row.delivered_at) == ("delivered", smsid, T0)
    assert row.sealed_secret is None
    # It is not sent a second time.
    assert str(send_pending(now=T0 + timedelta(minutes=1))) == "sent 0, will retry 0, failed 0"


def test_the_callback_secret_never_reaches_the_log(site, esms_gateway, caplog) -> None:
    caplog.set_level(logging.INFO)
    queue_code()
    send_pending()
    report(esms_gateway, esms_gateway.accepted[0]["SMSID"], "5")
    lines = [r.getMessage() for r in caplog.records]
    assert any("/bao-cao-gui-tin/esms/••••••?SMSID=" in line for line in lines)
    assert not any(CALLBACK_SECRET in line for line in lines)


def test_reports_are_limited_per_address(app, client) -> None:
    app.config.update(ESMS_CALLBACK_SECRET=CALLBACK_SECRET, RATELIMIT_DELIVERY_REPORT="3/minute")
    url = f"/bao-cao-gui-tin/esms/{CALLBACK_SECRET}?SMSID=0b1c2d3e&SendStatus=2"
    wrong = "/bao-cao-gui-tin/esms/doan-bua?SMSID=0b1c2d3e&SendStatus=2"
    # Guesses of the secret count with the reports: a guesser soon stops.
    assert [client.get(u).status_code for u in (wrong, wrong, url, url)] == [404, 404, 200, 429]
