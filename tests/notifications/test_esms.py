"""The eSMS adapter against a local gateway that answers as eSMS documents (tests/gateways)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from gateways.esms_server import CallbackReceiver, EsmsGateway

from app import create_app
from app.config import missing_gateway_settings
from app.notifications.channels import (
    GatewayRefused,
    Outgoing,
    Receipt,
    SendFailed,
    SendRejected,
    channel_for,
    message_key,
)
from app.notifications.esms import (
    Delivery,
    EsmsChannel,
    EsmsSettings,
    callback_url,
    parse_delivery_report,
)

VIETNAMESE = "Hồ sơ 000.12.34.H40-261123-0001 đã có kết quả. Mời Ông/Bà đến Bộ phận Một cửa nhận."
PLAIN = "Ho so 000.12.34.H40-261123-0001 da co ket qua. Moi Ong/Ba den Bo phan Mot cua nhan."
SITE = "https://dichvucong.nghean.gov.vn"
CALLBACK_SECRET = "q9Vd2LkP0wXr7sTz"


def sms(body: str = VIETNAMESE, phone: str = "0912345678", row_id: int = 4711) -> Outgoing:
    return Outgoing(
        id=row_id,
        channel="sms",
        recipient=phone,
        template="approved.counter",
        subject="",
        text=body,
        stored=body,
        segments=1,
        created_at=datetime(2026, 12, 7, 9, 30, 0),
    )


def settings_for(gateway: EsmsGateway, **changes: object) -> EsmsSettings:
    settings = EsmsSettings(
        api_url=gateway.base_url,
        api_key=gateway.api_key,
        secret_key=gateway.secret_key,
        brandname="UBND NGHEAN",
        sms_type="2",
        sandbox=False,
        timeout=5,
        callback_url=callback_url(SITE, CALLBACK_SECRET),
        id_prefix="motcua-40-production",
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


def test_an_accepted_message_gives_the_gateways_smsid(esms_gateway) -> None:
    receipt = EsmsChannel(settings_for(esms_gateway)).send(sms())

    assert len(esms_gateway.accepted) == 1
    assert receipt == Receipt(gateway_id=esms_gateway.accepted[0]["SMSID"])
    assert esms_gateway.balance == 999


def test_the_exact_json_sent(esms_gateway) -> None:
    EsmsChannel(settings_for(esms_gateway)).send(sms())

    assert esms_gateway.requests == [
        {
            "ApiKey": "esms-test-api-key",
            "SecretKey": "esms-test-secret-key",
            "Phone": "0912345678",
            "Content": VIETNAMESE,
            "Brandname": "UBND NGHEAN",
            "SmsType": "2",
            "IsUnicode": "1",
            "Sandbox": "0",
            "RequestId": "motcua-40-production-4711-261207093000",
            "CallbackUrl": f"{SITE}/bao-cao-gui-tin/esms/{CALLBACK_SECRET}",
        }
    ]


@pytest.mark.parametrize(("body", "unicode"), [(VIETNAMESE, "1"), (PLAIN, "0")])
def test_unicode_only_for_text_outside_the_gsm_alphabet(esms_gateway, body, unicode) -> None:
    EsmsChannel(settings_for(esms_gateway)).send(sms(body))

    assert esms_gateway.accepted[0]["IsUnicode"] == unicode
    assert esms_gateway.accepted[0]["Content"] == body


def test_no_callback_without_a_public_address_or_secret(esms_gateway) -> None:
    EsmsChannel(settings_for(esms_gateway, callback_url="")).send(sms())

    assert "CallbackUrl" not in esms_gateway.requests[0]
    assert callback_url("", CALLBACK_SECRET) == ""
    assert callback_url(SITE + "/", "") == ""
    assert callback_url(SITE + "/", "a/b c") == f"{SITE}/bao-cao-gui-tin/esms/a%2Fb%20c"


@pytest.mark.parametrize(
    ("arrange", "message", "code"),
    [
        (lambda gateway, settings: gateway.blocked.add("0912345678"), sms(), "99"),
        (lambda gateway, settings: None, sms(phone="0123 456"), "108"),
        (lambda gateway, settings: None, sms(phone="+84912345678"), "108"),
        (lambda gateway, settings: settings.update(sms_type="5"), sms(), "118"),
    ],
    ids=["blocked", "bad-format", "plus-sign", "message-type"],
)
def test_a_message_the_gateway_will_never_take_is_rejected(
    esms_gateway, arrange, message, code
) -> None:
    changes: dict[str, object] = {}
    arrange(esms_gateway, changes)
    with pytest.raises(SendRejected) as caught:
        EsmsChannel(settings_for(esms_gateway, **changes)).send(message)

    assert caught.value.code == code
    assert esms_gateway.accepted == []


@pytest.mark.parametrize(
    ("arrange", "code", "reason"),
    [
        (lambda gateway, settings: settings.update(secret_key="wrong-secret"), "101", "SecretKey"),
        (lambda gateway, settings: setattr(gateway, "priced", False), "102", "price list"),
        (lambda gateway, settings: setattr(gateway, "balance", 0), "103", "balance"),
        (lambda gateway, settings: settings.update(brandname="UBND HA TINH"), "104", "brand"),
    ],
    ids=["keys", "price-list", "balance", "brandname"],
)
def test_a_gateway_refusing_our_account_is_told_apart(esms_gateway, arrange, code, reason) -> None:
    changes: dict[str, object] = {}
    arrange(esms_gateway, changes)
    with pytest.raises(GatewayRefused) as caught:
        EsmsChannel(settings_for(esms_gateway, **changes)).send(sms())

    assert caught.value.code == code
    assert reason in caught.value.reason
    said = str(caught.value)
    for secret in ("esms-test-api-key", "esms-test-secret-key", "wrong-secret", "0912345678"):
        assert secret not in said
    assert "kết quả" not in said


def test_a_timeout_then_the_retry_sends_once(esms_gateway) -> None:
    """The gateway takes the message but its answer is lost; the retry carries the same
    RequestId, the gateway answers "duplicate", and the citizen gets one SMS."""
    channel = EsmsChannel(settings_for(esms_gateway, timeout=0.3))
    esms_gateway.hang = True
    with pytest.raises(SendFailed) as caught:
        channel.send(sms())
    assert caught.value.code == "timeout"
    assert type(caught.value) is SendFailed

    esms_gateway.hang = False
    receipt = channel.send(sms())

    assert receipt.note == "accepted earlier (duplicate RequestId)"
    assert len(esms_gateway.accepted) == 1
    assert [r["RequestId"] for r in esms_gateway.requests] == [
        "motcua-40-production-4711-261207093000"
    ] * 2


def test_a_repeated_request_id_is_a_receipt_not_a_second_message(esms_gateway) -> None:
    channel = EsmsChannel(settings_for(esms_gateway))
    first = channel.send(sms())
    again = channel.send(sms())

    assert first.gateway_id == esms_gateway.accepted[0]["SMSID"]
    assert again == Receipt(gateway_id=None, note="accepted earlier (duplicate RequestId)")
    assert len(esms_gateway.accepted) == 1


def test_a_row_id_used_again_after_a_database_reset_is_a_new_request(esms_gateway) -> None:
    channel = EsmsChannel(settings_for(esms_gateway))
    channel.send(sms())
    channel.send(replace_created(sms(), datetime(2026, 12, 8, 7, 0, 0)))

    assert len(esms_gateway.accepted) == 2


def replace_created(message: Outgoing, moment: datetime) -> Outgoing:
    return replace(message, created_at=moment)


@pytest.mark.parametrize(
    ("arrange", "code"),
    [
        (lambda gateway: setattr(gateway, "http_status", 500), "HTTP 500"),
        (lambda gateway: setattr(gateway, "http_status", 503), "HTTP 503"),
        (lambda gateway: setattr(gateway, "not_json", True), ""),
        (lambda gateway: setattr(gateway, "forced_code", "177"), "177"),
    ],
    ids=["500", "503", "not-json", "unknown-code"],
)
def test_other_failures_are_retried(esms_gateway, arrange, code) -> None:
    arrange(esms_gateway)
    with pytest.raises(SendFailed) as caught:
        EsmsChannel(settings_for(esms_gateway)).send(sms())

    assert type(caught.value) is SendFailed
    assert caught.value.code == code


def test_an_unreachable_gateway_is_retried(esms_gateway) -> None:
    settings = settings_for(esms_gateway)
    esms_gateway.stop()
    with pytest.raises(SendFailed) as caught:
        EsmsChannel(settings).send(sms())

    assert type(caught.value) is SendFailed
    assert "cannot reach eSMS" in caught.value.reason


def test_sandbox_is_validated_but_not_sent(esms_gateway) -> None:
    receipt = EsmsChannel(settings_for(esms_gateway, sandbox=True)).send(sms())

    assert esms_gateway.requests[0]["Sandbox"] == "1"
    assert receipt.gateway_id
    assert esms_gateway.accepted == []


def test_a_delivery_report_reaches_the_callback_and_reads_back(esms_gateway) -> None:
    receiver = CallbackReceiver()
    try:
        settings = settings_for(esms_gateway, callback_url=callback_url(receiver.base_url, "s3"))
        receipt = EsmsChannel(settings).send(sms(phone="0971234567"))
        attempts = esms_gateway.deliver(receipt.gateway_id, "5")
    finally:
        receiver.stop()

    assert [a.status for a in attempts] == [200]
    (path,) = receiver.received
    url = urlsplit(path)
    assert url.path == "/bao-cao-gui-tin/esms/s3"
    report = parse_delivery_report(dict(parse_qsl(url.query, keep_blank_values=True)))
    assert report.smsid == receipt.gateway_id
    assert report.state is Delivery.DELIVERED
    assert report.request_id == message_key(sms(), "motcua-40-production")
    assert (report.phone, report.telco) == ("0971234567", "Viettel")


def test_the_gateway_tries_a_failing_callback_again(esms_gateway) -> None:
    receiver = CallbackReceiver(statuses=(500, 502))
    try:
        settings = settings_for(esms_gateway, callback_url=callback_url(receiver.base_url, "s3"))
        receipt = EsmsChannel(settings).send(sms())
        attempts = esms_gateway.deliver(receipt.gateway_id, "4")
    finally:
        receiver.stop()

    assert [a.status for a in attempts] == [500, 502, 200]
    assert len(receiver.received) == 3


@pytest.mark.parametrize(
    ("query", "state"),
    [
        ({"SendStatus": "5", "SendSuccess": "1", "SendFailed": "0"}, Delivery.DELIVERED),
        ({"SendStatus": "5"}, Delivery.DELIVERED),
        ({"SendStatus": "5", "SendSuccess": "0", "SendFailed": "1"}, Delivery.REJECTED),
        ({"SendStatus": "4"}, Delivery.REJECTED),
        ({"SendStatus": "1"}, Delivery.PENDING),
        ({"SendStatus": "2"}, Delivery.PENDING),
        ({"SendStatus": "7"}, Delivery.PENDING),
        ({"SendStatus": "9"}, Delivery.PENDING),
    ],
)
def test_delivery_report_states(query, state) -> None:
    report = parse_delivery_report(
        {
            "SMSID": "dc712784-9c5f-4c69-b9a8-ea69d56adc9a87",
            "RequestId": "motcua-40-production-4711-261207093000",
            "phonenumber": "0397840416",
            "telcoid": "2",
            "TypeId": "2",
            **query,
        }
    )
    assert report.state is state
    assert report.send_status == query["SendStatus"]
    assert (report.phone, report.telco) == ("0397840416", "MobiFone")


def test_a_delivery_report_needs_its_smsid() -> None:
    with pytest.raises(ValueError):
        parse_delivery_report({"SendStatus": "5", "phonenumber": "0397840416"})


def test_message_keys_fit_the_gateway() -> None:
    assert message_key(sms(row_id=12), "motcua-40-production") == (
        "motcua-40-production-12-261207093000"
    )
    long = message_key(sms(row_id=2_000_000_000), "tỉnh Nghệ An/staging " * 5)
    assert len(long) <= 50
    assert long.endswith("-2000000000-261207093000")
    assert long.isascii()


def test_the_app_configures_the_adapter(app) -> None:
    app.config.update(
        NOTIFY_SMS_ADAPTER="esms",
        ESMS_API_KEY="key-from-esms",
        ESMS_SECRET_KEY="secret-from-esms",
        ESMS_BRANDNAME="UBND NGHEAN",
        ESMS_SANDBOX="1",
        ESMS_TIMEOUT_SECONDS=4,
        ESMS_CALLBACK_SECRET=CALLBACK_SECRET,
        PUBLIC_BASE_URL=SITE,
    )
    channel = channel_for("sms")

    assert isinstance(channel, EsmsChannel)
    assert channel.settings == EsmsSettings(
        api_url="https://rest.esms.vn/MainService.svc/json/",
        api_key="key-from-esms",
        secret_key="secret-from-esms",
        brandname="UBND NGHEAN",
        sms_type="2",
        sandbox=True,
        timeout=4.0,
        callback_url=f"{SITE}/bao-cao-gui-tin/esms/{CALLBACK_SECRET}",
        id_prefix="motcua-40-development",
    )
    assert channel.settings.send_url == (
        "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    )
    app.config["NOTIFY_EMAIL_ADAPTER"] = "esms"
    with pytest.raises(ValueError, match="NOTIFY_EMAIL_ADAPTER"):
        channel_for("email")


PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DEMO_MODE": False,
    "NOTIFY_SMS_ADAPTER": "esms",
    "NOTIFY_EMAIL_ADAPTER": "smtp",
    "ESMS_API_KEY": "key-from-esms",
    "ESMS_SECRET_KEY": "secret-from-esms",
    "ESMS_BRANDNAME": "UBND NGHEAN",
    "ESMS_CALLBACK_SECRET": CALLBACK_SECRET,
    "PUBLIC_BASE_URL": SITE,
    "MAIL_SERVER": "smtp.nghean.gov.vn",
    "MAIL_DEFAULT_SENDER": "Một cửa Nghệ An <motcua@nghean.gov.vn>",
}


def test_production_needs_the_gateways_settings() -> None:
    assert missing_gateway_settings(PRODUCTION) == []
    for name in ("ESMS_API_KEY", "ESMS_SECRET_KEY", "ESMS_BRANDNAME", "ESMS_CALLBACK_SECRET"):
        assert missing_gateway_settings({**PRODUCTION, name: ""}) == [
            f"NOTIFY_SMS_ADAPTER=esms needs {name}"
        ]
    assert missing_gateway_settings({**PRODUCTION, "MAIL_DEFAULT_SENDER": ""}) == [
        "NOTIFY_EMAIL_ADAPTER=smtp needs MAIL_DEFAULT_SENDER"
    ]
    assert missing_gateway_settings({**PRODUCTION, "MAIL_USE_TLS": True, "MAIL_USE_SSL": True})
    without_keys = {**PRODUCTION, "NOTIFY_SMS_ADAPTER": "log", "ESMS_API_KEY": ""}
    assert missing_gateway_settings(without_keys) == []
    with pytest.raises(RuntimeError, match="ESMS_SECRET_KEY"):
        create_app({**PRODUCTION, "ESMS_SECRET_KEY": ""})
