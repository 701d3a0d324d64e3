"""Logs on stderr, one line per record, each request's lines tied together by a request id.

``LOG_FORMAT=json`` (production's default) writes one JSON object a line (python-json-logger):
``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and, within a request,
``request_id``; the line written at the end of each request adds ``method``, ``path``,
``status`` and ``duration_ms``. ``LOG_FORMAT=text`` (development's default) writes the same in
a line for people. Under tests (``TESTING``) the app puts no handler: pytest reads the records.

The request id is the incoming ``X-Request-ID`` when it looks like one (8 to 128 letters,
digits, ``.``, ``_``, ``-``: what nginx's ``$request_id`` and most tracers send), otherwise a
new random one; it goes back in the response's ``X-Request-ID``.

Masking (app/core/logmask.py) happens when a record of our loggers is made; the JSON formatter
also masks every other string field (extras, the traceback, other libraries' messages), since
they are not part of the masked message.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import Any

from flask import Flask, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from werkzeug.wrappers import Response

from app.core import clock, logmask

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
_ID_KEY = "motcua.request_id"
_STARTED_KEY = "motcua.started"
# Fields that are ours and never carry personal data: not masked again.
_UNMASKED = frozenset({"time", "level", "logger", "request_id", "method", "status", "duration_ms"})
# HTTP methods logged as they are; any other is logged as "OTHER" (a method is the client's text).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Libraries that say at INFO what they do step by step: their warnings only.
# Never below WARNING: botocore's debug lines carry signed request headers (app/core/storage.py).
CHATTY = ("weasyprint", "fontTools", "botocore", "boto3", "s3transfer", "urllib3")
request_log = logging.getLogger("motcua.request")


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is sane, otherwise a new one."""
    if header and _SANE_ID.fullmatch(header):
        return header
    return os.urandom(16).hex()  # as random as uuid4().hex, the same 32 hex digits


def current_request_id() -> str:
    """This request's id ("" outside a request, or before the request started)."""
    return request.environ.get(_ID_KEY, "") if has_request_context() else ""


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record passing the handler (the text format needs it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id() or "-"
        return True


class MaskedJsonFormatter(JsonFormatter):
    """One JSON object a line; string fields other than ours masked (see module docstring)."""

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            json_ensure_ascii=False,
        )

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        if log_data.get("request_id") == "-":
            del log_data["request_id"]
        # Masked already: the message of our loggers (as the record was made), and the fields
        # the caller names in ``masked_fields`` (the request line's path). Masking costs tens
        # of microseconds a field; the request line is written for every request.
        done = {*_UNMASKED, *log_data.pop("masked_fields", ())}
        if logmask.applies_to(str(log_data.get("logger", ""))):
            done.add("message")
        for key, value in log_data.items():
            if isinstance(value, str) and key not in done:
                log_data[key] = logmask.mask(value)
        return log_data


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the ``sys.stderr`` of the moment (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def make_handler(log_format: str, stream: Any = None) -> logging.Handler:
    handler = StderrHandler() if stream is None else logging.StreamHandler(stream)
    if log_format == "json":
        handler.setFormatter(MaskedJsonFormatter())
    elif log_format == "text":
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    else:
        raise RuntimeError(f"LOG_FORMAT must be json or text, not {log_format!r}.")
    handler.addFilter(RequestIdFilter())
    handler.motcua = True  # type: ignore[attr-defined]
    return handler


def unconfigure() -> None:
    """Take our handler off the root logger."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "motcua", False)]:
        root.removeHandler(old)


def configure(log_format: str, level: str) -> None:
    """Our one handler on the root logger (replacing the one an earlier app put there)."""
    unconfigure()
    root = logging.getLogger()
    root.addHandler(make_handler(log_format))
    root.setLevel(level.upper())
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def log_format(config: Any) -> str:
    """``LOG_FORMAT``, or when unset json in production and text elsewhere."""
    chosen = config.get("LOG_FORMAT") or (
        "json" if config.get("APP_ENV") == "production" else "text"
    )
    if chosen not in ("json", "text"):
        raise RuntimeError(f"LOG_FORMAT must be json or text, not {chosen!r}.")
    return str(chosen)


def init_app(app: Flask) -> None:
    log_format(app.config)  # an unknown LOG_FORMAT stops the start, tests included
    if not app.testing:  # tests read the records themselves (caplog), one process many apps
        configure(log_format(app.config), app.config["LOG_LEVEL"])

    @app.before_request
    def start() -> None:
        request.environ[_ID_KEY] = request_id_from(request.headers.get(HEADER))
        request.environ[_STARTED_KEY] = clock.monotonic()

    @app.after_request
    def log_request(response: Response) -> Response:
        started = request.environ.get(_STARTED_KEY)
        if started is None:  # a request that failed before ours started
            return response
        request_id = request.environ.get(_ID_KEY, "")
        response.headers[HEADER] = request_id
        if request_log.isEnabledFor(logging.INFO):
            duration_ms = round((clock.monotonic() - started) * 1000, 1)
            method = request.method if request.method in METHODS else "OTHER"
            request_log.handle(
                request_record(
                    method,
                    logmask.mask(request.path),
                    response.status_code,
                    duration_ms,
                    request_id,
                )
            )
        return response


def request_record(
    method: str, path: str, status: int, duration_ms: float, request_id: str
) -> logging.LogRecord:
    """The request's line, made here rather than by ``request_log.info()``: every part is ours
    or masked already (the path), so the record factory's masking (app/core/logmask.py) would
    only mask the path a second time (the dearest part of the line, with a code in the path),
    and the logger would walk the stack for the caller's file and line. Written for every
    request, this saved ~0.1 ms of CPU each."""
    record = logging.LogRecord(
        request_log.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s %.1f ms",
        (method, path, status, duration_ms),
        None,
        "log_request",
    )
    record.__dict__.update(
        request_id=request_id,
        method=method,
        path=path,
        status=status,
        duration_ms=duration_ms,
        masked_fields=("path",),
    )
    return record
