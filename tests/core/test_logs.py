"""Logs as JSON (or text) with request ids: the request's line, the id from the caller or made,
the format chosen by LOG_FORMAT, and masking kept in every field of the JSON."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from app import create_app
from app.core import logs

PHONE = "0987654321"
CODE = "482913"
CCCD = "040190777001"


@contextmanager
def captured(log_format: str) -> Iterator[io.StringIO]:
    """What the root logger's handler in ``log_format`` writes, while the block runs."""
    stream = io.StringIO()
    handler = logs.make_handler(log_format, stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def request_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in json_lines(stream) if line["logger"] == "motcua.request"]


def test_a_request_writes_one_json_line_with_its_fields(client) -> None:
    with captured("json") as stream:
        response = client.get("/thu-tuc?q=khai+sinh")
    assert response.status_code == 200
    (line,) = request_lines(stream)
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/thu-tuc"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert line["message"].startswith("GET /thu-tuc 200 ")
    # One object a line: nothing else was written for this request.
    assert len(stream.getvalue().splitlines()) == len(json_lines(stream))


def test_a_sane_request_id_is_kept_and_echoed(client) -> None:
    with captured("json") as stream:
        response = client.get("/tra-cuu", headers={"X-Request-ID": "nginx-5f2b.7c1e_a9d0"})
    assert response.headers["X-Request-ID"] == "nginx-5f2b.7c1e_a9d0"
    (line,) = request_lines(stream)
    assert line["request_id"] == "nginx-5f2b.7c1e_a9d0"


@pytest.mark.parametrize(
    "sent",
    [
        "short",  # under 8 characters
        "x" * 129,  # over 128
        "abc def ghi",  # a space
        "trace;id=1&x",  # separators
        '"}{"level": "CRITICAL',  # JSON breaking out
        "café-2026-12-07",  # letters beyond ASCII
    ],
)
def test_an_insane_request_id_is_replaced(client, sent: str) -> None:
    response = client.get("/", headers={"X-Request-ID": sent})
    given = response.headers["X-Request-ID"]
    assert given != sent
    assert re.fullmatch(r"[0-9a-f]{32}", given)


def test_every_line_of_a_request_carries_its_id(app) -> None:
    context = app.test_request_context("/tra-cuu", headers={"X-Request-ID": "trace-0001-abcd"})
    with captured("json") as stream, context:
        app.preprocess_request()  # the request's start, as for a real one
        logging.getLogger("app.dossiers.receipt").warning("Biên nhận: vẽ lại lần 2")
        response = app.process_response(app.make_response("ok"))
    lines = json_lines(stream)
    assert [line["logger"] for line in lines] == ["app.dossiers.receipt", "motcua.request"]
    assert {line["request_id"] for line in lines} == {"trace-0001-abcd"}
    assert lines[0]["message"] == "Biên nhận: vẽ lại lần 2"  # UTF-8 kept, not \\u escapes
    assert response.headers["X-Request-ID"] == "trace-0001-abcd"


def test_a_line_outside_a_request_has_no_request_id(app) -> None:
    with captured("json") as stream:
        logging.getLogger("motcua.notifications.worker").info("3 sent, 0 failed")
    (line,) = json_lines(stream)
    assert "request_id" not in line
    assert line["message"] == "3 sent, 0 failed"


def test_masked_values_stay_masked_in_json(app, client) -> None:
    with captured("json") as stream:
        logging.getLogger("motcua.notifications").info(
            "Mã xác thực %s gửi tới %s", CODE, PHONE, extra={"recipient": PHONE, "cccd": CCCD}
        )
        try:
            raise ValueError(f"password={CODE}99 for {PHONE}")
        except ValueError:
            logging.getLogger("app").exception("Lỗi khi đăng nhập %s", PHONE)
        client.get(f"/tra-cuu/{PHONE}")  # a phone typed where a code goes: in the path
    text = stream.getvalue()
    for secret in (PHONE, CODE, CCCD):
        assert secret not in text, secret
    first, second, request = json_lines(stream)
    assert first["message"] == "Mã xác thực •••••• gửi tới 0••••••321"
    assert first["recipient"] == "0••••••321"
    assert first["cccd"] == "••••••••7001"
    assert "ValueError: password=••••••" in second["exc_info"]
    assert request["path"] == "/tra-cuu/0••••••321"


def test_the_text_format_carries_the_request_id(client) -> None:
    with captured("text") as stream:
        response = client.get("/", headers={"X-Request-ID": "trace-0002-abcd"})
    (line,) = [ln for ln in stream.getvalue().splitlines() if "motcua.request" in ln]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO motcua.request \[trace-0002-abcd\] "
        r"GET / 200 \d+\.\d ms",
        line,
    )
    assert response.status_code == 200


def test_the_request_line_masks_the_path_and_not_the_status(client) -> None:
    """The path is masked on its own: the status after a path ending in digits is not taken
    for the rest of a number (the line read "/thu-tuc/1.•••••• ••0" before)."""
    with captured("text") as stream:
        client.get(f"/tra-cuu/{PHONE}")
        client.get("/thu-tuc/1.000656")
    lines = [ln for ln in stream.getvalue().splitlines() if "motcua.request" in ln]
    assert PHONE not in stream.getvalue()
    assert re.search(r"\] GET /tra-cuu/0••••••321 404 \d+\.\d ms$", lines[0])
    assert re.search(r"\] GET /thu-tuc/1\.000656 (200|404) \d+\.\d ms$", lines[1])


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"APP_ENV": "production"}, "json"),
        ({"APP_ENV": "development"}, "text"),
        ({"APP_ENV": "production", "LOG_FORMAT": "text"}, "text"),
        ({"APP_ENV": "development", "LOG_FORMAT": "json"}, "json"),
    ],
)
def test_the_format_follows_log_format_else_the_environment(config, expected) -> None:
    assert logs.log_format(config) == expected


def our_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, "motcua", False)]


def test_the_app_installs_one_handler_of_its_format(tmp_path) -> None:
    """Outside tests (TESTING off) the app puts one handler on the root logger, of its format;
    a second app replaces it. Under tests it puts none: pytest reads the records."""
    base = {"UPLOAD_DIR": tmp_path / "uploads", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    try:
        create_app({**base, "LOG_FORMAT": "json"})
        (handler,) = our_handlers()
        assert isinstance(handler.formatter, logs.MaskedJsonFormatter)
        create_app({**base, "LOG_FORMAT": "text"})
        (handler,) = our_handlers()
        assert handler.formatter._fmt == logs.TEXT_FORMAT  # type: ignore[union-attr]
        logs.unconfigure()
        create_app({**base, "TESTING": True, "LOG_FORMAT": "json"})
        assert our_handlers() == []
    finally:
        logs.unconfigure()


def test_an_unknown_log_format_stops_the_start() -> None:
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        create_app({"TESTING": True, "LOG_FORMAT": "xml"})


def test_an_unusual_method_is_logged_as_other(client) -> None:
    with captured("json") as stream:
        response = client.open("/tra-cuu", method="PROPFIND")
    assert response.status_code == 405
    (line,) = request_lines(stream)
    assert line["method"] == "OTHER"
    assert line["message"].startswith("OTHER /tra-cuu 405 ")
