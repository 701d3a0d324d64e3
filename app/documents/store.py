"""Rendered PDFs kept on disk: each printed paper is rendered once per state (issue 14).

A paper's *version* is a hash of everything that decides its bytes: the HTML its template
produced from the document's data (cheap: a Jinja render), the layout mode, and the renderer's
fingerprint (WeasyPrint's and pydyf's versions and the source of the documents layer). Any
change to what is printed gives a new version, hence a new file; an unchanged paper is a file
read. The version doubles as the response's strong ETag.

Files live under one directory (``PDF_CACHE_DIR``, by default ``instance/pdf-cache``), as
``<root>/<v[:2]>/<v>.pdf``, written to a temporary file and renamed into place, so a reader
never sees half a PDF. A render holds an exclusive ``flock`` on one of 256 lock files
(``<root>/.locks/<v[:2]>.lock``): a second request for the same paper, from any thread or
gunicorn process, waits for it and then reads the file instead of rendering again. The lock
files are never deleted (deleting a lock file races with a process about to lock it), and 256
of them bound their number; two different papers on one stripe merely take turns.

Nothing here imports Flask or WeasyPrint: :func:`document_key` is pure, :class:`PdfStore` is
plain file handling, and :func:`render_and_store` is the single place a PDF gets rendered
(count it, time it, wrap it with a metric).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = [
    "PdfStore",
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
        store.write(key, data)
    return data


class PdfStore:
    """The directory of stored papers. ``root`` is created on first write."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if len(key) != _KEY_HEX or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"Not a document key: {key!r}")
        return self.root / key[:_STRIPES_HEX] / f"{key}.pdf"

    def read(self, key: str) -> bytes | None:
        """The stored bytes of ``key``, or None (missing, or not a whole PDF)."""
        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError:
            return None
        # A file damaged on disk is rendered again rather than served.
        if not data.startswith(_PDF_HEAD) or _PDF_TAIL not in data[-32:]:
            return None
        return data

    def write(self, key: str, data: bytes) -> Path:
        """Write ``data`` under ``key`` atomically: a temporary file in the same directory,
        flushed to disk, then renamed over the final name."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pdf")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o640)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return target

    @contextlib.contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """Hold the exclusive lock of ``key``'s stripe: across threads (one open file
        description each) and across processes."""
        locks = self.root / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"{key[:_STRIPES_HEX]}.lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
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
        (real seconds since 1970, as file times are), by access time where the file system
        keeps it, else modification time, and stray temporary files. Returns (files removed,
        bytes freed). Lock files stay."""
        removed = freed = 0
        if not self.root.is_dir():
            return 0, 0
        for path in self.root.glob("??/*.pdf"):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if now - max(stat.st_atime, stat.st_mtime) >= older_than_seconds:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
                    freed += stat.st_size
        return removed, freed
