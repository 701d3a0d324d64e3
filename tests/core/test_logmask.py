"""Logs never carry a one-time code, a password, an ID number or a whole phone number: the
rules alone, then real records of a real server (werkzeug's request lines) and of the app."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from helpers import MAI_PASSWORD, MAI_REGISTRATION, SentCodes
from helpers import PASSWORD as STAFF_PASSWORD
from sqlalchemy import delete
from werkzeug.serving import make_server

from app.accounts.models import OneTimeCode
from app.core import clock
from app.core.logmask import applies_to, mask, mask_record
from app.core.roles import Role
from app.extensions import db
from app.notifications.models import Notification

PHONE = "0987654321"
ID_NUMBER = "040190777001"
PASSWORD = MAI_PASSWORD
REGISTRATION = MAI_REGISTRATION


# --- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logged", "written"),
    [
        (
            '"GET /dang-nhap?phone=0987654321&password=Bi-mat%40Xuan HTTP/1.1" 200 -',
            '"GET /dang-nhap?phone=0••••••321&password=•••••• HTTP/1.1" 200 -',
        ),
        (
            "mat_khau=Xuan2026 matKhau: abc mat-khau=x",
            "mat_khau=•••••• matKhau: •••••• mat-khau=••••••",
        ),
        (
            '{"new_password": "Xuân@2026!", "token": "a1b2"}',
            '{"new_password": "••••••", "token": "••••••"}',
        ),
        ("/dang-ky/ma?code=246810&ma=135790", "/dang-ky/ma?code=••••••&ma=••••••"),
        (
            "Ma dang ky tai khoan Mot Cua: 246810. Khong dua",
            "Ma dang ky tai khoan Mot Cua: ••••••. Khong dua",
        ),
        ("CCCD 040190777001, CMND 186123456", "CCCD ••••••••7001, CMND •••••3456"),
        (
            "q=040+190+777+001 and 040%20190%20777%20001",
            "q=•••+•••+•••+001 and •••%20•••%20•••%20001",
        ),
        (
            "tel +84987654321 %2B84987654321 84987654321",
            "tel +84••••••321 %2B84••••••321 84••••••321",
        ),
        ("q=0987+654+321 or 0987 654 321", "q=••••+•••+321 or •••• ••• 321"),
    ],
)
def test_secrets_are_masked(logged: str, written: str) -> None:
    assert mask(logged) == written


@pytest.mark.parametrize(
    "kept",
    [
        "Hồ sơ 000.12.34.H40-261123-0001 đã được tiếp nhận",  # a dossier code
        "bưu gửi EA000000015VN",  # an S10 item number
        '"GET /can-bo/ho-so/123456 HTTP/1.1" 200 -',  # an id in a path
        "SMS to 098***321 [accepted, 1 segment(s)]",  # already masked by the adapter
        "hẹn ngày 25/11/2026 lúc 09:00, 3 lần thử, 1.234567 giây",
        "login counts: 0 removed, secrets: 2 removed",
    ],
)
def test_what_is_no_secret_is_kept(kept: str) -> None:
    assert mask(kept) == kept


def test_a_record_is_rendered_masked_traceback_included() -> None:
    try:
        raise ValueError(f"duplicate key (phone)=({PHONE})")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "motcua.accounts",
            logging.ERROR,
            __file__,
            1,
            "code %s for %s",
            ("246810", PHONE),
            sys.exc_info(),
        )
    mask_record(record)
    assert record.getMessage() == "code •••••• for 0••••••321"
    assert PHONE not in record.exc_text and "0••••••321" in record.exc_text
    assert "Traceback" in record.exc_text
    assert logging.Formatter().format(record).count(PHONE) == 0


def test_only_the_apps_loggers_and_the_servers_are_masked() -> None:
    for name in ("motcua", "motcua.notifications", "app", "app.dossiers.receipt", "werkzeug"):
        assert applies_to(name), name
    for name in ("motcuaX", "application", "sqlalchemy.engine", "urllib3"):
        assert not applies_to(name), name


def test_the_app_masks_records_of_its_loggers_as_they_are_made(app, caplog) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("motcua.accounts").info("reset code %s sent to %s", "246810", PHONE)
    app.logger.warning("registration of %s, password=%s", ID_NUMBER, PASSWORD)
    logging.getLogger("tests.elsewhere").info("not ours: %s", PHONE)
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "reset code •••••• sent to 0••••••321",
        "registration of ••••••••7001, password=••••••",
        f"not ours: {PHONE}",
    ]


# --- real requests to a real server -------------------------------------------------------------


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SERVER_NAME": None}  # a real port on 127.0.0.1


@pytest.fixture(autouse=True)
def _no_codes(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 23, 9, 0))
    yield
    db.session.rollback()
    for table in (Notification, OneTimeCode):
        db.session.execute(delete(table))
    db.session.commit()


@contextmanager
def serving(app) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The app on a free local port (werkzeug's own server, which logs each request line), and
    a browser-like opener that keeps cookies and follows redirects."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    base = f"http://127.0.0.1:{server.server_port}"

    def fetch(path: str, data: dict[str, str] | None = None) -> int:
        body = urlencode(data).encode() if data is not None else None
        with opener.open(base + path, data=body, timeout=30) as response:
            return response.status

    try:
        yield fetch
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def request_lines(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    """werkzeug's request lines from the first quote on (the address and time before it),
    without the colours it gives redirects and errors."""
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    return [re.sub(r"\x1b\[[\d;]*m", "", line[line.index('"') :]) for line in lines if '"' in line]


def test_registering_leaves_no_secret_in_the_logs(app, caplog, monkeypatch) -> None:
    caplog.set_level(logging.INFO)
    sent = SentCodes(monkeypatch)
    with serving(app) as fetch:
        assert fetch("/dang-ky", REGISTRATION) == 200  # 303 followed to the code page
        code = sent.last(PHONE, "register")
        # A browser that sent the code form as a GET puts the code in the request line.
        fetch(f"/dang-ky/ma?code={code}&next=/thu-tuc")
        assert fetch("/dang-ky/ma", {"code": code}) == 200  # the account exists: /thu-tuc
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0 and "sent 1" in result.output

    lines = request_lines(caplog)
    assert '"POST /dang-ky HTTP/1.1" 303 -' in lines
    assert '"GET /dang-ky/ma?code=••••••&next=/thu-tuc HTTP/1.1" 200 -' in lines
    (sms,) = [r.getMessage() for r in caplog.records if r.name == "motcua.notifications"]
    assert sms.startswith("SMS to 098***321 [otp_register, 1 segment(s)]: Ma dang ky")
    assert "Mot Cua: ••••••." in sms
    everything = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    for secret in (code, PASSWORD, PHONE, ID_NUMBER, "0987 654 321", "040 190 777 001"):
        assert secret not in everything, secret


def test_query_strings_of_an_officers_search_are_masked(app, caplog, make_user) -> None:
    officer = make_user(role=Role.OFFICER)
    caplog.set_level(logging.INFO)
    with serving(app) as fetch:
        assert fetch("/dang-nhap", {"phone": officer.phone, "password": STAFF_PASSWORD}) == 200
        for typed in (ID_NUMBER, PHONE, "0987 654 321", "040 190 777 001"):
            assert fetch("/can-bo/hang-doi/moi?" + urlencode({"q": typed})) == 200
        # A password put in an address by mistake (a form without method="post").
        fetch("/dang-nhap?" + urlencode({"phone": PHONE, "password": PASSWORD}))
    lines = request_lines(caplog)
    searches = [line for line in lines if "/can-bo/hang-doi/moi?q=" in line]
    assert searches == [
        '"GET /can-bo/hang-doi/moi?q=••••••••7001 HTTP/1.1" 200 -',
        '"GET /can-bo/hang-doi/moi?q=0••••••321 HTTP/1.1" 200 -',
        '"GET /can-bo/hang-doi/moi?q=••••+•••+321 HTTP/1.1" 200 -',
        '"GET /can-bo/hang-doi/moi?q=•••+•••+•••+001 HTTP/1.1" 200 -',
    ]
    assert '"GET /dang-nhap?phone=0••••••321&password=•••••• HTTP/1.1" 200 -' in lines
    for secret in (ID_NUMBER, PHONE, PASSWORD, officer.phone):
        assert secret not in caplog.text, secret


def test_api_keys_and_bearer_credentials_are_masked() -> None:
    key = "sepay-khoa-3f9c2a71d8b64e05"
    for line in (
        f"Authorization: Apikey {key}",
        f"headers={{'Authorization': 'Apikey {key}'}}",
        f"PAYMENT_SEPAY_API_KEY={key}",
        f"apikey: {key}",
        f"Bearer {key}",
    ):
        masked = mask(line)
        assert key not in masked, masked
        assert "••••••" in masked
