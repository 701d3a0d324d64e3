"""/thong-ke for anyone: the province's and each unit's numbers, small cells hidden, and not a
byte of anyone's name, phone or dossier code in the page or the JSON."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from bs4 import BeautifulSoup
from reports_world import NAMES, brute_force, seed
from sqlalchemy import select

from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db
from app.reports.periods import MONTH, period_for

NOW = datetime(2026, 12, 15, 9, 30)


@pytest.fixture
def world(app, citizen):  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    return seed(citizen.id)


def test_anyone_sees_the_province_numbers(app, client, world) -> None:  # type: ignore[no-untyped-def]
    app.config["STATS_MIN_CELL"] = 1
    page = client.get("/thong-ke")
    assert page.status_code == 200
    soup = BeautifulSoup(page.data, "html.parser")
    assert soup.h1.get_text() == "Thống kê giải quyết thủ tục hành chính"
    received = sum(
        c["received"] for c in brute_force(period_for(MONTH, NOW.date()), NOW.date()).values()
    )
    foot = soup.find(id="kenh").find_next("table").tfoot
    assert foot.th.get_text() == "Toàn tỉnh"
    assert foot.find("td").get_text() == str(received)
    assert soup.select_one("svg.chart") is not None


def test_small_cells_are_hidden(app, client, world) -> None:  # type: ignore[no-untyped-def]
    app.config["STATS_MIN_CELL"] = 12
    soup = BeautifulSoup(client.get("/thong-ke?ky=tuan&ngay=2026-12-01").data, "html.parser")
    cells = [td.get_text() for td in soup.select("tbody td")]
    assert "x" in cells
    numbers = [int(c.replace(".", "")) for c in cells if c.isdigit()]
    assert all(n == 0 or n >= 12 for n in numbers)


@pytest.mark.parametrize(
    "url",
    [
        "/thong-ke",
        "/thong-ke?ky=nam&ngay=2026-06-01",
        "/thong-ke?ky=tuy-chon&tu=2026-11-30&den=2026-12-01",
        "/api/v1/thong-ke?kind=year&date=2026-06-01",
        "/api/v1/thong-ke?kind=custom&first=2026-11-30&last=2026-12-01",
    ],
)
@pytest.mark.parametrize("min_cell", [1, 5])
def test_no_byte_of_anyone(app, client, citizen, world, url: str, min_cell: int) -> None:  # type: ignore[no-untyped-def]
    app.config["STATS_MIN_CELL"] = min_cell
    body = client.get(url).data
    assert len(body) > 500
    dossiers = list(db.session.scalars(select(Dossier)))
    secrets = {citizen.full_name, citizen.phone, citizen.id_number, *NAMES}
    for d in dossiers:
        secrets |= {d.code, d.applicant_phone, d.applicant_name}
    secrets |= {d.code.rsplit("-", 1)[0] for d in dossiers}  # even the codes' common stem
    for secret in filter(None, secrets):
        for form in {secret, json.dumps(secret)[1:-1]}:  # as typed, and as JSON escapes it
            assert form.encode() not in body, (url, secret)
    assert b"0912" not in body  # no phone of the seeded applicants, whole or in part


def test_the_public_page_fits_the_budget(app, client, world) -> None:  # type: ignore[no-untyped-def]
    app.config["STATS_MIN_CELL"] = 5
    response = client.get("/thong-ke?ky=quy&ngay=2026-12-01", headers={"Accept-Encoding": "br"})
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.data) + len(css.data) <= 14 * 1024
    assert date(2026, 12, 15) == NOW.date()
