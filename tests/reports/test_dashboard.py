"""The statistics dashboard /can-bo/thong-ke: scoped like the queues, numbers as counted by
hand, SVG charts without script, CSV and XLSX of each table, within the page budget."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, datetime

import brotli
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from helpers import login, staff_client
from openpyxl import load_workbook
from reports_world import brute_force, seed, seed_feedback
from sqlalchemy import select

from app.catalogue.models import Unit
from app.core import clock, report_sources
from app.core.roles import Role
from app.extensions import db
from app.reports.periods import MONTH, period_for

NOW = datetime(2026, 12, 15, 9, 30)
PAGE_BUDGET = 14 * 1024


@pytest.fixture
def world(app: Flask, citizen):  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    seed(citizen.id)
    seed_feedback()  # the ratings' and complaints' tables are on the page too
    units = list(db.session.scalars(select(Unit).order_by(Unit.id).limit(3)))
    return units


def _totals(unit_ids=None) -> Counter[str]:  # type: ignore[no-untyped-def]
    total: Counter[str] = Counter()
    for counts in brute_force(period_for(MONTH, NOW.date()), NOW.date(), unit_ids).values():
        total.update(counts)
    return total


def _csv(client, slug: str, query: str = "") -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/can-bo/thong-ke/{slug}.csv{query}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_an_officer_sees_the_numbers_of_their_unit_only(app, make_user, world) -> None:  # type: ignore[no-untyped-def]
    commune_units = [u for u in world if u.commune_code]
    mine = commune_units[0]
    client, _ = staff_client(app, make_user, Role.OFFICER, [mine])
    page = client.get("/can-bo/thong-ke")
    assert page.status_code == 200
    soup = BeautifulSoup(page.data, "html.parser")
    table = soup.find(id="kenh-nop").find_next("table")
    assert [th.get_text() for th in table.select("tbody th")] == [mine.name]
    others = {u.name for u in world} - {mine.name}
    assert not any(name in page.get_data(as_text=True) for name in others)
    expected = _totals(frozenset({mine.id}))
    table = _csv(client, "kenh-nop")
    assert table[0][:2] == ["Đơn vị", "Tổng số hồ sơ"]
    assert table[-1][0] == "Tổng cộng"
    assert int(table[-1][1]) == expected["received"]


def test_the_provincial_view_adds_up_every_unit(app, admin_client, world) -> None:  # type: ignore[no-untyped-def]
    expected = _totals()
    table = _csv(admin_client, "tien-do")
    header, total = table[0], table[-1]
    assert total[0] == "Tổng cộng"
    assert int(total[header.index("Đã giải quyết đúng hạn")]) == expected["time:on_time"]
    assert int(total[header.index("Đang giải quyết, quá hạn")]) == expected["time:overdue"]
    assert int(total[header.index("Văn bản xin lỗi, hẹn lại")]) == expected["apologies"]
    fees = _csv(admin_client, "phi")
    assert int(fees[-1][fees[0].index("Số tiền (đồng)")]) == expected["payments_amount"]
    body = sum(int(row[1]) for row in _csv(admin_client, "kenh-nop")[1:-1])
    assert body == expected["received"]


def test_the_xlsx_holds_the_same_numbers(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.get("/can-bo/thong-ke/kenh-nop.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0] == ["Tháng 12/2026"]
    as_csv = _csv(admin_client, "kenh-nop")
    assert [str(c) if c is not None else "" for c in rows[-1]] == as_csv[-1]
    assert admin_client.get("/can-bo/thong-ke/khong-co.csv").status_code == 404


def test_the_page_draws_svg_charts_within_the_budget(app, admin_client, world) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.get(
        "/can-bo/thong-ke?ky=quy&ngay=2026-12-01", headers={"Accept-Encoding": "br"}
    )
    assert response.status_code == 200
    html = brotli.decompress(response.data).decode()
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select("svg.chart")) == 2
    assert soup.select_one("svg.chart title").get_text().startswith("Tỷ lệ hồ sơ trực tuyến")
    assert "Quý IV/2026" in html
    trend = soup.select("svg.chart")[1]
    labels = [t.get_text() for t in trend.select("text")][1::2]
    assert labels == ["Q3/25", "Q4/25", "Q1/26", "Q2/26", "Q3/26", "Q4/26"]
    css = admin_client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    assert len(response.data) + len(css.data) <= PAGE_BUDGET, len(response.data)
    for table in soup.select("table"):
        assert table.find("th", scope="col")


@pytest.mark.parametrize(
    "query",
    [
        "?ky=tuy-chon&tu=2026-12-31&den=2026-12-01",
        "?ky=tuan&ngay=hôm-nay",
        "?don-vi=999999",
        "?ky=<b>",
        "?ky=nam&ngay=0001-01-01",
        "?ky=quy&ngay=9999-12-31",
        "?ky=tuy-chon&tu=0001-01-01&den=9999-12-31",
        "?ky=thang&ngay=99999-01-01",
    ],
)
def test_odd_filters_answer_politely(admin_client, client, world, query: str) -> None:  # type: ignore[no-untyped-def]
    for answer in (admin_client.get(f"/can-bo/thong-ke{query}"), client.get(f"/thong-ke{query}")):
        assert answer.status_code == 200
        assert "<b>" not in answer.get_data(as_text=True).split("<main", 1)[-1]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?kind=year&date=0001-01-01", "date"),
        ("?kind=week&date=9999-12-31", "date"),
        ("?kind=custom&first=0001-01-01&last=2026-12-01", "first"),
        ("?kind=month&date=2026-02-30", "date"),
    ],
)
def test_the_json_refuses_a_day_out_of_the_calendar(client, world, query, field) -> None:  # type: ignore[no-untyped-def]
    answer = client.get(f"/api/v1/thong-ke{query}")
    assert answer.status_code == 422
    assert field in json.dumps(answer.get_json())


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("?ky=nam&ngay=0001-01-01", "nằm ngoài khoảng hệ thống xử lý được"),
        ("?ky=tuy-chon&tu=2026-01-01&den=9999-12-31", "nằm ngoài khoảng hệ thống xử lý được"),
    ],
)
def test_a_day_out_of_the_calendar_is_said_and_today_used(admin_client, world, query, note) -> None:  # type: ignore[no-untyped-def]
    page = admin_client.get(f"/can-bo/thong-ke{query}").get_data(as_text=True)
    assert note in page


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.POSTAL, Role.COMMUNITY])
def test_others_are_refused(app, make_user, world, role) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, make_user(role=role))
    assert client.get("/can-bo/thong-ke").status_code == 403
    assert client.get("/can-bo/thong-ke/kenh-nop.csv").status_code == 403
    assert app.test_client().get("/can-bo/thong-ke").status_code in (302, 303)


def test_another_domain_adds_its_numbers(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    """A source registered in app/core/report_sources (e.g. the ratings) becomes a table of the
    dashboard, with its files, counted for the period and the units asked for."""
    asked = []

    def count(first, last, today, unit_ids, procedure_id):  # type: ignore[no-untyped-def]
        asked.append((first, last, today, unit_ids, procedure_id))
        return {(world[0].id, 1): {"rated": 7, "low": 2}}

    report_sources.register(
        report_sources.Source(
            "danh-gia",
            "Đánh giá mức độ hài lòng",
            {"rated": "Lượt đánh giá", "low": "Dưới 3 sao"},
            count,
        )
    )
    try:
        page = BeautifulSoup(admin_client.get("/can-bo/thong-ke").data, "html.parser")
        table = page.find(id="danh-gia").find_next("table")
        assert [th.get_text() for th in table.select("thead th")] == [
            "Đơn vị",
            "Lượt đánh giá",
            "Dưới 3 sao",
        ]
        assert [td.get_text() for td in table.select("tfoot td")] == ["7", "2"]
        assert asked[0][:4] == (date(2026, 12, 1), date(2026, 12, 31), NOW.date(), None)
        rows = _csv(admin_client, "danh-gia")
        assert rows[-1] == ["Tổng cộng", "7", "2"]
    finally:
        report_sources.unregister("danh-gia")
    assert admin_client.get("/can-bo/thong-ke/danh-gia.csv").status_code == 404
