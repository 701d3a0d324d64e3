"""Fixtures of the local gateways (imported by tests/conftest.py): an eSMS gateway, a receiver of
its delivery reports, SMTP servers, a certificate the SMTP client is made to trust, and an
S3-compatible server with the two storage backends to run a test against."""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from gateways import s3_server as s3
from gateways.esms_server import CallbackReceiver, EsmsGateway
from gateways.smtp_server import SmtpServer, self_signed_certificate

from app.core.storage import LocalStorage, S3Storage, Storage


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


@pytest.fixture(scope="session")
def s3_server() -> Iterator[s3.S3Server]:
    """moto's S3 server in its own process, with the session's bucket; boto3 finds the tests'
    key pair in the environment (its usual chain), as in production."""
    mp = pytest.MonkeyPatch()
    mp.setenv("AWS_ACCESS_KEY_ID", s3.ACCESS_KEY)
    mp.setenv("AWS_SECRET_ACCESS_KEY", s3.SECRET_KEY)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        mp.delenv(name, raising=False)
    try:
        server = s3.S3Server().start()
    except (ImportError, RuntimeError, OSError) as error:
        mp.undo()
        pytest.skip(f"the local S3 server (moto[server]) could not start: {error}")
    S3Storage(s3.BUCKET, endpoint_url=server.url, region=s3.REGION).client.create_bucket(
        Bucket=s3.BUCKET,
        CreateBucketConfiguration={"LocationConstraint": s3.REGION},
    )
    yield server
    server.stop()
    mp.undo()


def s3_settings(server: s3.S3Server) -> dict[str, str]:
    """An app's configuration for the server's bucket, under a prefix of this test's own."""
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": s3.BUCKET,
        "S3_PREFIX": f"test-{uuid.uuid4().hex[:12]}/",
        "S3_ENDPOINT_URL": server.url,
        "S3_REGION": s3.REGION,
    }


@pytest.fixture(params=["local", "s3"])
def object_storage(request: pytest.FixtureRequest, app: Flask) -> str:
    """The test runs twice: with files on disk (the default) and with the S3 backend."""
    if request.param == "s3":
        app.config.update(s3_settings(request.getfixturevalue("s3_server")))
    return str(request.param)


def bucket_storage(server: s3.S3Server) -> S3Storage:
    """The server's bucket, under a prefix of this test's own."""
    settings = s3_settings(server)
    return S3Storage(
        settings["S3_BUCKET"],
        settings["S3_PREFIX"],
        settings["S3_ENDPOINT_URL"],
        settings["S3_REGION"],
    )


@pytest.fixture
def bucket(s3_server: s3.S3Server) -> S3Storage:
    """A storage area in the S3 server's bucket, empty."""
    return bucket_storage(s3_server)


@pytest.fixture(params=["local", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """One storage area of either backend, empty."""
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    return bucket_storage(request.getfixturevalue("s3_server"))
