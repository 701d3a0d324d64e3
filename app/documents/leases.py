"""The lock of one paper across machines that share a bucket (issue 14, ``STORAGE_BACKEND=s3``).

On one machine a paper's render is serialised by a file lock (app/documents/store.py); file
locks do not reach other machines. There the lock is a *lease*: an object
``.leases/<paper's key>`` created with a conditional put (``If-None-Match: *``), which the
server grants to one writer only. The holder renders, stores the paper and deletes the lease.
Another machine that finds the lease taken waits, looking every :data:`POLL_SECONDS` for the
paper to appear (then reads it) or the lease to go (then takes it). A holder that stopped
mid-render (killed, machine lost) leaves its lease behind: after :data:`WAIT_SECONDS` a waiter
renders without it (the paper's own conditional put still lets one version win), and
`flask documents prune` deletes leases older than :data:`STALE_SECONDS`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator

from app.core.storage import Entry, Storage

__all__ = ["LEASES", "held", "is_stale"]

LEASES = ".leases/"
POLL_SECONDS = 0.1
# Far longer than a render (under a second; a few under load), short enough that a citizen
# whose paper's renderer died is served.
WAIT_SECONDS = 20.0
STALE_SECONDS = 3600.0


@contextlib.contextmanager
def held(blobs: Storage, name: str, stored: Callable[[], bytes | None]) -> Iterator[bool]:
    """Hold the lease of ``name`` (True), or give up waiting (False) once ``stored()`` finds
    the paper or the holder has kept it :data:`WAIT_SECONDS`; the caller reads, then renders
    if still nothing is stored."""
    lease = LEASES + name
    holder = f"{socket.gethostname()} pid {os.getpid()} thread {threading.get_ident()}"
    deadline = time.monotonic() + WAIT_SECONDS
    while not blobs.put(lease, holder.encode(), if_absent=True):
        if stored() is not None or time.monotonic() >= deadline:
            yield False
            return
        time.sleep(POLL_SECONDS)
    try:
        yield True
    finally:
        blobs.delete(lease)


def is_stale(entry: Entry, now: float) -> bool:
    """A lease whose holder has surely stopped (prune deletes it)."""
    return entry.key.startswith(LEASES) and now - entry.last_used >= STALE_SECONDS
