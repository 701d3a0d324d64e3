"""Channel adapters: how an outbox row actually leaves (SMS gateway, mail server…).

Config ``NOTIFY_SMS_ADAPTER`` / ``NOTIFY_EMAIL_ADAPTER`` names the adapter per channel:

* ``"log"`` (default): development; writes the message to the ``motcua.notifications`` logger.
* ``"fail"``: every send fails, to rehearse an outage (retries, then FAILED).

A real gateway is one more class with ``send`` raising :class:`SendFailed`, added to
:data:`ADAPTERS`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from flask import current_app

if TYPE_CHECKING:
    from app.notifications.models import Notification

log = logging.getLogger("motcua.notifications")

CHANNELS: tuple[str, ...] = ("sms", "email")
_CONFIG_KEYS = {"sms": "NOTIFY_SMS_ADAPTER", "email": "NOTIFY_EMAIL_ADAPTER"}


class SendFailed(Exception):
    """The message did not leave; the outbox tries again later."""


class Channel(Protocol):
    def send(self, message: Notification) -> None:
        """Hand the message over, or raise :class:`SendFailed`."""


def _mask(recipient: str) -> str:
    """Enough to tell messages apart in a log, not a whole phone number or address."""
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{recipient[:3]}***{recipient[-3:]}" if len(recipient) > 6 else "***"


class LogChannel:
    """Development adapter: the message goes to the log instead of a gateway."""

    def send(self, message: Notification) -> None:
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

    def send(self, message: Notification) -> None:
        raise SendFailed(f"{message.channel} gateway unavailable (simulated outage)")


ADAPTERS: dict[str, type[Channel]] = {"log": LogChannel, "fail": FailingChannel}


def channel_for(kind: str) -> Channel:
    """The adapter configured for channel ``kind`` ("sms" or "email")."""
    if kind not in _CONFIG_KEYS:
        raise ValueError(f"unknown channel {kind!r}; expected one of {CHANNELS}")
    name = current_app.config.get(_CONFIG_KEYS[kind]) or "log"
    try:
        return ADAPTERS[name]()
    except KeyError:
        raise ValueError(
            f"{_CONFIG_KEYS[kind]}={name!r} is not an adapter; expected one of {sorted(ADAPTERS)}"
        ) from None
