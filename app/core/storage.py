"""Where the app keeps files: citizens' uploads and stored papers (issue 14).

One small interface, :class:`Storage`, with two backends chosen by ``STORAGE_BACKEND``:

* ``local`` (the default): files under a directory, ``UPLOAD_DIR`` for uploads and
  ``PDF_CACHE_DIR`` for papers, at the same paths as ever. A write goes to a temporary file in
  the same directory, flushed, then renamed into place: a reader never sees half a file.
* ``s3``: objects of one bucket of any S3-compatible server (AWS S3, MinIO, Ceph, a cloud
  provider's object storage), under ``S3_PREFIX`` + ``uploads/`` or ``pdf-cache/``. The client
  is boto3's: ``S3_ENDPOINT_URL`` (empty: AWS), ``S3_REGION``, and credentials from boto3's
  usual chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, an instance role);
  the app never reads nor logs them (app/core/logs.py keeps botocore at WARNING: its debug
  lines carry signed headers). An object appears whole or not at all (S3's PUT is atomic).

Keys are relative names with ``/`` separators (``123/ab…-1f2e.jpg``, ``3f/3f…e1.pdf``); one
that could leave its area (``..``, a leading ``/``, a backslash) is refused. Nothing here
imports Flask except :func:`for_app`, which picks the app's storage for an area.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from werkzeug.exceptions import ServiceUnavailable

__all__ = [
    "Entry",
    "LocalStorage",
    "Opened",
    "S3Storage",
    "Storage",
    "StorageUnavailable",
    "for_app",
    "from_config",
]

log = logging.getLogger("motcua.storage")

AREAS = {"uploads": "UPLOAD_DIR", "pdf-cache": "PDF_CACHE_DIR"}
BACKENDS = ("local", "s3")
# A conditional put refused: 412 the object exists; 409 another write of it is under way.
_TAKEN = ("PreconditionFailed", "ConditionalRequestConflict")


@dataclass(frozen=True)
class Entry:
    """A stored file: its key, size, and when it was last read or written (seconds since 1970;
    S3 keeps no read time, so there it is when it was written)."""

    key: str
    size: int
    last_used: float


@dataclass
class Opened:
    """A stored file opened for streaming: ``stream`` must be closed (the response does)."""

    stream: BinaryIO
    size: int
    last_modified: float


class Storage(Protocol):
    """What the app does with files. ``shared`` is true when other machines see the same files
    (S3): a lock must then reach past this machine (app/documents/store.py)."""

    shared: bool

    def put(self, key: str, data: bytes, *, if_absent: bool = False) -> bool:
        """Store ``data`` under ``key``. With ``if_absent``, only if nothing is there yet:
        False when something was (it is left as it was)."""

    def get(self, key: str) -> bytes | None:
        """The whole file, or None when there is none."""

    def open(self, key: str) -> Opened | None:
        """The file for streaming, or None when there is none."""

    def delete(self, key: str) -> None:
        """Remove ``key``; nothing happens when it is not there."""

    def entries(self, prefix: str = "") -> Iterator[Entry]:
        """Every file whose key starts with ``prefix`` (a folder, ending in ``/``, or "")."""


class StorageUnavailable(ServiceUnavailable):
    """The storage server could not be reached or refused us: the request answers 503 ("try
    again in a few minutes"), its transaction is rolled back (no row without its file)."""


def check_key(key: str) -> str:
    """``key`` if it names a file inside its area, else ValueError."""
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or "\x00" in key or ".." in parts:
        raise ValueError(f"Not a storage key: {key!r}")
    if any(part in ("", ".") for part in parts):
        raise ValueError(f"Not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under ``root`` (created on first write). A key's file is ``root/key``."""

    shared = False

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, *, if_absent: bool = False) -> bool:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o640)
            if not if_absent:
                os.replace(temporary, target)
                return True
            try:
                os.link(temporary, target)  # fails when the name exists: first writer wins
            except FileExistsError:
                return False
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def open(self, key: str) -> Opened | None:
        try:
            handle = self.path(key).open("rb")
        except FileNotFoundError:
            return None
        stat = os.fstat(handle.fileno())
        return Opened(handle, stat.st_size, stat.st_mtime)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def entries(self, prefix: str = "") -> Iterator[Entry]:
        # Walked folder by folder, each in name order: millions of files are never held at once.
        for folder, subfolders, names in os.walk(self.root / prefix if prefix else self.root):
            subfolders.sort()
            for name in sorted(names):
                path = Path(folder, name)
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                key = path.relative_to(self.root).as_posix()
                yield Entry(key, stat.st_size, max(stat.st_atime, stat.st_mtime))


