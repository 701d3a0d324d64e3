"""Channel adapters: how an outbox row actually leaves (SMS gateway, mail server…).

Config ``NOTIFY_SMS_ADAPTER`` / ``NOTIFY_EMAIL_ADAPTER`` names the adapter per channel:

* ``"log"`` (default): development; writes the message to the ``motcua.notifications`` logger,
  a one-time code masked.
* ``"fail"``: every send fails, to rehearse an outage (retries, then FAILED).
* ``"esms"`` (SMS, app/notifications/esms.py) and ``"smtp"`` (e-mail, app/notifications/smtp.py).

Both are development adapters: with ``APP_ENV=production`` the app refuses to start with
either unless ``NOTIFY_ALLOW_DEV_ADAPTERS=1`` (:func:`check_configuration`).

An adapter is a class registered under its name with :func:`adapter`, for the channels it
serves. Its ``send`` gets an :class:`Outgoing` (plain data, the real text in it) and returns a
:class:`Receipt` (or ``None``: nothing to record) when the gateway accepted the message;
otherwise it raises one of three errors, each with the gateway's code and a short reason (never
a secret, never the message's content):

* :class:`SendFailed`: it did not leave this time (network, time-out, 5xx): retry with backoff.
* :class:`SendRejected`: never for this message (a blocked or malformed number): no more tries.
* :class:`GatewayRefused`: the gateway refuses our account (wrong keys, balance, brand name,
  SMTP authentication): keep the message queued without counting the attempt, alert the
  administrator.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

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


@dataclass(frozen=True)
class Outgoing:
    """One message as an adapter hands it over: never the database row."""

    id: int
    channel: str  # sms | email
    recipient: str
    template: str
    subject: str
    text: str  # what the recipient gets: a one-time code is in it
    stored: str  # the row's body: the same with a one-time code masked (for logs)
    segments: int  # SMS only: counted on ``text``
    created_at: datetime | None = None  # part of the message's key at a gateway


class Channel(Protocol):
    def send(self, message: Outgoing) -> Receipt | None:
        """Hand the message over, or raise :class:`SendFailed` (or a subclass)."""


def message_key(message: Outgoing, prefix: str) -> str:
    """The message's stable id for a gateway: the same on every attempt, different across sites
    (``prefix``) and across a database that starts its ids again (the row's creation time).

    eSMS's ``RequestId`` (at most 50 characters, a repeat refused for 24 hours), an e-mail's
    ``Message-ID`` and its ``X-Motcua-Message`` header.
    """
    return key_of(message.id, message.created_at, prefix)


def key_of(message_id: int, created_at: datetime | None, prefix: str) -> str:
    """:func:`message_key` of the outbox row ``message_id`` created at ``created_at``."""
    stamp = f"{created_at:%y%m%d%H%M%S}" if created_at else "0"
    tail = f"{message_id}-{stamp}"
    head = "".join(ch for ch in prefix if ch.isascii() and (ch.isalnum() or ch in "-_."))
    return f"{head[: 49 - len(tail)]}-{tail}" if head else tail


def id_in_key(key: str) -> int | None:
    """The outbox row's id in a :func:`message_key` (to be checked against the whole key: the
    prefix and the creation time must match too); ``None`` when it holds none."""
    parts = key.strip().rsplit("-", 2)
    if len(parts) < 2 or not parts[-2].isascii() or not parts[-2].isdigit():
        return None
    return int(parts[-2]) if len(parts[-2]) <= 18 else None


ADAPTERS: dict[str, type[Channel]] = {}
# The channels each adapter serves ("sms", "email").
SERVES: dict[str, tuple[str, ...]] = {}
# Adapters that must not run in production unless NOTIFY_ALLOW_DEV_ADAPTERS=1.
DEVELOPMENT_ONLY: set[str] = set()
# Modules whose adapters register themselves when imported (they import this module).
GATEWAY_MODULES: tuple[str, ...] = ("app.notifications.esms", "app.notifications.smtp")

C = TypeVar("C")


def adapter(
    name: str, *, channels: tuple[str, ...] = CHANNELS, development_only: bool = False
) -> Callable[[type[C]], type[C]]:
    """Register a channel adapter class under ``name`` (the value of NOTIFY_*_ADAPTER) for the
    ``channels`` it serves."""

    def register(cls: type[C]) -> type[C]:
        if ADAPTERS.get(name, cls) is not cls:
            raise ValueError(f"channel adapter {name!r} is registered already")
        ADAPTERS[name] = cls  # type: ignore[assignment]
        SERVES[name] = channels
        if development_only:
            DEVELOPMENT_ONLY.add(name)
        return cls

    return register


def _mask(recipient: str) -> str:
    """Enough to tell messages apart in a log, not a whole phone number or address."""
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{recipient[:3]}***{recipient[-3:]}" if len(recipient) > 6 else "***"


@adapter("log", development_only=True)
class LogChannel:
    """Development adapter: the message goes to the log instead of a gateway, as stored (a
    one-time code masked: in demo mode the page that asks for it shows it)."""

    def send(self, message: Outgoing) -> None:
        if message.channel == "sms":
            log.info(
                "SMS to %s [%s, %d segment(s)]: %s",
                _mask(message.recipient),
                message.template,
                message.segments,
                message.stored,
            )
        else:
            log.info(
                "E-mail to %s [%s] %s\n%s",
                _mask(message.recipient),
                message.template,
                message.subject,
                message.stored,
            )


@adapter("fail", development_only=True)
class FailingChannel:
    """Simulated outage: every send fails."""

    def send(self, message: Outgoing) -> None:
        raise SendFailed(f"{message.channel} gateway unavailable (simulated outage)")


def _adapter_name(config: Mapping[str, Any], kind: str) -> str:
    for module in GATEWAY_MODULES:
        importlib.import_module(module)
    name = config.get(_CONFIG_KEYS[kind]) or "log"
    if kind not in SERVES.get(name, ()):
        known = sorted(n for n, kinds in SERVES.items() if kind in kinds)
        raise ValueError(
            f"{_CONFIG_KEYS[kind]}={name!r} is not an adapter; expected one of {known}"
        )
    return name


def adapter_name(kind: str) -> str:
    """The name of the adapter configured for channel ``kind`` ("esms", "smtp", "log"…)."""
    return _adapter_name(current_app.config, kind)


def check_configuration(config: Mapping[str, Any]) -> None:
    """At start-up: every channel names a known adapter, and production runs no development
    adapter unless NOTIFY_ALLOW_DEV_ADAPTERS says so (RuntimeError, the app does not start)."""
    for kind, key in _CONFIG_KEYS.items():
        try:
            name = _adapter_name(config, kind)
        except ValueError as error:
            raise RuntimeError(str(error)) from None
        if (
            config.get("APP_ENV") == "production"
            and name in DEVELOPMENT_ONLY
            and not config.get("NOTIFY_ALLOW_DEV_ADAPTERS")
        ):
            raise RuntimeError(
                f"APP_ENV=production refuses {key}={name!r}: messages to citizens would "
                f"never leave. Configure a real {kind} adapter, or set "
                "NOTIFY_ALLOW_DEV_ADAPTERS=1 to run without one on purpose."
            )


def channel_for(kind: str) -> Channel:
    """The adapter configured for channel ``kind`` ("sms" or "email")."""
    if kind not in _CONFIG_KEYS:
        raise ValueError(f"unknown channel {kind!r}; expected one of {CHANNELS}")
    return ADAPTERS[_adapter_name(current_app.config, kind)]()
