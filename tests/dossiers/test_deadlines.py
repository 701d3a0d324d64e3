from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from app.dossiers.deadlines import (
    DEFAULT_CUTOFF,
    WorkingCalendar,
    _vn_holidays,
    add_working_days,
    counting_start,
    due_date,
    working_days_left,
)

OFFICIAL = WorkingCalendar()

# Every worked example of DOMAIN.md §5:
# (received, n working days, expected counting start, expected due date)
DOMAIN_EXAMPLES = [
    pytest.param(
        datetime(2026, 2, 13, 16, 0),
        7,
        date(2026, 2, 23),
        date(2026, 3, 4),
        id="fri-13-02-2026-after-cutoff-tet-skipped",
    ),
    pytest.param(
        datetime(2026, 2, 12, 9, 0),
        3,
        date(2026, 2, 12),
        date(2026, 2, 24),
        id="thu-12-02-2026-across-tet",
    ),
    pytest.param(
        datetime(2026, 8, 21, 10, 0),
        2,
        date(2026, 8, 21),
        date(2026, 8, 24),
        id="fri-21-08-2026-makeup-saturday-counts",
    ),
    pytest.param(
        datetime(2025, 4, 25, 14, 0),
        1,
        date(2025, 4, 25),
        date(2025, 4, 26),
        id="fri-25-04-2025-due-on-makeup-saturday",
    ),
    pytest.param(
        datetime(2026, 11, 23, 9, 0),
        1,
        date(2026, 11, 23),
        date(2026, 11, 25),
        id="mon-23-11-2026-culture-day-skipped",
    ),
]


@pytest.mark.parametrize(("received", "n", "start", "due"), DOMAIN_EXAMPLES)
def test_domain_worked_examples(received: datetime, n: int, start: date, due: date) -> None:
    assert counting_start(received, OFFICIAL) == start
    assert due_date(received, n, OFFICIAL) == due
    assert due_date(received, n, OFFICIAL, cutoff=time(15, 0)) == due


# --- WorkingCalendar -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 11), True),  # ordinary Wednesday
        (date(2026, 3, 14), False),  # ordinary Saturday
        (date(2026, 3, 15), False),  # Sunday
        (date(2026, 1, 1), False),  # New Year
        (date(2026, 2, 17), False),  # Tết
        (date(2026, 4, 27), False),  # Hùng Kings, observed (26/4 is a Sunday)
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 8, 22), True),  # make-up Saturday
        (date(2026, 8, 31), False),  # swapped day off
        (date(2026, 9, 2), False),
        (date(2026, 11, 24), False),  # Vietnam Culture Day, from 2026
        (date(2025, 4, 26), True),  # make-up Saturday
        (date(2025, 5, 2), False),  # swapped day off
        (date(2025, 11, 24), True),  # Culture Day is not a holiday before 2026
    ],
)
def test_is_working_day_official(day: date, expected: bool) -> None:
    assert OFFICIAL.is_working_day(day) is expected


def test_overrides_take_precedence() -> None:
    saturday = date(2026, 3, 14)
    wednesday = date(2026, 3, 11)
    tet = date(2026, 2, 17)
    calendar = WorkingCalendar(
        extra_days_off=frozenset({wednesday}),
        extra_working_days=frozenset({saturday, tet}),
    )
    assert calendar.is_working_day(saturday)
    assert calendar.is_working_day(tet)
    assert not calendar.is_working_day(wednesday)


def test_extra_working_day_wins_over_extra_day_off() -> None:
    day = date(2026, 3, 11)
    calendar = WorkingCalendar(extra_days_off=frozenset({day}), extra_working_days=frozenset({day}))
    assert calendar.is_working_day(day)


def test_calendar_is_frozen_and_hashable() -> None:
    calendar = WorkingCalendar(extra_days_off=frozenset({date(2026, 3, 11)}))
    with pytest.raises(AttributeError):
        calendar.extra_days_off = frozenset()  # type: ignore[misc]
    assert hash(calendar) == hash(WorkingCalendar(extra_days_off=frozenset({date(2026, 3, 11)})))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 11), date(2026, 3, 12)),  # strictly after a working day
        (date(2026, 3, 13), date(2026, 3, 16)),  # Friday -> Monday
        (date(2026, 3, 14), date(2026, 3, 16)),  # Saturday -> Monday
        (date(2026, 2, 13), date(2026, 2, 23)),  # over Tết
        (date(2026, 8, 21), date(2026, 8, 22)),  # make-up Saturday
        (date(2026, 12, 31), date(2027, 1, 4)),  # across the year end (1/1 holiday)
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert OFFICIAL.next_working_day(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 17), "Tết Nguyên Đán"),
        (date(2026, 11, 24), "Ngày Văn hóa Việt Nam"),
        (date(2026, 9, 2), "Quốc khánh"),
        (date(2026, 3, 11), None),
        (date(2026, 3, 14), None),  # a weekend is not a holiday
    ],
)
def test_holiday_name(day: date, expected: str | None) -> None:
    assert OFFICIAL.holiday_name(day) == expected


