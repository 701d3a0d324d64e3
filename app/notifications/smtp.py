"""E-mail over SMTP (``NOTIFY_EMAIL_ADAPTER=smtp``), with the standard library's smtplib.

Each message is a plain-text part and a small HTML part (the text escaped, its paragraphs and
line breaks kept, links made clickable; nothing loaded from elsewhere). Headers are written by
the ``email`` package's SMTP policy: a Vietnamese subject goes out as RFC 2047 encoded words,
and the whole message as SMTPUTF8 only when an address needs it. The Message-ID is the
message's stable key (:func:`message_key`) at the site's domain, and ``X-Motcua-Message``
carries the key too, so a message sent twice (a lost answer, then a retry) can be recognised.

Outcomes: the server refusing our login (or our sender, or a feature we need) is
:class:`GatewayRefused`; a permanent (5xx) refusal of the recipient or of the message is
:class:`SendRejected`; a connection error, a time-out or a temporary (4xx) answer is
:class:`SendFailed`.
"""

from __future__ import annotations

import base64
import html
import logging
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from app.notifications.channels import (
    GatewayRefused,
    Outgoing,
    Receipt,
    SendFailed,
    SendRejected,
    _mask,
    adapter,
    message_key,
)

log = logging.getLogger("motcua.notifications")

IDEMPOTENCY_HEADER = "X-Motcua-Message"
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)]")


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int
    sender: str
    use_tls: bool = False  # STARTTLS
    use_ssl: bool = False  # TLS from the first byte (SMTPS)
    username: str = ""
    password: str = ""
    timeout: float = 10.0
    domain: str = ""  # the Message-ID's right-hand side
    id_prefix: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        sender = str(config.get("MAIL_DEFAULT_SENDER") or "")
        return cls(
            server=str(config.get("MAIL_SERVER") or "localhost"),
            port=int(config.get("MAIL_PORT") or 25),
            sender=sender,
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=str(config.get("MAIL_USERNAME") or ""),
            password=str(config.get("MAIL_PASSWORD") or ""),
            timeout=float(config.get("MAIL_TIMEOUT_SECONDS") or 10),
            domain=site_domain(str(config.get("PUBLIC_BASE_URL") or ""), sender),
            id_prefix=str(config.get("NOTIFY_ID_PREFIX") or ""),
        )


def site_domain(public_base_url: str, sender: str) -> str:
    """The site's host name (from PUBLIC_BASE_URL), else the sender's domain, else localhost."""
    host = urlsplit(public_base_url).hostname if public_base_url else None
    if host:
        return host
    _, address = parseaddr(sender)
    return address.rpartition("@")[2] or "localhost"


def html_body(text: str) -> str:
    """The text as a small HTML document: escaped, blank lines → paragraphs, line breaks kept."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if p]
    rendered = "\n".join(
        f"<p>{_linked(p).replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs
    )
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"></head>\n'
        f'<body style="font-family: sans-serif; line-height: 1.5">\n{rendered}\n</body>\n</html>\n'
    )


def _linked(text: str) -> str:
    """Escape ``text``; its web addresses become links (to themselves: nothing hidden)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        url = html.escape(match.group(0))
        out += [html.escape(text[last : match.start()]), f'<a href="{url}">{url}</a>']
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def build_email(message: Outgoing, settings: SmtpSettings) -> EmailMessage:
    key = message_key(message, settings.id_prefix)
    email = EmailMessage(policy=SMTP)
    email["Subject"] = message.subject
    email["From"] = settings.sender
    email["To"] = message.recipient
    email["Message-ID"] = f"<{key}@{settings.domain}>"
    email[IDEMPOTENCY_HEADER] = key
    email.set_content(message.text, cte="quoted-printable")
    email.add_alternative(html_body(message.text), subtype="html", cte="quoted-printable")
    return email


@adapter("smtp", channels=("email",))
class SmtpChannel:
    """The SMTP adapter; reads its settings from the app's configuration unless given some."""

    def __init__(self, settings: SmtpSettings | None = None) -> None:
        if settings is None:
            from flask import current_app

            settings = SmtpSettings.from_config(current_app.config)
        self.settings = settings

    def send(self, message: Outgoing) -> Receipt:
        email = build_email(message, self.settings)
        try:
            with self._connect() as connection:
                _deliver(connection, email, self.settings)
        except SendFailed:
            raise
        except smtplib.SMTPException as exc:
            raise _outcome(exc) from None
        except (OSError, ssl.SSLError) as exc:  # refused, unreachable, time-out, TLS failure
            raise SendFailed(f"cannot talk to the mail server ({type(exc).__name__})") from None
        log.info(
            "E-mail %s to %s accepted by %s",
            email["Message-ID"],
            _mask(message.recipient),
            self.settings.server,
        )
        return Receipt(gateway_id=str(email["Message-ID"]))

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.use_ssl:
            return smtplib.SMTP_SSL(
                s.server, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        return smtplib.SMTP(s.server, s.port, timeout=s.timeout)


def _deliver(connection: smtplib.SMTP, email: EmailMessage, settings: SmtpSettings) -> None:
    if settings.use_tls:
        connection.starttls(context=ssl.create_default_context())
    if settings.username:
        _login(connection, settings.username, settings.password)
    try:
        refused = connection.send_message(email)
    except smtplib.SMTPNotSupportedError:  # an address needs SMTPUTF8, which it lacks
        raise SendRejected("the mail server cannot take an internationalised address") from None
    if refused:  # one recipient only: a refusal raises instead; kept for several one day
        code, _ = next(iter(refused.values()))
        raise SendRejected("the server refused the recipient", code=str(code))


def _login(connection: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib's login sends ASCII only; a password with Vietnamese letters goes as AUTH PLAIN
    in UTF-8 (RFC 4616), which servers that offer PLAIN accept."""
    if (username + password).isascii():
        connection.login(username, password)
        return
    connection.ehlo_or_helo_if_needed()
    if "PLAIN" not in connection.esmtp_features.get("auth", "").upper().split():
        raise GatewayRefused("a non-ASCII login needs AUTH PLAIN, which the mail server lacks")
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode()
    code, answer = connection.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _outcome(exc: smtplib.SMTPException) -> SendFailed:
    """Our error for the server's: login or sender refused → GatewayRefused, a permanent refusal
    of the recipient or the message → SendRejected, anything else → SendFailed (retry)."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next(iter(exc.recipients.values()))[0] if exc.recipients else None
    permanent = isinstance(code, int) and 500 <= code < 600
    said = str(code or "")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return GatewayRefused("the mail server refused our login", code=said)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return GatewayRefused("the mail server lacks a feature we need (STARTTLS, AUTH)")
    if isinstance(exc, smtplib.SMTPSenderRefused) and permanent:
        return GatewayRefused("the mail server refused our sender address", code=said)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and permanent:
        return SendRejected("the mail server refused the recipient", code=said)
    if isinstance(exc, smtplib.SMTPDataError) and permanent:
        return SendRejected("the mail server refused the message", code=said)
    return SendFailed(f"the mail server did not take the message ({type(exc).__name__})", code=said)
