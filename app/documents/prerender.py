"""Rendering a paper off the request, once its content is fixed (issue 14).

When a request fixes what a paper prints (a submitted dossier's Mẫu 01), :func:`after_commit`
queues its rendering on a small thread pool of this process, to start once the response has
been sent, hence after the request's transaction committed (app/core/transaction.py commits
in an after-request hook, before the response goes out). The citizen's download that follows
is then a file read; if it arrives while the render is still running, it waits on the
paper's lock (app/documents/store.py) and reads the file: never two renders of one paper.

The job runs in a copy of the request's context (same host, so the printed look-up URL is
the one the download will print) with its own database session, and a failure is only
logged: the download renders on demand as before. ``PDF_PRERENDER_WORKERS`` threads (default
1; 0 switches pre-rendering off), created lazily in each process (after gunicorn forks).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from flask import after_this_request, copy_current_request_context, current_app, has_request_context
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

__all__ = ["after_commit", "wait"]

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_pending: set[Future[None]] = set()


def _executor(workers: int) -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():  # a forked worker starts its own
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pdf-prerender")
            _pool_pid = os.getpid()
        return _pool


def _run(job: Callable[[], object]) -> None:
    try:
        job()
    except Exception:  # the download renders on demand; nothing is lost
        log.exception("pre-rendering a paper failed")


def after_commit(job: Callable[[], object]) -> bool:
    """Run ``job`` on the pool once this request's response has gone out successfully.
    Returns False (and does nothing) outside a request, when pre-rendering is off, or when
    papers are not stored (a render would be thrown away)."""
    workers = int(current_app.config.get("PDF_PRERENDER_WORKERS", 0) or 0)
    if not has_request_context() or workers <= 0 or not current_app.config.get("PDF_CACHE_DIR"):
        return False
    in_context = copy_current_request_context(job)

    @after_this_request
    def queue_when_sent(response: Response) -> Response:
        if response.status_code < 400:
            response.call_on_close(lambda: _queue(workers, in_context))
        return response

    return True


def _queue(workers: int, job: Callable[[], object]) -> None:
    future = _executor(workers).submit(_run, job)
    with _lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future[None]) -> None:
    with _lock:
        _pending.discard(future)


def wait(timeout: float | None = None) -> None:
    """Wait for the queued jobs of this process (tests, `flask` commands, shutdown)."""
    with _lock:
        pending = list(_pending)
    for future in pending:
        future.result(timeout=timeout)