def test_holiday_name_of_overridden_working_day_is_none() -> None:
    tet = date(2026, 2, 17)
    assert WorkingCalendar(extra_working_days=frozenset({tet})).holiday_name(tet) is None


def test_holidays_objects_are_cached_per_year() -> None:
    assert _vn_holidays(2026) is _vn_holidays(2026)
    assert _vn_holidays(2025) is not _vn_holidays(2026)


# --- overrides applied to due dates ----------------------------------------------------


def test_extra_day_off_pushes_due_date() -> None:
    received = datetime(2026, 3, 9, 9, 0)  # Monday
    assert due_date(received, 2, OFFICIAL) == date(2026, 3, 11)
    calendar = WorkingCalendar(extra_days_off=frozenset({date(2026, 3, 10)}))
    assert due_date(received, 2, calendar) == date(2026, 3, 12)


def test_extra_day_off_on_day_of_receipt_moves_counting_start() -> None:
    calendar = WorkingCalendar(extra_days_off=frozenset({date(2026, 3, 9)}))
    received = datetime(2026, 3, 9, 9, 0)
    assert counting_start(received, calendar) == date(2026, 3, 10)
    assert due_date(received, 1, calendar) == date(2026, 3, 11)


def test_extra_working_day_pulls_due_date() -> None:
    received = datetime(2026, 3, 5, 9, 0)  # Thursday
    assert due_date(received, 2, OFFICIAL) == date(2026, 3, 9)  # Fri 6, Mon 9
    calendar = WorkingCalendar(extra_working_days=frozenset({date(2026, 3, 7)}))
    assert due_date(received, 2, calendar) == date(2026, 3, 7)  # Fri 6, Sat 7


def test_received_on_extra_working_saturday_counts_from_that_day() -> None:
    calendar = WorkingCalendar(extra_working_days=frozenset({date(2026, 3, 7)}))
    received = datetime(2026, 3, 7, 9, 0)
    assert counting_start(received, calendar) == date(2026, 3, 7)
    assert due_date(received, 1, calendar) == date(2026, 3, 9)


# --- n = 0, non-working days, cut-off --------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (datetime(2026, 2, 12, 9, 0), date(2026, 2, 12)),  # same day
        (datetime(2026, 2, 12, 16, 0), date(2026, 2, 13)),  # after cut-off: next working day
        (datetime(2026, 2, 13, 16, 0), date(2026, 2, 23)),  # after cut-off before Tết
        (datetime(2026, 2, 15, 9, 0), date(2026, 2, 23)),  # Sunday before Tết
    ],
)
def test_zero_working_days_is_the_counting_start(received: datetime, expected: date) -> None:
    assert due_date(received, 0, OFFICIAL) == expected


@pytest.mark.parametrize("received_time", [time(8, 0), time(16, 0), time(23, 59)])
def test_received_on_sunday(received_time: time) -> None:
    received = datetime.combine(date(2026, 3, 8), received_time)  # Sunday
    assert counting_start(received, OFFICIAL) == date(2026, 3, 9)
    assert counting_start(received, OFFICIAL, cutoff=None) == date(2026, 3, 9)
    assert due_date(received, 1, OFFICIAL) == date(2026, 3, 10)
    assert due_date(received, 0, OFFICIAL) == date(2026, 3, 9)


@pytest.mark.parametrize(
    ("received_time", "cutoff", "start", "due"),
    [
        (time(15, 0), DEFAULT_CUTOFF, date(2026, 3, 11), date(2026, 3, 12)),
        (time(15, 0, 0, 0), time(15, 0), date(2026, 3, 11), date(2026, 3, 12)),
        (time(15, 1), DEFAULT_CUTOFF, date(2026, 3, 12), date(2026, 3, 13)),
        (time(15, 0, 1), DEFAULT_CUTOFF, date(2026, 3, 12), date(2026, 3, 13)),
        (time(15, 0, 0, 1), DEFAULT_CUTOFF, date(2026, 3, 12), date(2026, 3, 13)),
        (time(14, 59, 59), DEFAULT_CUTOFF, date(2026, 3, 11), date(2026, 3, 12)),
        (time(15, 0), None, date(2026, 3, 11), date(2026, 3, 12)),
        (time(15, 1), None, date(2026, 3, 11), date(2026, 3, 12)),
        (time(23, 59, 59), None, date(2026, 3, 11), date(2026, 3, 12)),
        (time(11, 30), time(11, 0), date(2026, 3, 12), date(2026, 3, 13)),  # per procedure
    ],
)
def test_cutoff(received_time: time, cutoff: time | None, start: date, due: date) -> None:
    received = datetime.combine(date(2026, 3, 11), received_time)  # Wednesday
    assert counting_start(received, OFFICIAL, cutoff) == start
    assert due_date(received, 1, OFFICIAL, cutoff) == due


