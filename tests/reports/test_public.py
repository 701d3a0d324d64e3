"""/thong-ke for anyone: the province's and each unit's numbers, small cells hidden, and not a
byte of anyone's name, phone or dossier code in the page or the JSON."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from bs4 import BeautifulSoup
from reports_world import (
    ANSWER,
    COMMENT,
    NAMES,
    PHONE,
    RATER,
    RATER_PHONE,
    SENDER,
    brute_force,
    brute_ratings,
    seed,
    seed_feedback,
)
from sqlalchemy import select

from app.catalogue.models import Unit
from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db
from app.feedback.models import Feedback, Rating
from app.reports.periods import MONTH, period_for

NOW = datetime(2026, 12, 15, 9, 30)


@pytest.fixture
def world(app, citizen):  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    dossiers = seed(citizen.id)
    seed_feedback()  # ratings with comments, complaints with their senders' names and phones
    return dossiers


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
    # Ratings' free text (a name and a phone typed in it), complaints' texts, senders, codes.
    secrets |= {COMMENT, RATER, RATER_PHONE, SENDER, PHONE, ANSWER, "Phản ánh số", "PA-000"}
    secrets |= set(db.session.scalars(select(Rating.comment)))
    for f in db.session.scalars(select(Feedback)):
        secrets |= {f.code, f.body, f.sender_name, f.sender_phone, f.answer}
    assert db.session.scalar(select(Rating).filter_by(comment=COMMENT).limit(1))
    for secret in filter(None, secrets):
        for form in {secret, json.dumps(secret)[1:-1]}:  # as typed, and as JSON escapes it
            assert form.encode() not in body, (url, secret)
    assert b"0912" not in body  # no phone of the seeded applicants, whole or in part
    assert b"09152" not in body and b"09681" not in body  # nor of the complaints' and ratings'
    assert "hài lòng".encode() in body or b"satisfied_share" in body  # the ratings are there


def test_the_public_page_fits_the_budget(app, client, world) -> None:  # type: ignore[no-untyped-def]
    app.config["STATS_MIN_CELL"] = 5
    response = client.get("/thong-ke?ky=quy&ngay=2026-12-01", headers={"Accept-Encoding": "br"})
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.data) + len(css.data) <= 14 * 1024
    assert date(2026, 12, 15) == NOW.date()


def _satisfaction_expected(unit_ids=None):  # type: ignore[no-untyped-def]
    counts: dict = {}
    for (unit_id, _), c in brute_ratings(date(2026, 12, 1), date(2026, 12, 31), unit_ids).items():
        mine = counts.setdefault(unit_id, {"count": 0, "score_sum": 0, "satisfied": 0})
        for key in mine:
            mine[key] += c.get(key, 0)
    return counts


def test_satisfaction_per_unit_without_a_word_of_anyone(app, client, world) -> None:  # type: ignore[no-untyped-def]
    app.config["STATS_MIN_CELL"] = 1
    body = client.get("/api/v1/thong-ke").get_json()
    expected = _satisfaction_expected()
    rows = body["satisfaction"]["units"]
    assert len(rows) == len(expected) == 3
    total = {"count": 0, "score_sum": 0, "satisfied": 0}
    for row in rows:
        unit_id = db.session.scalar(select(Unit.id).filter_by(name=row["name"]))
        mine = expected[unit_id]
        assert row["ratings"] == mine["count"]
        assert row["average_score"] == round(mine["score_sum"] / mine["count"], 2)
        assert row["satisfied_share"] == round(100 * mine["satisfied"] / mine["count"], 1)
        total = {k: total[k] + mine[k] for k in total}
    province = body["satisfaction"]["province"]
    assert province["ratings"] == total["count"]
    # The province's average is its summed scores over its count, not an average of averages.
    assert province["average_score"] == round(total["score_sum"] / total["count"], 2)
    soup = BeautifulSoup(client.get("/thong-ke").data, "html.parser")
    table = soup.find(id="hai-long").find_next("table")
    foot = [td.get_text() for td in table.tfoot.select("td")]
    assert foot[0] == str(total["count"])
    assert foot[1] == f"{total['score_sum'] / total['count']:.1f}".replace(".", ",")


def test_small_satisfaction_cells_are_hidden_with_their_complement(app, client, world) -> None:  # type: ignore[no-untyped-def]
    counts = sorted(c["count"] for c in _satisfaction_expected().values())
    # A threshold hiding the smallest unit only: the next one is hidden with it.
    app.config["STATS_MIN_CELL"] = counts[0] + 1
    assert counts[1] >= counts[0] + 1
    rows = client.get("/api/v1/thong-ke").get_json()["satisfaction"]["units"]
    hidden = [r for r in rows if r["ratings"] is None]
    assert len(hidden) == 2
    assert all(r["average_score"] is None and r["satisfied_share"] is None for r in hidden)
    shown = [r["ratings"] for r in rows if r["ratings"] is not None]
    assert shown == [counts[2]]
    soup = BeautifulSoup(client.get("/thong-ke").data, "html.parser")
    cells = [tr.td.get_text() for tr in soup.find(id="hai-long").find_next("table").tbody("tr")]
    assert cells.count("x") == 2
    # Above every unit's count: every unit hidden, and the province too.
    app.config["STATS_MIN_CELL"] = sum(counts) + 1
    body = client.get("/api/v1/thong-ke").get_json()["satisfaction"]
    assert all(r["ratings"] is None for r in body["units"])
    assert body["province"] == {
        "name": "Toàn tỉnh",
        "commune_code": None,
        "ratings": None,
        "average_score": None,
        "satisfied_share": None,
    }
