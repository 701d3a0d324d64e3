"""Satisfaction and complaints on the statistics dashboard /can-bo/thong-ke: the SQL aggregates
(app/feedback/numbers.py) against a count by hand of every seeded rating and complaint, at the
periods' edges, on both backends; the averages and shares worked out from summed counts; the
overdue answers highlighted; a commune's staff seeing only their own."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime

import pytest
from bs4 import BeautifulSoup
from helpers import staff_client
from reports_world import (
    ANSWER,
    COMMENT,
    PHONE,
    RATER,
    RATER_PHONE,
    SENDER,
    brute_complaints,
    brute_ratings,
)
from reports_world import seed_feedback as seed
from sqlalchemy import select

from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.numbers import complaint_counts, rating_counts
from app.reports.periods import CUSTOM, MONTH, WEEK, Period, period_for

NOW = datetime(2026, 12, 15, 9, 30)


PERIODS = [
    period_for(MONTH, date(2026, 12, 1)),
    period_for(MONTH, date(2026, 11, 30)),
    period_for(WEEK, date(2026, 12, 1)),
    Period(CUSTOM, date(2026, 12, 15), date(2026, 12, 15)),
    Period(CUSTOM, date(2026, 11, 1), date(2027, 1, 31)),
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.first}..{p.last}")
def test_the_aggregates_agree_with_a_count_by_hand(app, period) -> None:  # type: ignore[no-untyped-def]
    units, _ = seed()
    today = NOW.date()
    for scope in (None, frozenset({units[1].id}), frozenset()):
        got = rating_counts(period.first, period.last, today, scope)
        assert got == brute_ratings(period.first, period.last, scope), scope
        got = complaint_counts(period.first, period.last, today, scope)
        assert got == brute_complaints(period.first, period.last, today, scope), scope
    assert brute_complaints(period.first, period.last, today) or period.first > today


def test_a_complaint_at_the_edges_counts_as_the_calendar_says(app, commune_unit) -> None:  # type: ignore[no-untyped-def]
    """Received at 23:59:59 on 30 November, due 2 December, answered at 00:00 on 3 December:
    received in November, answered late in December; open on 2 December, not yet overdue (due
    that day); overdue on the 3rd had it not been answered."""
    db.session.add(
        Feedback(
            code="PA-EDGE0001",
            unit_id=commune_unit.id,
            body="Chưa nhận được kết quả.",
            received_at=datetime(2026, 11, 30, 23, 59, 59),
            due_on=date(2026, 12, 2),
            answered_at=datetime(2026, 12, 3, 0, 0, 0),
        )
    )
    db.session.commit()
    key = (commune_unit.id, 0)
    december = complaint_counts(date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 15))
    assert december[key] == {"answered": 1, "answered_late": 1}
    november = complaint_counts(date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 15))
    assert november[key] == {"received": 1, "open": 1}
    on_the_2nd = complaint_counts(date(2026, 12, 2), date(2026, 12, 2), date(2026, 12, 15))
    assert on_the_2nd[key] == {"open": 1}
    on_the_3rd = complaint_counts(date(2026, 12, 3), date(2026, 12, 3), date(2026, 12, 15))
    assert on_the_3rd[key] == {"answered": 1, "answered_late": 1}
    # Still unanswered on the 3rd: overdue (due the 2nd).
    db.session.scalar(select(Feedback).filter_by(code="PA-EDGE0001")).answered_at = None
    db.session.commit()
    on_the_3rd = complaint_counts(date(2026, 12, 3), date(2026, 12, 3), date(2026, 12, 15))
    assert on_the_3rd[key] == {"open": 1, "overdue": 1}


def _csv(client, slug: str, query: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/can-bo/thong-ke/{slug}.csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _ratio(part: int, whole: int, per: int = 100, digits: int = 1) -> str:
    return str(round(per * part / whole, digits))


@pytest.mark.parametrize("query", ["", "?ky=tuan&ngay=2026-12-01", "?ky=thang&ngay=2026-11-30"])
def test_the_dashboard_shows_them_per_unit_and_procedure(app, admin_client, query) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    units, procedures = seed()
    period = {"": PERIODS[0], "?ky=tuan&ngay=2026-12-01": PERIODS[2]}.get(query, PERIODS[1])
    ratings = brute_ratings(period.first, period.last)
    complaints = brute_complaints(period.first, period.last, NOW.date())
    table = _csv(admin_client, "hai-long", query)
    assert table[0] == [
        "Đơn vị",
        "Số lượt đánh giá",
        "Điểm trung bình (1–5)",
        "Tỷ lệ hài lòng, 4–5 điểm (%)",
        "Tỷ lệ không hài lòng, 1–2 điểm (%)",
    ]
    for unit in units:
        mine = Counter()
        for (unit_id, _), counts in ratings.items():
            mine.update(counts if unit_id == unit.id else {})
        row = next((r for r in table if r[0] == unit.name), None)
        if not mine:
            continue
        assert row == [
            unit.name,
            str(mine["count"]),
            _ratio(mine["score_sum"], mine["count"], 1, 2),
            _ratio(mine["satisfied"], mine["count"]),
            _ratio(mine["low"], mine["count"]),
        ]
    total = sum((Counter(c) for c in ratings.values()), Counter())
    assert table[-1][:3] == [
        "Tổng cộng",
        str(total["count"]),
        _ratio(total["score_sum"], total["count"], 1, 2),
    ]
    # Per procedure: the average of a procedure is its own sum over its own count.
    by_procedure = _csv(admin_client, "hai-long-thu-tuc", query)
    assert by_procedure[0][0] == "Thủ tục"
    for procedure in procedures:
        mine = Counter()
        for (_, procedure_id), counts in ratings.items():
            mine.update(counts if procedure_id == procedure.id else {})
        row = next(r for r in by_procedure if r[0] == procedure.name)
        assert row[1:3] == [str(mine["count"]), _ratio(mine["score_sum"], mine["count"], 1, 2)]
    filed = _csv(admin_client, "phan-anh", query)
    assert filed[0][1:] == [
        "Tiếp nhận trong kỳ",
        "Đã trả lời trong kỳ",
        "Trả lời quá hạn",
        "Chưa trả lời",
        "Quá hạn chưa trả lời",
    ]
    total = sum((Counter(c) for c in complaints.values()), Counter())
    names = ("received", "answered", "answered_late", "open", "overdue")
    assert filed[-1] == ["Tổng cộng", *(str(total[n]) for n in names)]
    assert total["overdue"] > 0
    about_units = _csv(admin_client, "phan-anh-thu-tuc", query)
    unnamed = sum((Counter(c) for (_, p), c in complaints.items() if p == 0), Counter())
    row = next(r for r in about_units if r[0] == "Không gắn với thủ tục")
    assert row[1:] == [str(unnamed[n]) for n in names]


def test_overdue_answers_are_highlighted_and_a_commune_sees_only_its_own(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    units, _ = seed()
    mine = next(u for u in units if u.commune_code)
    client, _ = staff_client(app, make_user, Role.OFFICER, [mine])
    page = client.get("/can-bo/thong-ke")
    soup = BeautifulSoup(page.data, "html.parser")
    table = soup.find(id="phan-anh").find_next("table")
    assert [th.get_text() for th in table.select("tbody th")] == [mine.name]
    expected = brute_complaints(date(2026, 12, 1), date(2026, 12, 31), NOW.date(), {mine.id})
    overdue = sum(c["overdue"] for c in expected.values())
    cells = table.select("tbody td")
    assert cells[-1].get_text() == str(overdue) and overdue > 0
    assert "alert" in cells[-1]["class"]
    assert not any("alert" in td["class"] for td in cells[:-1])
    others = {u.name for u in units} - {mine.name}
    assert not any(name in page.get_data(as_text=True) for name in others)
    table = _csv(client, "hai-long", "")
    expected = brute_ratings(date(2026, 12, 1), date(2026, 12, 31), {mine.id})
    assert [r[0] for r in table[1:]] == [mine.name, "Tổng cộng"]
    assert table[-1][1] == str(sum(c["count"] for c in expected.values()))
    # Nothing personal on the dashboard: no comment, no complaint's text, sender or phone.
    for url in (
        "/can-bo/thong-ke",
        "/can-bo/thong-ke/phan-anh.csv",
        "/can-bo/thong-ke/hai-long-thu-tuc.csv",
    ):
        body = client.get(url).data
        for secret in (COMMENT, RATER, RATER_PHONE, SENDER, PHONE, ANSWER, "Phản ánh số", "PA-0"):
            assert secret.encode() not in body, (url, secret)