def test_default_cutoff_is_15_00() -> None:
    received = datetime(2026, 3, 11, 15, 1)
    assert counting_start(received, OFFICIAL) == counting_start(received, OFFICIAL, time(15, 0))


def test_cutoff_after_friday_skips_weekend() -> None:
    received = datetime(2026, 3, 13, 15, 1)
    assert counting_start(received, OFFICIAL) == date(2026, 3, 16)
    assert due_date(received, 1, OFFICIAL) == date(2026, 3, 17)


@pytest.mark.parametrize(
    ("received", "start"),
    [
        # 08:30 UTC is 15:30 in Vietnam: after the cut-off
        (datetime(2026, 3, 11, 8, 30, tzinfo=UTC), date(2026, 3, 12)),
        # 07:59 UTC is 14:59 in Vietnam: on time
        (datetime(2026, 3, 11, 7, 59, tzinfo=UTC), date(2026, 3, 11)),
        # 20:00 UTC on Tuesday is 03:00 Wednesday in Vietnam
        (datetime(2026, 3, 10, 20, 0, tzinfo=UTC), date(2026, 3, 11)),
        (datetime(2026, 3, 11, 15, 0, tzinfo=timezone(timedelta(hours=7))), date(2026, 3, 11)),
    ],
)
def test_aware_datetimes_are_read_in_vietnam_time(received: datetime, start: date) -> None:
    assert counting_start(received, OFFICIAL) == start


def test_negative_working_days_rejected() -> None:
    with pytest.raises(ValueError):
        due_date(datetime(2026, 3, 11, 9, 0), -1, OFFICIAL)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 11), -1, OFFICIAL)


# --- working_days_left -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due", "expected"),
    [
        (date(2026, 3, 11), date(2026, 3, 11), 0),  # due today
        (date(2026, 3, 9), date(2026, 3, 11), 2),  # Mon -> Wed
        (date(2026, 3, 13), date(2026, 3, 16), 1),  # Fri -> Mon
        (date(2026, 3, 14), date(2026, 3, 16), 1),  # Sat -> Mon
        (date(2026, 2, 13), date(2026, 3, 4), 8),  # over Tết, Mon 23/2 included
        (date(2026, 2, 23), date(2026, 3, 4), 7),  # from the counting start
        (date(2026, 8, 21), date(2026, 8, 24), 2),  # make-up Saturday counts
        (date(2026, 3, 12), date(2026, 3, 11), -1),  # one working day late
        (date(2026, 3, 16), date(2026, 3, 13), -1),  # due Fri, today Mon
        (date(2026, 3, 14), date(2026, 3, 13), 0),  # due Fri, today Sat: no working day yet
        (date(2026, 3, 20), date(2026, 3, 13), -5),
        (date(2026, 2, 23), date(2026, 2, 13), -1),  # Tết days are not counted as late
    ],
)
def test_working_days_left(today: date, due: date, expected: int) -> None:
    assert working_days_left(today, due, OFFICIAL) == expected


def test_working_days_left_honours_overrides() -> None:
    calendar = WorkingCalendar(
        extra_days_off=frozenset({date(2026, 3, 10)}),
        extra_working_days=frozenset({date(2026, 3, 14)}),
    )
    # Mon 9 -> Mon 16: Tue 10 off, Wed 11, Thu 12, Fri 13, Sat 14 worked, Mon 16
    assert working_days_left(date(2026, 3, 9), date(2026, 3, 16), calendar) == 5


# --- consistency over two whole years --------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_due_date_is_n_working_days_after_start(year: int) -> None:
    day = date(year, 1, 1)
    while day.year == year:
        received = datetime.combine(day, time(10, 0))
        start = counting_start(received, OFFICIAL)
        assert OFFICIAL.is_working_day(start)
        assert start >= day
        for n in range(0, 4):
            due = due_date(received, n, OFFICIAL)
            assert OFFICIAL.is_working_day(due)
            assert working_days_left(start, due, OFFICIAL) == n
        day += timedelta(days=1)
