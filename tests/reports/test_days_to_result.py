"""Average working days to a result: stored on the dossier when it is finished (through the
workflow), summed by the database per unit and procedure, shown in the progress tables and
their CSV; checked against a count by hand across a weekend, a holiday and the periods' edges."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from helpers import complete_draft, staff_client
from reports_world import brute_force, days_by_hand, seed

from app.catalogue.models import Unit
from app.core import clock
from app.core.roles import Role
from app.dossiers.deadlines import WorkingCalendar, working_days_taken
from app.dossiers.models import Dossier
from app.dossiers.operations import intake, processing
from app.dossiers.operations.drafts import save_delivery
from app.dossiers.operations.submitting import submit
from app.extensions import db
from app.reports import queries
from app.reports.periods import CUSTOM, MONTH, Period, period_for
from app.reports.report import AVERAGE_DAYS, build_report
from app.reports.scope import Scope, units_in

CALENDAR = WorkingCalendar()


@pytest.mark.parametrize(
    ("start", "finished", "expected"),
    [
        (date(2026, 9, 3), date(2026, 9, 3), 0),  # the same day
        (date(2026, 9, 4), date(2026, 9, 7), 1),  # Friday to Monday: the weekend is not counted
        # Friday 28/8 to Friday 4/9/2026: Monday 31/8 (swapped day off), 1 and 2/9 (National
        # Day) and the weekend are not counted: Thursday 3 and Friday 4.
        (date(2026, 8, 28), date(2026, 9, 4), 2),
        (date(2026, 8, 21), date(2026, 8, 24), 2),  # Saturday 22/8/2026 is a make-up day
        (date(2026, 4, 29), date(2026, 5, 4), 1),  # 30/4 and 1/5, then the weekend
        (date(2026, 9, 7), date(2026, 9, 4), 0),  # finished before counting began: nothing
    ],
)
def test_working_days_taken_skips_weekends_and_holidays(start, finished, expected) -> None:  # type: ignore[no-untyped-def]
    assert working_days_taken(start, finished, CALENDAR) == expected


def test_every_pair_of_days_agrees_with_a_count_by_hand() -> None:
    first = date(2026, 8, 15)
    for a in range(0, 40, 3):
        for b in range(0, 40):
            start, finished = first + timedelta(days=a), first + timedelta(days=b)
            received = datetime.combine(start, datetime.min.time()).replace(hour=9)
            moment = datetime.combine(finished, datetime.min.time()).replace(hour=10)
            if CALENDAR.is_working_day(start):
                assert working_days_taken(start, finished, CALENDAR) == days_by_hand(
                    received, moment
                )


def _through_the_workflow(
    owner, procedure, officer, token: str, accepted: datetime, returned: datetime
) -> Dossier:  # type: ignore[no-untyped-def]
    clock.freeze(accepted)
    dossier = complete_draft(owner, procedure, token)
    save_delivery(dossier, {"intake_channel": "online", "return_channel": "counter"})
    assert submit(dossier, owner)
    intake.accept(dossier, officer)
    clock.freeze(returned)
    processing.approve(dossier, officer, result_kind="paper", note="Giấy khai sinh bản chính")
    processing.return_result(dossier, officer, via="counter")
    db.session.commit()
    return dossier


@pytest.fixture
def officer(make_user, app):  # type: ignore[no-untyped-def]
    unit = db.session.scalar(db.select(Unit).filter_by(commune_code="17329"))
    return make_user(role=Role.OFFICER, units=[unit], full_name="Trần Văn Minh")


def test_returning_a_result_stores_the_days_it_took(citizen, procedure, officer) -> None:  # type: ignore[no-untyped-def]
    # Accepted Wednesday 30/12/2026 in the morning, returned Monday 4/1/2027 at 23:59:59 (New
    # Year's Day and a weekend between): Thursday 31/12 and Monday 4/1.
    new_year = _through_the_workflow(
        citizen,
        procedure,
        officer,
        "d1",
        datetime(2026, 12, 30, 9),
        datetime(2027, 1, 4, 23, 59, 59),
    )
    assert new_year.working_days_taken == 2
    # Accepted after the 15:00 cut-off on Wednesday 3/2/2027, the eve of Tết: counting starts
    # Thursday 11/2; returned Monday 15/2: Friday 12/2 and Monday 15/2.
    tet = _through_the_workflow(
        citizen, procedure, officer, "d2", datetime(2027, 2, 3, 16), datetime(2027, 2, 15, 8)
    )
    assert tet.counting_start == date(2027, 2, 11)
    assert tet.working_days_taken == 2
    assert tet.working_days_taken == days_by_hand(tet.received_at, tet.returned_at)
    # January 2027 counts the first (returned in its first days); 2026 does not.
    key = (new_year.receiving_unit_id, procedure.id)
    january = queries.timeliness(period_for(MONTH, date(2027, 1, 4)), date(2027, 3, 1), None)
    assert (january[key]["results_timed"], january[key]["days_to_result"]) == (1, 2)
    year = Period(CUSTOM, date(2026, 1, 1), date(2027, 1, 3))
    numbers = queries.timeliness(year, date(2027, 3, 1), None).values()
    assert not any(counts["results_timed"] for counts in numbers)
    february = queries.timeliness(period_for(MONTH, date(2027, 2, 1)), date(2027, 3, 1), None)
    assert (february[key]["results_timed"], february[key]["days_to_result"]) == (1, 2)


def test_the_average_per_unit_and_procedure_matches_a_count_by_hand(
    citizen, make_user, app
) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 12, 15, 9, 30))
    seed(citizen.id)
    today = date(2026, 12, 15)
    for period in (period_for(MONTH, date(2026, 11, 3)), period_for(MONTH, today)):
        expected = brute_force(period, today)
        assert sum(c["results_timed"] for c in expected.values()) > 0
        report = build_report(period, today, Scope("Toàn tỉnh", None), units_in(Scope("", None)))
        for line in report.units + report.procedures:
            timed = line.counts["results_timed"]
            assert line.average_days == (
                round(line.counts["days_to_result"] / timed, 1) if timed else None
            )
        total_days = sum(c["days_to_result"] for c in expected.values())
        total_timed = sum(c["results_timed"] for c in expected.values())
        assert report.total.average_days == round(total_days / total_timed, 1)
    client, _ = staff_client(app, make_user, Role.ADMIN, [])
    for slug in ("tien-do", "thu-tuc"):
        response = client.get(f"/can-bo/thong-ke/{slug}.csv?ky=thang&ngay=2026-11-03")
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert AVERAGE_DAYS in rows[0]
        column = rows[0].index(AVERAGE_DAYS)
        assert any(row[column] not in ("", "0") for row in rows[1:])
