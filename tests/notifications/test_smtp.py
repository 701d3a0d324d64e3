"""The SMTP adapter against real local SMTP servers (aiosmtpd, tests/gateways/smtp_server.py)."""

from __future__ import annotations

import email
import socket
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage
from email.policy import default

import pytest
from bs4 import BeautifulSoup

from app.notifications.channels import (
    GatewayRefused,
    Outgoing,
    SendFailed,
    SendRejected,
    channel_for,
)
from app.notifications.smtp import SmtpChannel, SmtpSettings, html_body, site_domain

SUBJECT = "Hồ sơ 000.12.34.H40-261123-0001 đã có kết quả"
BODY = (
    "Hồ sơ Đăng ký khai sinh của Ông/Bà đã có kết quả.\n"
    "Mời Ông/Bà đến Bộ phận Một cửa UBND xã Hưng Nguyên nhận kết quả.\n"
    "\n"
    "Tra cứu: https://dichvucong.nghean.gov.vn/tra-cuu?ma=000.12.34.H40-261123-0001&lang=vi\n"
    "Giờ làm việc: 7 giờ 30 <sáng> đến 17 giờ & thứ Bảy."
)
SENDER = "Một cửa Nghệ An <motcua@nghean.gov.vn>"
RECIPIENT = "nguyen.thi.hoa@gmail.com"
KEY = "motcua-40-production-4711-261207093000"
# aiosmtpd warns when a login is asked for without TLS: the tests do both.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def mail(recipient: str = RECIPIENT) -> Outgoing:
    return Outgoing(
        id=4711,
        channel="email",
        recipient=recipient,
        template="approved.counter",
        subject=SUBJECT,
        text=BODY,
        stored=BODY,
        segments=0,
        created_at=datetime(2026, 12, 7, 9, 30, 0),
    )


