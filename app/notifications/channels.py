"""Channel adapters: how an outbox row actually leaves (SMS gateway, mail server…).

Config ``NOTIFY_SMS_ADAPTER`` / ``NOTIFY_EMAIL_ADAPTER`` names the adapter per channel:

* ``"log"`` (default): development; writes the message to the ``motcua.notifications`` logger,
  a one-time code masked.
* ``"fail"``: every send fails, to rehearse an outage (retries, then FAILED).

Both are development adapters: with ``APP_ENV=production`` the app refuses to start with
either unless ``NOTIFY_ALLOW_DEV_ADAPTERS=1`` (:func:`check_configuration`).

A real gateway is one more class, registered under its name with :func:`adapter`, whose
``send`` gets an :class:`Outgoing` (plain data, the real text in it) and raises
:class:`SendFailed` when the message did not leave::

    @adapter("esms")
    class EsmsChannel:
        def send(self, message: Outgoing) -> None: ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask import current_app

log = logging.getLogger("motcua.notifications")

CHANNELS: tuple[str, ...] = ("sms", "email")
_CONFIG_KEYS = {"sms": "NOTIFY_SMS_ADAPTER", "email": "NOTIFY_EMAIL_ADAPTER"}


class SendFailed(Exception):
    """The message did not leave; the outbox tries again later."""


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


class Channel(Protocol):
    def send(self, message: Outgoing) -> None:
        """Hand the message over, or raise :class:`SendFailed`."""


ADAPTERS: dict[str, type[Channel]] = {}
# Adapters that must not run in production unless NOTIFY_ALLOW_DEV_ADAPTERS=1.
DEVELOPMENT_ONLY: set[str] = set()

C = TypeVar("C")


def adapter(name: str, *, development_only: bool = False) -> Callable[[type[C]], type[C]]:
    """Register a channel adapter class under ``name`` (the value of NOTIFY_*_ADAPTER)."""

    def register(cls: type[C]) -> type[C]:
        if ADAPTERS.get(name, cls) is not cls:
            raise ValueError(f"channel adapter {name!r} is registered already")
        ADAPTERS[name] = cls  # type: ignore[assignment]
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
    name = config.get(_CONFIG_KEYS[kind]) or "log"
    if name not in ADAPTERS:
        raise ValueError(
            f"{_CONFIG_KEYS[kind]}={name!r} is not an adapter; expected one of {sorted(ADAPTERS)}"
        )
    return name


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
