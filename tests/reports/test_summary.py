"""The summary tables give exactly the numbers counted from the dossiers: before any refresh,
after one, after a change to a kept day (counted live again until the next refresh), for the
province, one unit and one procedure, on both backends."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from reports_world import brute_force, seed
from sqlalchemy import func, select

from app.core import clock
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.payments.models import Payment
from app.reports import queries, summary
from app.reports.models import ReportDay, ReportNumber
from app.reports.periods import CUSTOM, MONTH, QUARTER, WEEK, YEAR, Period, period_for, trend

NOW = datetime(2026, 12, 15, 9, 30)
TODAY = NOW.date()
PERIODS = [
    period_for(MONTH, date(2026, 12, 3)),
    period_for(MONTH, date(2026, 11, 3)),
    period_for(WEEK, date(2026, 11, 30)),
    period_for(WEEK, date(2026, 12, 14)),
    period_for(QUARTER, date(2026, 12, 1)),
    period_for(YEAR, date(2026, 1, 1)),
    period_for(YEAR, date(2027, 1, 1)),
    Period(CUSTOM, date(2026, 11, 30), date(2026, 12, 1)),
    Period(CUSTOM, date(2026, 12, 14), date(2026, 12, 14)),
    *trend(period_for(MONTH, TODAY), 6),
]


def _clean(numbers) -> dict:  # type: ignore[no-untyped-def]
    return {key: +Counter(counter) for key, counter in numbers.items() if +Counter(counter)}


def _refresh(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["reports", "refresh", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _same_everywhere(unit_ids=None, procedure_id=None) -> None:  # type: ignore[no-untyped-def]
    for period in PERIODS:
        direct = _clean(queries.all_numbers(period, TODAY, unit_ids, procedure_id))
        assert _clean(summary.all_numbers(period, TODAY, unit_ids, procedure_id)) == direct
        assert _clean(summary.received(period, TODAY, unit_ids)) == _clean(
            {
                key: Counter({m: c[m] for m in ("received", "online")})
                for key, c in queries.received(period, unit_ids).items()
            }
        )


@pytest.fixture
def world(app: Flask, citizen):  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    return seed(citizen.id)


def test_the_kept_numbers_are_the_counted_ones(app, world) -> None:  # type: ignore[no-untyped-def]
    _same_everywhere()  # nothing kept yet: all live
    output = _refresh(app)
    assert "ngày đã tổng hợp" in output
    november = period_for(MONTH, date(2026, 11, 3))
    assert summary.clean_days(november.first, november.last) == set(
        november.first + timedelta(days=n) for n in range(30)
    )
    months = db.session.scalar(
        select(func.count()).where(ReportNumber.span == "m", ReportNumber.day == november.first)
    )
    assert months > 0
    # Today and yesterday are always live (a transaction may straddle midnight).
    assert not summary.clean_days(TODAY - timedelta(days=1), TODAY + timedelta(days=30))
    assert TODAY - timedelta(days=2) in summary.clean_days(TODAY - timedelta(days=2), TODAY)
    _same_everywhere()
    unit = min(unit for unit, _ in brute_force(november, TODAY))
    _same_everywhere(frozenset({unit}))
    _same_everywhere(frozenset())
    procedure = min(procedure for _, procedure in brute_force(november, TODAY))
    _same_everywhere(None, procedure)
    for period in PERIODS[:3]:
        assert _clean(summary.all_numbers(period, TODAY, None)) == brute_force(period, TODAY)
    assert "0 ngày" in _refresh(app)  # nothing changed: nothing to do


def test_a_change_to_a_kept_day_is_counted_live_until_the_next_refresh(app, world) -> None:  # type: ignore[no-untyped-def]
    _refresh(app)
    november = period_for(MONTH, date(2026, 11, 3))
    dossier = db.session.scalar(
        select(Dossier)
        .where(Dossier.submitted_at >= datetime(2026, 11, 5), Dossier.closed_at.is_not(None))
        .order_by(Dossier.id)
    )
    submitted_on = dossier.submitted_at.date()
    # The applicant's dossier moves to another channel, and a journal line and a payment are
    # written on past days (a late correction): every one of those days is live again.
    dossier.intake_channel = "post_office" if dossier.intake_channel != "post_office" else ""
    db.session.add(
        DossierEvent(dossier_id=dossier.id, action="extended", at=datetime(2026, 11, 20, 10))
    )
    payment = db.session.scalar(select(Payment).where(Payment.at < NOW).order_by(Payment.id))
    paid_on = payment.at.date()
    db.session.delete(payment)
    db.session.commit()
    stale = {submitted_on, dossier.closed_at.date(), date(2026, 11, 20), paid_on}
    stale = {
        day for day in stale if day < TODAY - timedelta(days=1)
    }  # kept from the day after next
    assert not summary.clean_days(min(stale), max(stale)) & stale
    _same_everywhere()
    assert _clean(summary.all_numbers(november, TODAY, None)) == brute_force(november, TODAY)
    assert f"{len(stale)} ngày" in _refresh(app)
    assert stale <= summary.clean_days(min(stale), max(stale))
    _same_everywhere()


def test_a_refresh_keeps_the_version_it_read(app, world) -> None:  # type: ignore[no-untyped-def]
    """A change committed while a day is being counted leaves the day live."""
    day = date(2026, 11, 10)
    summary.days_to_refresh(TODAY)
    db.session.commit()
    versions = summary.by_month([day])
    db.session.execute(ReportDay.__table__.update().where(ReportDay.day == day).values(version=3))
    summary.summarise(sorted(versions[day.replace(day=1)]), TODAY)
    db.session.execute(ReportDay.__table__.update().where(ReportDay.day == day).values(version=4))
    db.session.commit()
    assert day not in summary.clean_days(day, day)
    _same_everywhere()


def test_two_refreshes_at_once_take_turns(app, world, backend) -> None:  # type: ignore[no-untyped-def]
    """The second waits for the first's month and replaces its rows: nothing counted twice."""
    if backend != "postgresql":
        pytest.skip("SQLite has a single writer: the second refresh cannot start its writes")
    _refresh(app)
    november = [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]

    def rows() -> int:
        return db.session.scalar(select(func.count()).select_from(ReportNumber))

    once = rows()
    summary.summarise(november, TODAY)  # the first refresh, holding the month

    def second() -> None:
        with app.app_context():
            summary.summarise(november, TODAY)
            db.session.commit()

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting for the month's lock
    db.session.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert rows() == once
    _same_everywhere()
