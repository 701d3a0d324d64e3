"""Input at the edges (issue 11): ids beyond the database's INTEGER and days at the ends of the
calendar, in paths and query strings, on both backends; never a 5xx."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from helpers import demo_clients, demo_data, rule_url
from werkzeug.routing import IntegerConverter

from app.core.bounds import MAX_ID, DayOutOfRange, parse_day, parse_id
from app.core.roles import Role

HUGE_IDS = (2**31, 2**63, 10**40)


def test_ids_are_ascii_digits_within_the_databases_integer() -> None:
    assert parse_id("1") == 1
    assert parse_id(str(MAX_ID)) == MAX_ID
    for raw in ("0", "-1", str(MAX_ID + 1), str(2**63), "9" * 40, "１２", "²", "1e3", "", None):
        assert parse_id(raw) is None, raw


def test_days_out_of_the_calendar_the_pages_count_in_are_refused_politely() -> None:
    assert parse_day("2026-11-23") == date(2026, 11, 23)
    assert parse_day("2026-02-30") is None
    assert parse_day("mai") is None
    assert parse_day("") is None
    for raw in ("9999-12-31", "0001-01-01", "0000-01-01", "10000-01-01", "1899-12-31"):
        with pytest.raises(DayOutOfRange) as refused:
            parse_day(raw)
        assert "nằm ngoài khoảng" in refused.value.message and refused.value.status == 400


def test_every_id_in_a_path_beyond_2_31_is_not_found(app: Flask) -> None:
    """Every rule with an id, in every method it takes, as every demo role (so as one that may
    call it): 404, before any view or the database sees the id."""
    values = demo_data()
    clients = demo_clients(app)
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]
    assert len(rules) > 40  # the walk found the routes (52 when written)
    for rule in rules:
        ids = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        for huge in HUGE_IDS:
            for name in ids:
                arguments = {n: values[n] for n in rule.arguments} | {name: huge}
                url = rule_url(rule, arguments)
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                    for role, client in clients.items():
                        response = client.open(url, method=method)
                        response.get_data()  # a streamed CSV ends inside its own request
                        assert response.status_code == 404, (role, method, url)


QUERY_IDS = (
    (Role.OFFICER, "/can-bo/?thu-tuc={}"),
    (Role.OFFICER, "/can-bo/hang-doi/moi?sau=2026-11-23_{}"),
    (Role.OFFICER, "/can-bo/so-theo-doi?thu-tuc={}&sau=2026-11-23T09:00:00_{}"),
    (Role.OFFICER, "/can-bo/so-theo-doi.csv?thu-tuc={}"),
    (Role.OFFICER, "/ho-tro/thong-ke?to={}"),
    (Role.POSTAL_HEAD, "/buu-dien/?nhan-vien={}"),
    (Role.POSTAL_HEAD, "/buu-dien/lo-trinh.pdf?nhan-vien={}"),
    (Role.POSTAL_HEAD, "/buu-dien/bao-cao-thu?nhan-vien={}"),
    (Role.ADMIN, "/quan-tri/can-bo/moi?to={}"),
    (Role.ADMIN, "/quan-tri/?trang={}"),
    (None, "/dia-chi/xa?province={}"),
)


def test_ids_in_query_strings_beyond_2_31_are_ignored(app: Flask) -> None:
    demo_data()
    clients = demo_clients(app)
    for role, template in QUERY_IDS:
        client = clients[role] if role else app.test_client()
        for huge in (*HUGE_IDS, "１２"):
            url = template.format(huge, huge)
            response = client.get(url)
            response.get_data()  # a streamed CSV ends inside its own request
            assert response.status_code == 200, (url, response.status_code)


EDGE_DAYS = ("9999-12-31", "0001-01-01", "10000-01-01", "0000-01-01")
# Every page that reads a day from its query string, and the argument(s) it reads.
DATED_PAGES = (
    (Role.OFFICER, "/can-bo/so-theo-doi?tu={}"),
    (Role.OFFICER, "/can-bo/so-theo-doi?den={}"),
    (Role.OFFICER, "/can-bo/so-theo-doi.csv?tu={}&den={}"),
    (Role.POSTAL_HEAD, "/buu-dien/?ngay={}"),
    (Role.POSTAL_HEAD, "/buu-dien/lo-trinh.pdf?ngay={}"),
    (Role.POSTAL_HEAD, "/buu-dien/bao-cao-thu?tu={}"),
    (Role.POSTAL_HEAD, "/buu-dien/bao-cao-thu?tu=2026-11-23&den={}"),
    (Role.POSTAL_HEAD, "/buu-dien/bao-cao-thu.pdf?tu={}&den={}"),
)
# Pages whose filter form shows a note and the default period instead.
NOTED_PAGES = (
    (Role.OFFICER, "/ho-tro/thong-ke?tu={}"),
    (Role.OFFICER, "/ho-tro/thong-ke?tu=2026-11-23&den={}"),
    (Role.COMMUNITY, "/ho-tro/thong-ke?den={}"),
    (Role.ADMIN, "/ho-tro/thong-ke.csv?tu={}&den={}"),
)
# Keyset cursors carry a day: one at the calendar's end gives the first page.
CURSOR_PAGES = (
    (Role.OFFICER, "/can-bo/hang-doi/moi?sau={}_1"),
    (Role.OFFICER, "/can-bo/so-theo-doi?sau={}T23:59:59_1"),
)


def test_days_at_the_ends_of_the_calendar_answer_a_vietnamese_message(app: Flask) -> None:
    demo_data()
    clients = demo_clients(app)
    for day in EDGE_DAYS:
        for role, template in DATED_PAGES:
            response = clients[role].get(template.format(day, day))
            response.get_data()  # a streamed CSV ends inside its own request
            assert response.status_code == 400, (template, day, response.status_code)
            assert "nằm ngoài khoảng hệ thống xử lý được" in response.text
            assert "31/12/2199" in response.text
        for role, template in NOTED_PAGES:
            response = clients[role].get(template.format(day, day))
            response.get_data()  # a streamed CSV ends inside its own request
            assert response.status_code == 200, (template, day, response.status_code)
            if not template.endswith(".csv?tu={}&den={}"):
                assert "Đã dùng khoảng thời gian mặc định" in response.text
        for role, template in CURSOR_PAGES:
            response = clients[role].get(template.format(day))
            response.get_data()  # a streamed CSV ends inside its own request
            assert response.status_code == 200, (template, day, response.status_code)
