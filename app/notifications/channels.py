"""Channel adapters: how an outbox row actually leaves (SMS gateway, mail server…).

Config ``NOTIFY_SMS_ADAPTER`` / ``NOTIFY_EMAIL_ADAPTER`` names the adapter per channel:

* ``"log"`` (default): development; writes the message to the ``motcua.notifications`` logger.
* ``"fail"``: every send fails, to rehearse an outage (retries, then FAILED).
* ``"esms"`` (SMS, app/notifications/esms.py) and ``"smtp"`` (e-mail, app/notifications/smtp.py).

An adapter's ``send`` returns a :class:`Receipt` (or ``None``: nothing to record) when the
gateway accepted the message, and otherwise raises one of three errors, each with the gateway's
code and a short reason (never a secret, never the message's content):

* :class:`SendFailed`: it did not leave this time (network, time-out, 5xx): retry with backoff.
* :class:`SendRejected`: never for this message (a blocked or malformed number): no more tries.
* :class:`GatewayRefused`: the gateway refuses our account (wrong keys, balance, brand name,
  SMTP authentication): keep the message queued without counting the attempt, alert the
  administrator.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import current_app

log = logging.getLogger("motcua.notifications")

CHANNELS: tuple[str, ...] = ("sms", "email")
_CONFIG_KEYS = {"sms": "NOTIFY_SMS_ADAPTER", "email": "NOTIFY_EMAIL_ADAPTER"}


class SendFailed(Exception):
    """The message did not leave; the outbox tries again later."""

    def __init__(self, reason: str, *, code: str = "") -> None:
        self.reason = reason
        self.code = code  # the gateway's own code ("103", "535"), "" when it gave none
        super().__init__(f"[{code}] {reason}" if code else reason)


class SendRejected(SendFailed):
    """The gateway will never take this message (blocked or malformed number): stop trying."""


class GatewayRefused(SendFailed):
    """The gateway refuses our account (keys, balance, brand name, SMTP login), not the message:
    the message waits, its attempt not counted, until the administrator fixes the gateway."""


@dataclass(frozen=True)
class Receipt:
    """The gateway took the message (not yet delivered: a delivery report may follow)."""

    gateway_id: str | None = None  # eSMS's SMSID, an e-mail's Message-ID
    note: str = ""  # e.g. "sandbox", "accepted earlier (duplicate RequestId)"


class Outgoing(Protocol):
    """What an adapter reads of a message. The outbox row has these attributes; a copy carrying
    the text to send (a one-time code's body is stored redacted) serves as well."""

    id: int | None
    channel: str
    recipient: str
    template: str
    subject: str
    body: str
    created_at: datetime | None


class Channel(Protocol):
    def send(self, message: Outgoing) -> Receipt | None:
        """Hand the message over, or raise :class:`SendFailed` (or a subclass)."""


def message_key(message: Outgoing, prefix: str) -> str:
    """The message's stable id for a gateway: the same on every attempt, different across sites
    (``prefix``) and across a database that starts its ids again (the row's creation time).

    eSMS's ``RequestId`` (at most 50 characters, a repeat refused for 24 hours), an e-mail's
    ``Message-ID`` and its ``X-Motcua-Message`` header.
    """
    stamp = f"{message.created_at:%y%m%d%H%M%S}" if message.created_at else "0"
    tail = f"{message.id}-{stamp}"
    head = "".join(ch for ch in prefix if ch.isascii() and (ch.isalnum() or ch in "-_."))
    return f"{head[: 49 - len(tail)]}-{tail}" if head else tail


def _mask(recipient: str) -> str:
    """Enough to tell messages apart in a log, not a whole phone number or address."""
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{recipient[:3]}***{recipient[-3:]}" if len(recipient) > 6 else "***"


class LogChannel:
    """Development adapter: the message goes to the log instead of a gateway."""

    def send(self, message: Outgoing) -> None:
        if message.channel == "sms":
            log.info(
                "SMS to %s [%s, %d segment(s)]: %s",
                _mask(message.recipient),
                message.template,
                message.segments,
                message.body,
            )
        else:
            log.info(
                "E-mail to %s [%s] %s\n%s",
                _mask(message.recipient),
                message.template,
                message.subject,
                message.body,
            )


class FailingChannel:
    """Simulated outage: every send fails."""

    def send(self, message: Outgoing) -> None:
        raise SendFailed(f"{message.channel} gateway unavailable (simulated outage)")


ADAPTERS: dict[str, type[Channel]] = {"log": LogChannel, "fail": FailingChannel}


def _gateways(kind: str) -> dict[str, type[Channel]]:
    """The real gateways of channel ``kind``, imported when asked for (they import this module)."""
    if kind == "sms":
        from app.notifications.esms import EsmsChannel

        return {"esms": EsmsChannel}
    from app.notifications.smtp import SmtpChannel

    return {"smtp": SmtpChannel}


def channel_for(kind: str) -> Channel:
    """The adapter configured for channel ``kind`` ("sms" or "email")."""
    if kind not in _CONFIG_KEYS:
        raise ValueError(f"unknown channel {kind!r}; expected one of {CHANNELS}")
    name = current_app.config.get(_CONFIG_KEYS[kind]) or "log"
    adapters = {**ADAPTERS, **_gateways(kind)}
    try:
        return adapters[name]()
    except KeyError:
        raise ValueError(
            f"{_CONFIG_KEYS[kind]}={name!r} is not an adapter; expected one of {sorted(adapters)}"
        ) from None
