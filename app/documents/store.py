"""Rendered PDFs kept on disk: each printed paper is rendered once per state (issue 14).

A paper's *version* is a hash of everything that decides its bytes: the HTML its template
produced from the document's data (cheap: a Jinja render), the layout mode, and the renderer's
fingerprint (WeasyPrint's and pydyf's versions and the source of the documents layer). Any
change to what is printed gives a new version, hence a new file; an unchanged paper is a file
read. The version doubles as the response's strong ETag.

Papers are kept in the app's storage (app/core/storage.py) as ``<v[:2]>/<v>.pdf``: by default
files under ``PDF_CACHE_DIR`` (``instance/pdf-cache``), written to a temporary file and renamed
into place, so a reader never sees half a PDF; with ``STORAGE_BACKEND=s3``, objects under
``S3_PREFIX`` + ``pdf-cache/``. A render holds an exclusive ``flock`` on one of 256 lock files
(``<PDF_CACHE_DIR>/.locks/<v[:2]>.lock``, local files with either backend): a second request
for the same paper, from any thread or gunicorn process, waits for it and then reads the paper
instead of rendering again. The lock files are never deleted (deleting a lock file races with a
process about to lock it), and 256 of them bound their number; two different papers on one
stripe merely take turns. With S3 other machines may share the bucket: the render also holds a
lease object (app/documents/leases.py) and the paper is written with a conditional put, the
first version stored wins.

Nothing here imports Flask or WeasyPrint: :func:`document_key` is pure, :class:`PdfStore` is
plain storage handling, and :func:`render_and_store` is the single place a PDF gets rendered
(count it, time it, wrap it with a metric).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from app.core import storage
from app.core.storage import LocalStorage, Storage
from app.documents import leases

__all__ = [
    "PdfStore",
    "from_config",
    "StoredPdf",
    "document_key",
    "render_and_store",
    "render_count",
]

# Bump to retire every stored file at once (e.g. after a change outside app/documents that
# alters how papers look, such as a system font upgrade). `flask documents prune` removes them.
KEY_SCHEME = "1"
_KEY_HEX = 32  # 128 bits of SHA-256: an ETag, and a file name
_STRIPES_HEX = 2  # 256 lock files
_PDF_HEAD = b"%PDF-"
_PDF_TAIL = b"%%EOF"
# What prune may remove besides leases: papers, and temporary files a stopped write left.
_STORED = re.compile(r"[0-9a-f]{2}/(?:[0-9a-f]{32}|\.tmp-[^/]*)\.pdf")


def document_key(*parts: str | bytes) -> str:
    """The version of a paper: a hex digest of ``parts`` (each length-prefixed, so
    ``("ab", "c")`` and ``("a", "bc")`` differ).

    >>> document_key("fitting", "<p>a</p>") == document_key("fitting", "<p>a</p>")
    True
    >>> document_key("ab", "c") == document_key("a", "bc")
    False
    >>> len(document_key("x"))
    32
    """
    digest = hashlib.sha256(KEY_SCHEME.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()[:_KEY_HEX]


class StoredPdf(bytes):
    """PDF bytes that know their version (``version``, the ETag); still plain ``bytes``."""

    version: str

    def __new__(cls, data: bytes, version: str) -> StoredPdf:
        made = super().__new__(cls, data)
        made.version = version
        return made


# --- the one place a PDF is rendered ---------------------------------------------------------

_counter_lock = threading.Lock()
_renders = 0
_render_seconds = 0.0


def render_count() -> int:
    """PDFs rendered by this process so far (every layout, stored or not)."""
    return _renders


def render_seconds() -> float:
    """Time spent in :func:`render_and_store` rendering, by this process."""
    return _render_seconds


def render_and_store(store: PdfStore | None, key: str, render: Callable[[], bytes]) -> bytes:
    """Render a paper (``render()``) and, when there is a store, write it under ``key``.

    The single point where a PDF is rendered, whatever the paper: wrap it for metrics. Callers
    hold the key's lock (see :meth:`PdfStore.get_or_render`) when a store is given.
    """
    global _renders, _render_seconds
    start = time.perf_counter()
    data = render()
    elapsed = time.perf_counter() - start
    with _counter_lock:
        _renders += 1
        _render_seconds += elapsed
    if store is not None:
        data = store.write(key, data)
    return data


class PdfStore:
    """The stored papers: ``<v[:2]>/<v>.pdf`` in a :class:`~app.core.storage.Storage` (a
    directory, or a bucket), locked per paper by files in ``lock_dir``. ``where`` may be a
    directory: the local store of today, its locks in ``<where>/.locks``."""

    def __init__(
        self, where: Storage | str | os.PathLike[str], lock_dir: str | os.PathLike[str] = ""
    ) -> None:
        if isinstance(where, str | os.PathLike):
            where = LocalStorage(where)
            lock_dir = lock_dir or where.root / ".locks"
        if not lock_dir:
            raise ValueError("A PdfStore needs a directory for its lock files")
        self.blobs: Storage = where
        self.lock_dir = Path(lock_dir)

    @staticmethod
    def name(key: str) -> str:
        """The storage key of version ``key``."""
        if len(key) != _KEY_HEX or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"Not a document key: {key!r}")
        return f"{key[:_STRIPES_HEX]}/{key}.pdf"

    def path(self, key: str) -> Path:
        """The file of ``key`` in a local store."""
        if not isinstance(self.blobs, LocalStorage):
            raise TypeError(f"{self.blobs!r} keeps no local files")
        return self.blobs.path(self.name(key))

    def read(self, key: str) -> bytes | None:
        """The stored bytes of ``key``, or None (missing, or not a whole PDF)."""
        data = self.blobs.get(self.name(key))
        # A damaged file is rendered again rather than served.
        if data is None or not data.startswith(_PDF_HEAD) or _PDF_TAIL not in data[-32:]:
            return None
        return data

    def write(self, key: str, data: bytes) -> bytes:
        """Store ``data`` under ``key``; returns what is stored now. In a shared store (S3) the
        first write of a version wins (a conditional put, If-None-Match: *): a machine that
        rendered the same paper meanwhile serves the stored bytes, so one ETag is one file."""
        name = self.name(key)
        if not self.blobs.shared:
            self.blobs.put(name, data)
            return data
        if self.blobs.put(name, data, if_absent=True):
            return data
        stored = self.read(key)
        if stored is not None:
            return stored
        self.blobs.put(name, data)  # what was there is damaged
        return data

    @contextlib.contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """Hold the exclusive lock of ``key``'s stripe: across threads (one open file
        description each) and processes of this machine; in a shared store, also a lease
        object that other machines respect (:mod:`app.documents.leases`)."""
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        with open(self.lock_dir / f"{key[:_STRIPES_HEX]}.lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                if self.blobs.shared:
                    with leases.held(self.blobs, self.name(key), lambda: self.read(key)):
                        yield
                else:
                    yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> StoredPdf:
        """The stored paper ``key``, rendering and storing it first if it is not there yet.
        Never renders one key twice at the same time: a waiter reads what the first wrote."""
        data = self.read(key)
        if data is None:
            with self.locked(key):
                data = self.read(key)
                if data is None:
                    data = render_and_store(self, key, render)
        return StoredPdf(data, key)

    def prune(self, older_than_seconds: float, now: float) -> tuple[int, int]:
        """Delete stored papers not read nor written for ``older_than_seconds`` before ``now``
        (real seconds since 1970, as file times are; S3 keeps no read time, so there: not
        written), stray temporary files, and leases left by a machine that stopped mid-render.
        Returns (files removed, bytes freed). Lock files stay."""
        removed = freed = 0
        for entry in self.blobs.entries():
            if leases.is_stale(entry, now):
                self.blobs.delete(entry.key)
            elif _STORED.fullmatch(entry.key) and now - entry.last_used >= older_than_seconds:
                self.blobs.delete(entry.key)
                removed += 1
                freed += entry.size
        return removed, freed


def from_config(config: Mapping[str, Any]) -> PdfStore | None:
    """The configured store, or None when storing is switched off (``PDF_CACHE_DIR`` empty).
    With either backend the lock files are local, under ``PDF_CACHE_DIR/.locks``."""
    root = config.get("PDF_CACHE_DIR")
    if not root:
        return None
    return PdfStore(storage.from_config(config, "pdf-cache"), Path(root) / ".locks")
