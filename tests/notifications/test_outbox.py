"""The outbox: queued with the action, sent later, retried with backoff, never lost."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from app.core import clock
from app.dossiers.models import Dossier
from app.dossiers.notices import notify
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.notifications import outbox
from app.notifications.channels import (
    FailingChannel,
    LogChannel,
    SendFailed,
    channel_for,
)
from app.notifications.messages import KINDS
from app.notifications.models import Notification, OutboxStatus
from app.notifications.outbox import send_pending
from app.notifications.sms import ascii_variant, is_gsm7, sms_segments

T0 = datetime(2026, 11, 23, 9, 0)
ID_NUMBER = "040190123456"
PHONE = "0912345678"
EMAIL = "hoa.nguyen@example.vn"
NAME = "Nguyễn Thị Hoa"


@pytest.fixture(autouse=True)
def empty_outbox(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    clock.freeze(T0)
    db.session.execute(delete(Notification))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(delete(Notification))
    db.session.commit()


_codes = iter(range(1, 10_000))


@pytest.fixture
def make_dossier(citizen, procedure):  # type: ignore[no-untyped-def]
    def factory(**fields: Any) -> Dossier:
        values: dict[str, Any] = {
            "code": f"000.12.34.H40-261123-{next(_codes):04d}",
            "client_token": "t",
            "owner_id": citizen.id,
            "procedure_id": procedure.id,
            "status": DossierStatus.RECEIVED,
            "applicant_name": NAME,
            "applicant_id_number": ID_NUMBER,
            "applicant_date_of_birth": date(1990, 5, 12),
            "applicant_phone": PHONE,
            "applicant_email": EMAIL,
            "address_village": "Bản Huồi Tụ",
            "return_channel": "online",
            "submitted_at": T0,
            "received_at": T0,
            "due_date": date(2026, 11, 25),
        }
        values.update(fields)
        values["client_token"] = values["code"] or f"draft-{next(_codes)}"
        dossier = Dossier(**values)
        db.session.add(dossier)
        db.session.commit()
        return dossier

    return factory


def rows() -> list[Notification]:
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_notify_queues_one_sms_and_one_email_without_committing(app, make_dossier) -> None:
    dossier = make_dossier()
    queued = notify(dossier, "accepted")
    assert [n.channel for n in queued] == ["sms", "email"]
    sms, email = queued
    assert sms.recipient == PHONE and email.recipient == EMAIL
    for row in queued:
        assert row in db.session.new
        assert row.template == "accepted"
        assert row.status == OutboxStatus.PENDING
        assert row.attempts == 0
        assert row.next_attempt_at == T0
        assert row.user_id == dossier.owner_id
        assert dossier.code in row.body
    assert sms.segments == sms_segments(sms.body) >= 1
    assert email.segments == 0
    assert dossier.code in email.subject and NAME in email.body
    db.session.flush()
    assert sms.dossier_id == email.dossier_id == dossier.id
    # The caller's rollback (its action failed) forgets the messages.
    db.session.rollback()
    assert rows() == []


def test_notify_goes_with_the_callers_commit(app, make_dossier) -> None:
    dossier = make_dossier()
    notify(dossier, "accepted")
    db.session.commit()
    assert len(rows()) == 2


def test_notify_only_to_the_contacts_given(app, make_dossier) -> None:
    assert [n.channel for n in notify(make_dossier(applicant_email=""), "refused")] == ["sms"]
    assert [n.channel for n in notify(make_dossier(applicant_phone=""), "refused")] == ["email"]
    assert notify(make_dossier(applicant_phone="", applicant_email=""), "refused") == []


def test_unknown_kind_raises_and_queues_nothing(app, make_dossier) -> None:
    dossier = make_dossier()
    with pytest.raises(ValueError):
        notify(dossier, "teleported")
    with pytest.raises(ValueError):
        notify(make_dossier(applicant_phone="", applicant_email=""), "teleported")
    assert not db.session.new


def test_a_draft_without_code_is_refused(app, make_dossier) -> None:
    draft = make_dossier(code=None, status=DossierStatus.DRAFT)
    with pytest.raises(ValueError):
        notify(draft, "accepted")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_carries_the_code_and_no_personal_data(app, make_dossier, kind) -> None:
    app.config["PUBLIC_BASE_URL"] = "https://dichvucong.nghean.gov.vn/"
    dossier = make_dossier(supplement_request={"reason": "Thiếu giấy chứng sinh", "items": []})
    for row in notify(dossier, kind):
        text = row.subject + row.body
        assert dossier.code in text
        assert f"https://dichvucong.nghean.gov.vn/tra-cuu/{dossier.code}" in row.body
        for secret in (ID_NUMBER, ID_NUMBER[-4:], PHONE, EMAIL, "12/05/1990", "Huồi Tụ"):
            assert secret not in text, (kind, row.channel, secret)
        if row.channel == "sms":
            assert NAME not in text and ascii_variant(NAME) not in text


def test_without_public_base_url_the_code_alone(app, make_dossier) -> None:
    app.config["PUBLIC_BASE_URL"] = ""
    dossier = make_dossier()
    for row in notify(dossier, "approved"):
        assert "tra-cuu" not in row.body
        assert row.dossier_id == dossier.id and dossier.code in row.body


def test_auto_alphabet_drops_diacritics_when_vietnamese_needs_two_sms(app, make_dossier) -> None:
    assert app.config["SMS_ALPHABET"] == "auto"
    sms = notify(make_dossier(), "accepted")[0]
    assert is_gsm7(sms.body)
    assert sms.body.startswith("Ho so ")
    assert "25/11/2026" in sms.body
    assert sms.segments == 1


def test_auto_alphabet_keeps_vietnamese_when_it_fits_one_sms(app, make_dossier) -> None:
    app.config["PUBLIC_BASE_URL"] = ""
    sms = notify(make_dossier(), "returned")[0]
    assert sms.body.startswith("Hồ sơ ")
    assert not is_gsm7(sms.body)
    assert sms.segments == 1


def test_unicode_and_ascii_alphabets(app, make_dossier) -> None:
    app.config["SMS_ALPHABET"] = "unicode"
    sms = notify(make_dossier(), "accepted")[0]
    assert sms.body.startswith("Hồ sơ ") and sms.segments == 2
    app.config["SMS_ALPHABET"] = "ascii"
    app.config["PUBLIC_BASE_URL"] = ""
    sms = notify(make_dossier(), "returned")[0]
    assert sms.body.startswith("Ho so ") and sms.segments == 1


def test_supplement_request_reason_reaches_the_citizen(app, make_dossier) -> None:
    dossier = make_dossier(
        status=DossierStatus.SUPPLEMENT_REQUESTED,
        supplement_request={"reason": "Ảnh Giấy chứng sinh bị mờ", "items": []},
    )
    sms, email = notify(dossier, "supplement_requested")
    assert "Anh Giay chung sinh bi mo" in sms.body  # the no-diacritics variant (auto)
    assert "Ảnh Giấy chứng sinh bị mờ" in email.body
    no_reason = notify(make_dossier(supplement_request=None), "supplement_requested")
    assert "Ly do" not in no_reason[0].body and "Lý do" not in no_reason[1].body


@pytest.mark.parametrize(
    ("channel", "says"),
    [("online", "tai ket qua"), ("counter", "Bo phan Mot cua"), ("post", "buu dien")],
)
def test_approved_says_where_to_get_the_result(app, make_dossier, channel, says) -> None:
    sms = notify(make_dossier(return_channel=channel), "approved")[0]
    assert sms.template == f"approved.{channel}"
    assert says in sms.body


def test_channel_for_follows_the_config(app) -> None:
    assert isinstance(channel_for("sms"), LogChannel)
    assert isinstance(channel_for("email"), LogChannel)
    app.config["NOTIFY_SMS_ADAPTER"] = "fail"
    assert isinstance(channel_for("sms"), FailingChannel)
    assert isinstance(channel_for("email"), LogChannel)
    app.config["NOTIFY_EMAIL_ADAPTER"] = "carrier-pigeon"
    with pytest.raises(ValueError, match="NOTIFY_EMAIL_ADAPTER"):
        channel_for("email")
    with pytest.raises(ValueError):
        channel_for("fax")


def test_log_channel_sends_and_writes_the_log(app, make_dossier, caplog) -> None:
    dossier = make_dossier()
    notify(dossier, "accepted")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="motcua.notifications")

    report = send_pending()

    assert (report.sent, report.retried, report.failed) == (2, 0, 0)
    db.session.expire_all()
    for row in rows():
        assert row.status == OutboxStatus.SENT
        assert row.sent_at == T0
        assert row.attempts == 1
        assert row.last_error == ""
    logged = [r for r in caplog.records if r.name == "motcua.notifications"]
    assert len(logged) == 2 and all(r.levelno == logging.INFO for r in logged)
    assert all(dossier.code in r.getMessage() for r in logged)
    assert logged[0].getMessage().startswith("SMS to 091***678")
    assert PHONE not in caplog.text and EMAIL not in caplog.text  # masked in the log
    # Sent rows are not sent again.
    assert (send_pending().sent, len(caplog.records)) == (0, 2)


def test_failing_channel_retries_with_backoff_then_gives_up(app, make_dossier) -> None:
    app.config["NOTIFY_SMS_ADAPTER"] = app.config["NOTIFY_EMAIL_ADAPTER"] = "fail"
    assert app.config["NOTIFY_MAX_ATTEMPTS"] == 5
    notify(make_dossier(), "accepted")
    db.session.commit()

    moment = T0
    for attempt, wait in enumerate([1, 5, 30, 120], start=1):
        report = send_pending(now=moment)
        assert (report.sent, report.retried, report.failed) == (0, 2, 0), attempt
        db.session.expire_all()
        for row in rows():
            assert row.status == OutboxStatus.PENDING
            assert row.attempts == attempt
            assert row.next_attempt_at == moment + timedelta(minutes=wait)
            assert "simulated outage" in row.last_error
        # Not due a second before the retry time.
        assert send_pending(now=moment + timedelta(minutes=wait, seconds=-1)).retried == 0
        moment += timedelta(minutes=wait)

    report = send_pending(now=moment)
    assert (report.sent, report.retried, report.failed) == (0, 0, 2)
    db.session.expire_all()
    assert {(r.status, r.attempts) for r in rows()} == {(OutboxStatus.FAILED, 5)}
    # A failed message is never picked up again.
    later = send_pending(now=moment + timedelta(days=30))
    assert (later.sent, later.retried, later.failed) == (0, 0, 0)


def test_max_attempts_comes_from_config(app, make_dossier) -> None:
    app.config["NOTIFY_SMS_ADAPTER"] = "fail"
    app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    notify(make_dossier(applicant_email=""), "accepted")
    db.session.commit()
    assert send_pending(now=T0).retried == 1
    assert send_pending(now=T0 + timedelta(minutes=1)).failed == 1


def test_a_failing_channel_does_not_stop_the_other(app, make_dossier) -> None:
    app.config["NOTIFY_SMS_ADAPTER"] = "fail"
    notify(make_dossier(), "accepted")
    db.session.commit()
    report = send_pending()
    assert (report.sent, report.retried, report.failed) == (1, 1, 0)
    db.session.expire_all()
    assert {r.channel: r.status for r in rows()} == {
        "sms": OutboxStatus.PENDING,
        "email": OutboxStatus.SENT,
    }


class FlakyChannel:
    """Fails for the first message it sees (gateway error), crashes on the second (a bug)."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def send(self, message: Notification) -> None:
        self.seen.append(message.id)
        if len(self.seen) == 1:
            raise SendFailed("503 from gateway")
        if len(self.seen) == 2:
            raise RuntimeError("adapter bug")


