"""Fixtures of the local gateways (imported by tests/conftest.py): an eSMS gateway, a receiver of
its delivery reports, SMTP servers, and a certificate the SMTP client is made to trust."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gateways.esms_server import CallbackReceiver, EsmsGateway
from gateways.smtp_server import SmtpServer, self_signed_certificate


@pytest.fixture
def esms_gateway() -> Iterator[EsmsGateway]:
    gateway = EsmsGateway().start()
    yield gateway
    gateway.stop()


@pytest.fixture
def callback_receiver() -> Iterator[CallbackReceiver]:
    receiver = CallbackReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def smtp_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture
def trust_smtp_certificate(
    smtp_certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> ssl.SSLContext:
    """Clients' default contexts trust the test certificate (OpenSSL reads SSL_CERT_FILE when a
    context loads the default authorities); gives the server's context."""
    cert_file, key_file = smtp_certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@pytest.fixture
def make_smtp_server() -> Iterator[Callable[..., SmtpServer]]:
    """``make_smtp_server(**options)`` starts a :class:`SmtpServer`; every one stops at the end."""
    servers: list[SmtpServer] = []

    def start(**options: Any) -> SmtpServer:
        servers.append(SmtpServer(**options))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
