"""Every page reached by GET without path arguments, asked as each kind of person with the query
values people and scripts send: days out of the calendar (year 1, year 9999), months that do not
exist, page numbers past any integer, kinds that are not kinds, control characters, long
Vietnamese text. A page may refuse (4xx), fall back or say what it changed; never a 500.

The URL map is walked, not listed: a page added tomorrow is asked here too. (A period filter
reading year 1 once stepped out of Python's calendar on /thong-ke, a 500.)
"""

from __future__ import annotations

import pytest
from flask import Flask
from helpers import login
from sqlalchemy import select

from app.catalogue.models import Unit
from app.core.roles import Role
from app.extensions import db

ODD_QUERIES = [
    {
        **dict.fromkeys(("ngay", "tu", "date", "first", "from", "day"), "0001-01-01"),
        **dict.fromkeys(("den", "last", "to"), "9999-12-31"),
        "thang": "0001-01",
        "month": "0001-01",
        "ky": "nam",
        "kind": "year",
    },
    {
        **dict.fromkeys(("ngay", "tu", "date", "first", "from", "day"), "99999-12-31"),
        **dict.fromkeys(("den", "last", "to"), "0000-00-00"),
        "thang": "2026-13",
        "month": "9999-12",
        "ky": "tuy-chon",
        "kind": "custom",
    },
    {
        **dict.fromkeys(("trang", "page", "don-vi", "unit", "id", "limit"), "9" * 40),
        **dict.fromkeys(("q", "tim", "ma", "code"), "Nguyễn Thị Hoa " * 200 + "\x00<b>'\""),
        "ky": "\x00",
        "kind": "<script>",
        "ngay": "-1",
        "sort": "../../etc/passwd",
    },
]
# Pages that end the session (asked last would hide nothing; asked first would sign out).
SKIPPED = ("/dang-xuat",)


def _pages(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods  # type: ignore[operator]
        and not rule.arguments
        and rule.endpoint != "static"
        and not rule.rule.startswith(SKIPPED)
    )


@pytest.mark.parametrize(
    "role", [None, Role.CITIZEN, Role.OFFICER, Role.ADMIN, Role.COMMUNITY, Role.POSTAL]
)
def test_no_page_answers_odd_queries_with_a_500(app, make_user, role) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if role is not None:
        unit = db.session.scalar(select(Unit).filter_by(kind="commune_centre").limit(1))
        units = [unit] if role in (Role.OFFICER, Role.COMMUNITY, Role.POSTAL) else []
        login(client, make_user(role=role, units=units))
    failures = []
    for path in _pages(app):
        for number, query in enumerate(ODD_QUERIES):
            try:  # the tests' app raises what a served one would answer with a 500
                status = client.get(path, query_string=query).status_code
            except Exception as error:  # noqa: BLE001 - every failure is listed, not the first
                status = f"{type(error).__name__}: {str(error)[:120]}"
            if not isinstance(status, int) or status >= 500:
                failures.append((path, f"query {number}", status))
    assert not failures, failures
