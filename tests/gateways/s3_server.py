"""A local S3-compatible server for the storage tests: moto's standalone server (``moto[server]``),
started as a separate process on a free port, spoken to over HTTP by boto3 as the app speaks to
AWS S3 or MinIO in production (MinIO itself ships as a Go binary that none of the package
registries this project installs from carries).

The server keeps everything in its memory and accepts any credentials; the tests give boto3 a
key pair of their own (``ACCESS_KEY``/``SECRET_KEY``) through the environment, as production
does. One bucket serves the whole session; every test works under a prefix of its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

BUCKET = "motcua-test"
REGION = "ap-southeast-1"
ACCESS_KEY = "motcua-test-access-key"
SECRET_KEY = "motcua-test-SECRET-never-in-a-log-8c41f2"
_START_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class S3Server:
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    # The server writes a line per request: to a file, never a pipe nobody empties.
    log: tempfile._TemporaryFileWrapper[bytes] = field(
        default_factory=lambda: tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log")  # noqa: SIM115
    )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Server:
        """Start the server and wait until it answers; RuntimeError if it cannot start."""
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
        deadline = time.monotonic() + _START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                said = open(self.log.name, "rb").read()[-500:].decode(errors="replace")  # noqa: SIM115
                raise RuntimeError(f"moto_server exited ({self.process.returncode}): {said}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"moto_server did not answer on {self.url} within {_START_SECONDS:.0f} s"
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