def test_one_failing_message_does_not_stop_the_next(app, make_dossier, monkeypatch) -> None:
    channel = FlakyChannel()
    monkeypatch.setattr(outbox, "channel_for", lambda kind: channel)
    for _ in range(3):
        notify(make_dossier(applicant_email=""), "approved")
    db.session.commit()

    report = send_pending()

    assert (report.sent, report.retried, report.failed) == (1, 2, 0)
    assert len(channel.seen) == 3
    db.session.expire_all()
    first, second, third = rows()
    assert (first.status, first.last_error) == (
        OutboxStatus.PENDING,
        "SendFailed: 503 from gateway",
    )
    assert (second.status, second.last_error) == (OutboxStatus.PENDING, "RuntimeError: adapter bug")
    assert third.status == OutboxStatus.SENT


def test_limit_and_not_yet_due(app, make_dossier) -> None:
    for _ in range(3):
        notify(make_dossier(applicant_email=""), "returned")
    db.session.commit()
    later = rows()[2]
    later.next_attempt_at = T0 + timedelta(minutes=10)
    db.session.commit()

    assert send_pending(limit=1).sent == 1
    assert send_pending(limit=10).sent == 1  # the third is not due yet
    assert send_pending(now=T0 + timedelta(minutes=10)).sent == 1
    pending = select(func.count()).where(Notification.status == OutboxStatus.PENDING)
    assert db.session.scalar(pending) == 0


