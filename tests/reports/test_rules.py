"""The reports' pure rules: periods and their edges, a dossier's channel, how it stands on time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.reports import rules
from app.reports.periods import (
    CUSTOM,
    MAX_CUSTOM_DAYS,
    MONTH,
    QUARTER,
    WEEK,
    YEAR,
    Period,
    period_for,
    period_from,
    trend,
)

TODAY = date(2026, 12, 15)


@pytest.mark.parametrize(
    ("kind", "day", "first", "last", "label"),
    [
        (
            WEEK,
            date(2026, 12, 15),
            date(2026, 12, 14),
            date(2026, 12, 20),
            "Tuần 51/2026 (14/12–20/12/2026)",
        ),
        (
            WEEK,
            date(2027, 1, 1),
            date(2026, 12, 28),
            date(2027, 1, 3),
            "Tuần 53/2026 (28/12–03/01/2027)",
        ),
        (
            WEEK,
            date(2026, 12, 20),
            date(2026, 12, 14),
            date(2026, 12, 20),
            "Tuần 51/2026 (14/12–20/12/2026)",
        ),
        (MONTH, date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29), "Tháng 02/2028"),
        (MONTH, date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31), "Tháng 12/2026"),
        (QUARTER, date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31), "Quý IV/2026"),
        (QUARTER, date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30), "Quý II/2026"),
        (QUARTER, date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31), "Quý I/2026"),
        (YEAR, date(2026, 7, 4), date(2026, 1, 1), date(2026, 12, 31), "Năm 2026"),
    ],
)
def test_the_period_holding_a_day(kind, day, first, last, label) -> None:  # type: ignore[no-untyped-def]
    period = period_for(kind, day)
    assert (period.first, period.last, period.label) == (first, last, label)


def test_the_bounds_are_half_open_whole_days() -> None:
    period = period_for(MONTH, TODAY)
    assert period.start == datetime(2026, 12, 1)
    assert period.end == datetime(2027, 1, 1)  # 31/12 23:59:59 is in, 01/01 00:00 is not
    assert period.evaluation_day(TODAY) == TODAY
    assert period_for(MONTH, date(2026, 11, 2)).evaluation_day(TODAY) == date(2026, 11, 30)


def test_the_trend_is_the_periods_before_oldest_first() -> None:
    assert [p.label for p in trend(period_for(QUARTER, TODAY), 3)] == [
        "Quý II/2026",
        "Quý III/2026",
        "Quý IV/2026",
    ]
    chosen = Period(CUSTOM, date(2026, 12, 10), date(2026, 12, 16))
    assert chosen.previous() == Period(CUSTOM, date(2026, 12, 3), date(2026, 12, 9))
    assert [p.first for p in trend(period_for(MONTH, date(2026, 3, 1)), 4)] == [
        date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "expected", "noted"),
    [
        ((None, None, None, None), period_for(MONTH, TODAY), False),
        (("quy", "2026-05-05", None, None), period_for(QUARTER, date(2026, 5, 5)), False),
        (("tuan", "hôm qua", None, None), period_for(WEEK, TODAY), True),
        (("không-có", None, None, None), period_for(MONTH, TODAY), False),
        (
            ("tuy-chon", None, "2026-12-09", "2026-12-01"),
            Period(CUSTOM, date(2026, 12, 1), date(2026, 12, 9)),
            True,
        ),
        (("tuy-chon", None, "2026-12-01", ""), period_for(MONTH, TODAY), True),
        (("nam", "0001-01-01", None, None), period_for(YEAR, TODAY), True),
        (("tuan", "9999-12-31", None, None), period_for(WEEK, TODAY), True),
        (("tuy-chon", None, "0001-01-01", "2026-12-01"), period_for(MONTH, TODAY), True),
        (("tuy-chon", None, "2026-12-01", "10000-01-01"), period_for(MONTH, TODAY), True),
        (("nam", "1900-01-01", None, None), period_for(YEAR, date(1900, 1, 1)), False),
        (("quy", "2199-12-31", None, None), period_for(QUARTER, date(2199, 12, 31)), False),
        (
            ("tuy-chon", None, "2020-01-01", "2026-12-15"),
            Period(
                CUSTOM,
                date(2026, 12, 15) - (MAX_CUSTOM_DAYS - 1) * (date(2026, 1, 2) - date(2026, 1, 1)),
                TODAY,
            ),
            True,
        ),
    ],
)
def test_the_period_asked_for(args, expected, noted) -> None:  # type: ignore[no-untyped-def]
    period, note = period_from(*args, TODAY)
    assert period == expected
    assert bool(note) == noted


@pytest.mark.parametrize(
    ("intake", "team", "expected"),
    [
        ("online", None, rules.ONLINE),
        ("", None, rules.ONLINE),
        ("post_pickup", None, rules.ONLINE_POST),
        ("counter", None, rules.COUNTER),
        ("post_office", None, rules.POST_OFFICE),
        ("post_pickup", 7, rules.ASSISTED),
        ("counter", 7, rules.ASSISTED),
        ("fax", None, rules.ONLINE),
    ],
)
def test_channel(intake: str, team: int | None, expected: str) -> None:
    assert rules.channel(intake, team) == expected


D = date(2026, 12, 15)


@pytest.mark.parametrize(
    ("received", "finished", "on_time", "due", "waiting", "expected"),
    [
        (None, None, None, D, False, None),  # never accepted
        (date(2026, 12, 16), None, None, D, False, None),  # accepted after the day
        (D, D, True, D, False, rules.ON_TIME),  # returned on the day
        (D, D, False, D, False, rules.LATE),
        (D, date(2026, 12, 16), True, D, False, rules.IN_TIME),  # returned the day after: running
        (D, date(2026, 12, 16), True, date(2026, 12, 14), False, rules.OVERDUE),
        (D, None, None, D, False, rules.IN_TIME),  # due today: still in time
        (D, None, None, date(2026, 12, 14), False, rules.OVERDUE),  # due yesterday
        (D, None, None, date(2026, 12, 14), True, None),  # waiting for the citizen
        (D, None, None, None, False, None),
        (D, D, None, D, False, None),  # withdrawn: no verdict
    ],
)
def test_timeliness_on_a_day(received, finished, on_time, due, waiting, expected) -> None:  # type: ignore[no-untyped-def]
    state = rules.timeliness(
        received_on=received,
        finished_on=finished,
        on_time=on_time,
        due_date=due,
        waiting_for_citizen=waiting,
        at=D,
    )
    assert state == expected


def test_share_and_suppression() -> None:
    assert rules.share(19, 100) == 19.0
    assert rules.share(1, 3) == 33.3
    assert rules.share(0, 0) is None
    assert [rules.suppressed(n, 5) for n in (0, 1, 4, 5, 6)] == [False, True, True, False, False]