class S3Storage:
    """Objects of ``bucket`` under ``prefix`` on an S3-compatible server. The boto3 client is
    made on first use, once per process (a forked worker makes its own)."""

    shared = True

    def __init__(
        self, bucket: str, prefix: str = "", endpoint_url: str = "", region: str = ""
    ) -> None:
        if not bucket:
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint_url = endpoint_url or None
        self.region = region or None
        self._client: Any = None
        self._client_pid = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never the credentials: boto3 holds them, not this object
        where = self.endpoint_url or "AWS"
        return f"S3Storage(s3://{self.bucket}/{self.prefix} at {where})"

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None or self._client_pid != os.getpid():
                import boto3  # imported on first use: a local installation never pays for it
                from botocore.config import Config as BotoConfig

                options = BotoConfig(
                    connect_timeout=5,
                    read_timeout=30,
                    retries={"mode": "standard", "max_attempts": 3},
                    # MinIO and most other servers answer path-style URLs out of the box.
                    s3={"addressing_style": "path" if self.endpoint_url else "auto"},
                    # Checksums only where S3 requires them: servers other than AWS (older
                    # MinIO, Ceph) refuse the newer default trailing checksums.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                )
                self._client = boto3.session.Session().client(
                    "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=options
                )
                self._client_pid = os.getpid()
            return self._client

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, *, if_absent: bool = False) -> bool:
        extra = {"IfNoneMatch": "*"} if if_absent else {}
        name = self._name(key)  # a bad key is the caller's error, not an unavailable bucket
        try:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data, **extra)
        except Exception as error:
            if if_absent and _error_code(error) in _TAKEN:
                return False
            raise _unavailable(error, "put") from error
        return True

    def get(self, key: str) -> bytes | None:
        opened = self.open(key)
        if opened is None:
            return None
        with contextlib.closing(opened.stream):
            return opened.stream.read()

    def open(self, key: str) -> Opened | None:
        name = self._name(key)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except Exception as error:
            if _error_code(error) in ("NoSuchKey", "404"):
                return None
            raise _unavailable(error, "get") from error
        modified = answer["LastModified"].timestamp()
        return Opened(answer["Body"], int(answer["ContentLength"]), modified)

    def delete(self, key: str) -> None:
        name = self._name(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)
        except Exception as error:
            raise _unavailable(error, "delete") from error

    def entries(self, prefix: str = "") -> Iterator[Entry]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"][len(self.prefix) :]
                    yield Entry(key, int(item["Size"]), item["LastModified"].timestamp())
        except Exception as error:
            raise _unavailable(error, "list") from error


def _unavailable(error: Exception, action: str) -> StorageUnavailable:
    """What the caller raises for ``error``, logged by kind only (never a request's headers)."""
    code = _error_code(error)
    log.warning(
        "storage: S3 %s failed (%s%s)", action, type(error).__name__, f" {code}" if code else ""
    )
    return StorageUnavailable()


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


# --- the app's storage -------------------------------------------------------------------------

_made: dict[tuple[Any, ...], Storage] = {}
_made_lock = threading.Lock()


def from_config(config: Mapping[str, Any], area: str) -> Storage:
    """The storage of ``area`` ("uploads" or "pdf-cache") for this configuration, one object
    per process and configuration (the S3 client and its connections are reused)."""
    backend = config.get("STORAGE_BACKEND") or "local"
    if backend == "local":
        return LocalStorage(config[AREAS[area]])
    if backend != "s3":
        raise ValueError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    prefix = config.get("S3_PREFIX") or ""
    settings = (
        config.get("S3_BUCKET") or "",
        f"{prefix.strip('/')}/{area}/".lstrip("/"),
        config.get("S3_ENDPOINT_URL") or "",
        config.get("S3_REGION") or "",
    )
    with _made_lock:
        if settings not in _made:
            _made[settings] = S3Storage(*settings)
        return _made[settings]


def for_app(area: str) -> Storage:
    """The running app's storage of ``area``."""
    from flask import current_app

    return from_config(current_app.config, area)