def test_cli_send(app, make_dossier) -> None:
    notify(make_dossier(), "accepted")
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["notifications", "send", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 1, will retry 0, failed 0"

    app.config["NOTIFY_EMAIL_ADAPTER"] = "fail"
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 0, will retry 1, failed 0"

    result = runner.invoke(args=["notifications", "send", "--limit", "0"])
    assert result.exit_code != 0


def test_cli_templates_shows_every_sms_and_its_segments(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["notifications", "templates", "--base-url", "https://dichvucong.nghean.gov.vn"]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    from app.notifications.messages import TEMPLATES

    for key in TEMPLATES:
        assert f"[{key}]" in out
    assert "Hồ sơ 000.12.34.H40-261123-0001 đã được tiếp nhận" in out
    assert "Ho so 000.12.34.H40-261123-0001 da duoc tiep nhan" in out
    assert "(UCS-2, 159 ký tự, 3 SMS)" in out  # accepted, with diacritics
    assert "(GSM-7, 159 ký tự, 1 SMS)" in out  # accepted, without
    assert "https://dichvucong.nghean.gov.vn/tra-cuu/000.12.34.H40-261123-0001" in out
    assert out.count(" SMS): ") == 2 * len(TEMPLATES)


def test_templates_lists_every_sms_as_the_carriers_register_it(app) -> None:
    """Brandname SMS must match a registered template: every text the site sends, dossier
    events and the accounts' codes and notices alike, with its variable slots and worst count."""
    result = app.test_cli_runner().invoke(args=["notifications", "templates"])
    assert result.exit_code == 0, result.output
    out = result.output.split("Mẫu đăng ký brandname")[1]
    from app.notifications.messages import TEMPLATES

    for key in [*TEMPLATES, "otp_register", "otp_claim", "otp_reset", "otp_consent"]:
        assert f"[{key}] unicode, tối đa" in out and f"[{key}] ascii, tối đa" in out, key
    assert (
        "[accepted] ascii, tối đa 1 SMS: Ho so {ma_ho_so} da duoc tiep nhan. "
        "Hen tra ket qua ngay {ngay}.{tra_cuu}" in out
    )
    assert "[otp_register] ascii, tối đa 1 SMS: Ma dang ky tai khoan Mot Cua: {ma}." in out
    # The longest reason quoted makes a supplement request two SMS even without diacritics.
    assert "[supplement_requested] ascii, tối đa 2 SMS" in out


def test_with_slots_and_longest_fill_every_placeholder() -> None:
    from app.notifications.messages import SLOTS, longest, with_slots

    text = " ".join("{" + key + "}" for key in SLOTS)
    assert with_slots(text) == " ".join("{" + name + "}" for name, _ in SLOTS.values())
    assert len(longest(text)) == sum(size for _, size in SLOTS.values()) + len(SLOTS) - 1
