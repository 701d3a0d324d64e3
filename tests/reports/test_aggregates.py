"""The reports' SQL aggregates agree with a brute-force count over the same seeded dossiers."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from flask import Flask
from reports_world import brute_force, seed
from sqlalchemy import event

from app.extensions import db
from app.reports import queries
from app.reports.periods import CUSTOM, MONTH, QUARTER, WEEK, YEAR, Period, period_for

TODAY = date(2026, 12, 15)
PERIODS = [
    period_for(MONTH, date(2026, 12, 3)),  # running: judged today
    period_for(MONTH, date(2026, 11, 3)),  # over: judged on its last day
    period_for(WEEK, date(2026, 11, 30)),
    period_for(QUARTER, date(2026, 12, 1)),
    period_for(YEAR, date(2027, 1, 1)),
    Period(CUSTOM, date(2026, 12, 1), date(2026, 12, 1)),
]


@pytest.fixture
def seeded(app: Flask, citizen):  # type: ignore[no-untyped-def]
    return seed(citizen.id)


def _clean(numbers) -> dict:  # type: ignore[no-untyped-def]
    return {key: +Counter(counter) for key, counter in numbers.items() if +Counter(counter)}


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_every_number_matches_a_count_by_hand(seeded, period: Period) -> None:  # type: ignore[no-untyped-def]
    expected = brute_force(period, TODAY)
    assert expected, "the seeded world has numbers in every period"
    assert _clean(queries.all_numbers(period, TODAY, None)) == expected


def test_the_seed_reaches_every_kind_of_number(seeded) -> None:  # type: ignore[no-untyped-def]
    totals: Counter[str] = Counter()
    for counter in brute_force(period_for(QUARTER, TODAY), TODAY).values():
        totals.update(counter)
    for metric in (
        "channel:online", "channel:online_post", "channel:counter", "channel:post_office",
        "channel:assisted", "time:on_time", "time:late", "time:in_time", "time:overdue",
        "returned:online", "returned:post", "returned:counter", "apologies", "supplements",
        "refusals", "postal_pickups", "postal_returned", "payments",
    ):  # fmt: skip
        assert totals[metric] > 0, metric


def test_a_unit_sees_only_its_own_numbers(seeded) -> None:  # type: ignore[no-untyped-def]
    period = period_for(QUARTER, TODAY)
    everything = queries.all_numbers(period, TODAY, None)
    one = frozenset({min(unit for unit, _ in everything)})
    mine = _clean(queries.all_numbers(period, TODAY, one))
    assert mine == brute_force(period, TODAY, one)
    assert {unit for unit, _ in mine} == set(one)
    assert queries.all_numbers(period, TODAY, frozenset()) == {}


def test_one_procedure(seeded) -> None:  # type: ignore[no-untyped-def]
    period = period_for(QUARTER, TODAY)
    procedure_id = min(p for _, p in brute_force(period, TODAY))
    only = _clean(queries.all_numbers(period, TODAY, None, procedure_id))
    assert only == {k: v for k, v in brute_force(period, TODAY).items() if k[1] == procedure_id}


def test_the_numbers_cost_five_grouped_statements(seeded) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        queries.all_numbers(period_for(YEAR, TODAY), TODAY, None)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(seen) == 5
    assert all("GROUP BY" in statement for statement in seen)
