"""Pickup slots from weekly templates: holidays, closed days and make-up Saturdays."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.dossiers.deadlines import WorkingCalendar
from app.postal.schedule import SlotTemplate, generate_slots, parse_slot_key, slot_key

MORNING = (time(8, 0), time(11, 0))
AFTERNOON = (time(14, 0), time(17, 0))


def weekdays(*windows: tuple[time, time], capacity: int = 6) -> list[SlotTemplate]:
    return [SlotTemplate(d, s, e, capacity) for d in range(5) for s, e in windows]


def test_a_week_with_the_24_november_holiday() -> None:
    slots = generate_slots(weekdays(MORNING), date(2026, 11, 23), 7, WorkingCalendar())
    assert [s.day for s in slots] == [
        date(2026, 11, 23),
        date(2026, 11, 25),
        date(2026, 11, 26),
        date(2026, 11, 27),
    ]
    assert slots[0].label == "Thứ Hai 23/11/2026, 08:00–11:00"


def test_closed_days_and_ordering() -> None:
    slots = generate_slots(
        weekdays(AFTERNOON, MORNING),
        date(2026, 11, 25),
        2,
        WorkingCalendar(),
        closed_days=frozenset({date(2026, 11, 26)}),
    )
    assert [(s.day, s.start) for s in slots] == [
        (date(2026, 11, 25), time(8, 0)),
        (date(2026, 11, 25), time(14, 0)),
    ]


def test_make_up_saturday_needs_a_saturday_template() -> None:
    calendar = WorkingCalendar(extra_working_days=frozenset({date(2026, 11, 28)}))
    assert generate_slots(weekdays(MORNING), date(2026, 11, 28), 1, calendar) == []
    saturday = [SlotTemplate(5, *MORNING, 3)]
    slots = generate_slots(saturday, date(2026, 11, 28), 1, calendar)
    assert len(slots) == 1 and slots[0].capacity == 3
    # An ordinary Saturday is not a working day: no slot even with a template.
    assert generate_slots(saturday, date(2026, 12, 5), 1, WorkingCalendar()) == []


def test_identical_windows_are_one_slot() -> None:
    templates = [SlotTemplate(0, *MORNING, 4), SlotTemplate(0, *MORNING, 9)]
    assert len(generate_slots(templates, date(2026, 11, 23), 1, WorkingCalendar())) == 1


@pytest.mark.parametrize(
    "args",
    [(7, *MORNING, 1), (0, time(11, 0), time(8, 0), 1), (0, *MORNING, 0)],
)
def test_bad_templates_are_refused(args) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        SlotTemplate(*args)


def test_a_slot_is_named_by_its_day_and_window() -> None:
    (slot,) = generate_slots(weekdays(MORNING), date(2026, 11, 25), 1, WorkingCalendar())
    assert slot.key == slot_key(date(2026, 11, 25), *MORNING) == "2026-11-25T08:00-11:00"
    assert parse_slot_key(slot.key) == (date(2026, 11, 25), *MORNING)


@pytest.mark.parametrize(
    "key",
    [
        "",
        None,
        "42",
        "2026-11-25",
        "2026-11-25T08:00",
        "2026-11-31T08:00-11:00",
        "2026-11-25T8:00-11:00",
        "2026-11-25T08:00:00-11:00",
        "2026-11-25T08:00-11:00x",
    ],
)
def test_anything_else_is_no_slot_name(key) -> None:  # type: ignore[no-untyped-def]
    assert parse_slot_key(key) is None
