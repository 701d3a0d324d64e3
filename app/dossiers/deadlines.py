"""Working-day arithmetic for processing deadlines (DOMAIN.md §5).

Rules implemented here:

* Working days are Monday to Friday, minus Vietnamese public holidays (with observed
  days and announced swaps), plus announced make-up Saturdays (*ngày làm bù*). The
  ``holidays`` package models all of this for ``VN``; an administrator's override table
  (:class:`WorkingCalendar`) adds swaps announced after that package was released.
* Counting starts on the day the complete dossier is received, or on the next working
  day when it is received on a non-working day or after the procedure's cut-off time.
* The day counting starts is not itself counted (Civil Code 2015, Art. 147): the due
  date is the n-th working day after it; n = 0 means the same day.

It also says how a dossier stands against its due date (:func:`deadline`), for the queues
and the dossier pages.

Pure functions, no Flask or database imports.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import holidays

from app.core.clock import VIETNAM_TZ
from app.dossiers.statuses import DossierStatus

DEFAULT_CUTOFF = time(15, 0)


@functools.lru_cache(maxsize=64)
def _vn_holidays(year: int) -> holidays.HolidayBase:
    """Official Vietnamese holidays of one year, Vietnamese names, observed days kept.

    Cached per year: building the object computes lunar dates. ``expand=False`` keeps
    the cached object immutable as long as it is only asked about dates of ``year``.
    """
    return holidays.country_holidays("VN", years=year, language="vi", observed=True, expand=False)


@dataclass(frozen=True)
class WorkingCalendar:
    """The official calendar plus the administrator's overrides.

    ``extra_working_days`` wins over everything (a make-up Saturday announced late);
    ``extra_days_off`` comes next (an extra day off announced late); otherwise the
    ``holidays`` package decides, which already honours weekends, public holidays and
    the make-up Saturdays it knows about.
    """

    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def is_working_day(self, d: date) -> bool:
        if d in self.extra_working_days:
            return True
        if d in self.extra_days_off:
            return False
        return _vn_holidays(d.year).is_working_day(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        candidate = d + timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate += timedelta(days=1)
        return candidate

    def holiday_name(self, d: date) -> str | None:
        """Vietnamese name of the public holiday on ``d``, or ``None``.

        Only the official holidays are named; an administrator's extra day off has no
        name here (the override table carries its own label), and a day in
        ``extra_working_days`` is not a day off, so it has no holiday name.
        """
        if d in self.extra_working_days:
            return None
        name = _vn_holidays(d.year).get(d)
        return str(name) if name is not None else None


def _local(received_at: datetime) -> datetime:
    """Vietnam local time of ``received_at``; a naive datetime is taken as local."""
    if received_at.tzinfo is None:
        return received_at
    return received_at.astimezone(VIETNAM_TZ)


def counting_start(
    received_at: datetime,
    calendar: WorkingCalendar,
    cutoff: time | None = DEFAULT_CUTOFF,
) -> date:
    """The day from which the processing time is counted.

    ``received_at`` is when the complete dossier reached the competent authority. A
    naive datetime is taken as Vietnam local time; an aware one is converted to it.

    * received on a non-working day -> the next working day;
    * received on a working day strictly after ``cutoff`` -> the next working day.
      The cut-off instant itself is on time: with the default 15:00, a dossier
      received at 15:00:00 counts from that day, one received at 15:00:01 (or
      15:00:00.000001) counts from the next working day;
    * otherwise -> the day received.

    ``cutoff=None`` means the procedure has no cut-off.
    """
    local = _local(received_at)
    day = local.date()
    if not calendar.is_working_day(day):
        return calendar.next_working_day(day)
    if cutoff is not None and local.time().replace(tzinfo=None) > cutoff:
        return calendar.next_working_day(day)
    return day


def add_working_days(start: date, working_days: int, calendar: WorkingCalendar) -> date:
    """The ``working_days``-th working day strictly after ``start`` (``start`` if 0)."""
    if working_days < 0:
        raise ValueError(f"working_days must be >= 0, got {working_days}")
    day = start
    for _ in range(working_days):
        day = calendar.next_working_day(day)
    return day


def due_date(
    received_at: datetime,
    working_days: int,
    calendar: WorkingCalendar,
    cutoff: time | None = DEFAULT_CUTOFF,
) -> date:
    """Appointment date for the result of a dossier.

    ``start = counting_start(received_at, calendar, cutoff)``; with ``working_days``
    n = 0 the due date is ``start`` itself, otherwise the n-th working day strictly
    after ``start`` (the day counting starts is not counted, Civil Code 2015,
    Art. 147). Raises ``ValueError`` for a negative n.
    """
    start = counting_start(received_at, calendar, cutoff)
    return add_working_days(start, working_days, calendar)


def working_days_left(today: date, due: date, calendar: WorkingCalendar) -> int:
    """Signed number of working days between ``today`` and ``due``.

    * ``due >= today``: the number of working days ``d`` with ``today < d <= due``
      (today itself is not counted). 0 when due is today: the result is due by the
      end of today. Example: today Monday, due Wednesday of an ordinary week -> 2.
    * ``due < today``: minus the number of working days ``d`` with
      ``due < d <= today``, i.e. how many working days the dossier is overdue.
      Example: due Friday, today the next Monday -> -1 (the weekend is not counted).

    Caveat: when only non-working days lie after a past due date (due Friday, today
    Saturday) the result is 0 although the dossier is late; compare ``today > due``
    to decide lateness, and use this number only for display.
    """
    if due >= today:
        low, high, sign = today, due, 1
    else:
        low, high, sign = due, today, -1
    count = 0
    day = low + timedelta(days=1)
    while day <= high:
        if calendar.is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return sign * count


# --- how a dossier stands against its due date --------------------------------------------------

_RUNNING = (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.SUBMITTED)


def promised_date(dossier: Any) -> date | None:
    """The date first promised on Mẫu 01: an apology moves the due date, not the promise."""
    return dossier.original_due_date or dossier.due_date


def working_days_taken(start: date, finished_on: date, calendar: WorkingCalendar) -> int:
    """The working days a dossier took: those after the day counting started, up to and
    including the day it was finished (the day counting starts is not counted, as for the due
    date: a result handed over on the due date took exactly the procedure's days)."""
    return max(working_days_left(start, finished_on, calendar), 0)


def days_taken(dossier: Any, finished_on: date, calendar: WorkingCalendar) -> int | None:
    """Working days from acceptance to ``finished_on`` (None when never accepted), plus the
    days used before a supplement when the procedure's clock resumes (``working_days_used``
    is kept only then). A dossier accepted before the day counting was stored counts from the
    day its acceptance moment gives with the default cut-off."""
    if dossier.received_at is None:
        return None
    start = dossier.counting_start or counting_start(dossier.received_at, calendar)
    return working_days_taken(start, finished_on, calendar) + (dossier.working_days_used or 0)


def on_time(dossier: Any, today: date) -> bool:
    """Closed ``today``: on time when no later than the date first promised."""
    promised = promised_date(dossier)
    return promised is None or today <= promised


@dataclass(frozen=True)
class Deadline:
    """How a dossier stands against its due date, for the queue and the dossier page."""

    due: date | None
    days_left: int | None
    state: str  # "overdue" | "today" | "soon" | "ok" | "none"
    label: str
    extended: bool = False


def deadline(dossier: Any, today: date, calendar: WorkingCalendar) -> Deadline:
    """``calendar`` is passed in: a queue page asks for 25 deadlines and reads it once."""
    due = dossier.due_date
    if due is None or dossier.status not in _RUNNING:
        return Deadline(due, None, "none", "", dossier.original_due_date is not None)
    left = working_days_left(today, due, calendar)
    if today > due:
        state, label = "overdue", f"Quá hạn {max(-left, 1)} ngày làm việc"
    elif left == 0:
        state, label = "today", "Đến hạn hôm nay"
    elif left <= 2:
        state, label = "soon", f"Còn {left} ngày làm việc"
    else:
        state, label = "ok", f"Còn {left} ngày làm việc"
    return Deadline(due, left, state, label, dossier.original_due_date is not None)