def settings_for(port: int, **changes: object) -> SmtpSettings:
    settings = SmtpSettings(
        server="127.0.0.1",
        port=port,
        sender=SENDER,
        timeout=5,
        domain="dichvucong.nghean.gov.vn",
        id_prefix="motcua-40-production",
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


def received(server) -> EmailMessage:  # type: ignore[no-untyped-def]
    (message,) = server.messages
    return email.message_from_bytes(message.data, policy=default)  # type: ignore[return-value]


def test_a_message_arrives_with_both_parts_and_its_headers(make_smtp_server) -> None:
    server = make_smtp_server()
    receipt = SmtpChannel(settings_for(server.port)).send(mail())

    (envelope,) = server.messages
    assert (envelope.sender, envelope.recipients) == ("motcua@nghean.gov.vn", [RECIPIENT])
    raw_headers = envelope.data.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # the Vietnamese subject travels as RFC 2047 encoded words
    assert b"=?utf-8?" in raw_headers
    message = received(server)
    assert message["Subject"] == SUBJECT
    assert message["From"].addresses[0].display_name == "Một cửa Nghệ An"
    assert message["To"] == RECIPIENT
    assert message["Message-ID"] == f"<{KEY}@dichvucong.nghean.gov.vn>"
    assert message["X-Motcua-Message"] == KEY
    assert receipt.gateway_id == message["Message-ID"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    page = message.get_body(preferencelist=("html",))
    assert text.get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    html = page.get_content()
    assert "<p>Hồ sơ Đăng ký khai sinh của Ông/Bà đã có kết quả.<br>" in html
    assert "7 giờ 30 &lt;sáng&gt; đến 17 giờ &amp; thứ Bảy." in html
    link = "https://dichvucong.nghean.gov.vn/tra-cuu?ma=000.12.34.H40-261123-0001&amp;lang=vi"
    assert f'<a href="{link}">{link}</a>' in html
    assert html.count("<p>") == 2


def test_the_html_part_loads_nothing_and_runs_nothing() -> None:
    text = 'Xem <img src="https://tracker.example/p.gif"> <script>alert(1)</script>'
    page = BeautifulSoup(html_body(text), "html.parser")

    assert [tag.name for tag in page.find_all(True)] == ["html", "head", "meta", "body", "p", "a"]
    assert page.p.get_text() == text
    assert not page.find_all(src=True)


def test_the_login_is_checked(make_smtp_server) -> None:
    server = make_smtp_server(credentials=("motcua@nghean.gov.vn", "mật-khẩu-đúng-2026"))
    good = settings_for(server.port, username="motcua@nghean.gov.vn", password="mật-khẩu-đúng-2026")
    SmtpChannel(good).send(mail())
    assert len(server.messages) == 1

    wrong = replace(good, password="mật-khẩu-cũ")
    with pytest.raises(GatewayRefused) as caught:
        SmtpChannel(wrong).send(mail())

    assert caught.value.code == "535"
    assert "mật-khẩu" not in str(caught.value)
    assert len(server.messages) == 1


def test_a_server_that_wants_a_login_refuses_us_without_one(make_smtp_server) -> None:
    server = make_smtp_server(credentials=("motcua@nghean.gov.vn", "mật-khẩu-đúng-2026"))
    with pytest.raises(GatewayRefused) as caught:
        SmtpChannel(settings_for(server.port)).send(mail())

    assert caught.value.code == "530"
    assert server.messages == []


def test_a_refused_recipient_is_rejected_for_good(make_smtp_server) -> None:
    server = make_smtp_server(refuse=("khong.ton.tai@nghean.gov.vn",))
    with pytest.raises(SendRejected) as caught:
        SmtpChannel(settings_for(server.port)).send(mail("khong.ton.tai@nghean.gov.vn"))

    assert caught.value.code == "550"
    assert "khong.ton.tai" not in str(caught.value)
    assert server.messages == []


def test_a_recipient_deferred_is_tried_again(make_smtp_server) -> None:
    server = make_smtp_server(defer=(RECIPIENT,))
    with pytest.raises(SendFailed) as caught:
        SmtpChannel(settings_for(server.port)).send(mail())

    assert type(caught.value) is SendFailed
    assert caught.value.code == "451"


def test_starttls_then_login(make_smtp_server, trust_smtp_certificate) -> None:
    server = make_smtp_server(starttls=trust_smtp_certificate, credentials=("motcua", "Hoa-2026!"))
    settings = settings_for(server.port, use_tls=True, username="motcua", password="Hoa-2026!")
    SmtpChannel(settings).send(mail())

    assert received(server)["Subject"] == SUBJECT


def test_a_server_that_requires_starttls_refuses_plain_text(
    make_smtp_server, trust_smtp_certificate
) -> None:
    server = make_smtp_server(starttls=trust_smtp_certificate)
    with pytest.raises(GatewayRefused):
        SmtpChannel(settings_for(server.port)).send(mail())
    assert server.messages == []


def test_starttls_with_an_untrusted_certificate_is_not_sent(
    make_smtp_server, trust_smtp_certificate, monkeypatch
) -> None:
    server = make_smtp_server(starttls=trust_smtp_certificate)
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(SendFailed) as caught:
        SmtpChannel(settings_for(server.port, use_tls=True)).send(mail())

    assert type(caught.value) is SendFailed
    assert server.messages == []


def test_tls_from_the_first_byte(make_smtp_server, trust_smtp_certificate) -> None:
    server = make_smtp_server(implicit_tls=trust_smtp_certificate)
    SmtpChannel(settings_for(server.port, use_ssl=True)).send(mail())

    assert received(server)["X-Motcua-Message"] == KEY


def test_an_unreachable_server_is_tried_again() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SendFailed) as caught:
        SmtpChannel(settings_for(port)).send(mail())

    assert type(caught.value) is SendFailed
    assert "ConnectionRefusedError" in caught.value.reason


def test_the_site_domain() -> None:
    assert site_domain("https://dichvucong.nghean.gov.vn/", SENDER) == "dichvucong.nghean.gov.vn"
    assert site_domain("", SENDER) == "nghean.gov.vn"
    assert site_domain("", "") == "localhost"


def test_the_app_configures_the_adapter(app) -> None:
    app.config.update(
        NOTIFY_EMAIL_ADAPTER="smtp",
        MAIL_SERVER="smtp.nghean.gov.vn",
        MAIL_PORT=587,
        MAIL_USE_TLS=True,
        MAIL_USERNAME="motcua@nghean.gov.vn",
        MAIL_PASSWORD="mật-khẩu-đúng-2026",
        MAIL_DEFAULT_SENDER=SENDER,
        MAIL_TIMEOUT_SECONDS=7,
        PUBLIC_BASE_URL="https://dichvucong.nghean.gov.vn",
    )
    channel = channel_for("email")

    assert isinstance(channel, SmtpChannel)
    assert channel.settings == SmtpSettings(
        server="smtp.nghean.gov.vn",
        port=587,
        sender=SENDER,
        use_tls=True,
        use_ssl=False,
        username="motcua@nghean.gov.vn",
        password="mật-khẩu-đúng-2026",
        timeout=7.0,
        domain="dichvucong.nghean.gov.vn",
        id_prefix="motcua-40-development",
    )
    app.config["NOTIFY_SMS_ADAPTER"] = "smtp"
    with pytest.raises(ValueError, match="NOTIFY_SMS_ADAPTER"):
        channel_for("sms")
