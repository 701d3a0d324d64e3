"""Summary tables: the numbers of each finished day and month, so that a dashboard reads a few
thousand rows instead of a million dossiers; exactly the numbers app/reports/queries.py counts.

What is kept. Everything counted by a day that is over: dossiers received (by the day
submitted), dossiers finished with their verdict, way of return and working days (by the day
finished), journal events and payments (by their day), per unit and procedure; and each month
all of whose days are kept, summed. What is not: the dossiers still running on the evaluation
day (in time or overdue depends on that day, on the dossier's due date now and on whether it
waits for a supplement now): always counted live (``queries.running``), from two indexes.

Exactly the same numbers. A day's numbers are used only while the day is *clean*:
``ReportDay.summarised == ReportDay.version``. Any change, through the ORM, to a dossier, a
journal line or a payment of a day already kept bumps the day's ``version`` in the change's
own transaction (:func:`install`), so from that commit on the day is counted live again, until
``flask reports refresh`` summarises it anew. Today, yesterday (:data:`LAG_DAYS`) and the days
not kept yet are always live.
A refresh reads the version before it counts, and marks the day with the version it read, so a
change committed while it counts leaves the day live. Bulk SQL that bypasses the ORM (the
benches, a hand-made fix) must be followed by ``flask reports refresh --all``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, delete, event, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from app.core import clock
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.payments.models import Payment
from app.reports import queries
from app.reports.models import ReportDay, ReportNumber
from app.reports.periods import Period

DAY, MONTH = "d", "m"
# A day is kept from the day after next on: a change whose transaction began before midnight
# and committed after it (too late to mark a day it did not know was kept) is then long over.
LAG_DAYS = 2
SOURCES = (queries.received_in, queries.finished_in, queries.events_in, queries.payments_in)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days merged: [(first, day after the last), …]."""
    merged: list[tuple[date, date]] = []
    for day in sorted(days):
        if merged and merged[-1][1] == day:
            merged[-1] = (merged[-1][0], day + timedelta(days=1))
        else:
            merged.append((day, day + timedelta(days=1)))
    return merged


def _month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- reading ----------------------------------------------------------------------------------


def clean_days(first: date, last: date) -> set[date]:
    """The days from ``first`` to ``last`` whose kept numbers are current."""
    if last < first:
        return set()
    rows = db.session.scalars(
        select(ReportDay.day).where(
            ReportDay.day >= first, ReportDay.day <= last, ReportDay.summarised == ReportDay.version
        )
    )
    return set(rows)


def _kept(
    days: set[date],
    unit_ids: frozenset[int] | None,
    procedure_id: int | None,
    metrics: tuple[str, ...] = (),
) -> queries.Numbers:
    """The kept numbers of ``days``: whole months from their month rows, the rest by day."""
    months, singles = [], set(days)
    for first in sorted({d.replace(day=1) for d in days}):
        whole = _days(*_month_of(first))
        if all(d in days for d in whole):
            months.append(first)
            singles.difference_update(whole)
    spans = [and_(ReportNumber.span == MONTH, ReportNumber.day.in_(months))] if months else []
    spans += [
        and_(ReportNumber.span == DAY, ReportNumber.day >= a, ReportNumber.day < b)
        for a, b in _ranges(singles)
    ]
    numbers: queries.Numbers = defaultdict(Counter)
    if not spans:
        return numbers
    keys = (ReportNumber.unit_id, ReportNumber.procedure_id, ReportNumber.metric)
    stmt = select(*keys, func.sum(ReportNumber.value)).where(or_(*spans)).group_by(*keys)
    if unit_ids is not None:
        stmt = stmt.where(ReportNumber.unit_id.in_(sorted(unit_ids) or [-1]))
    if procedure_id is not None:
        stmt = stmt.where(ReportNumber.procedure_id == procedure_id)
    if metrics:
        stmt = stmt.where(ReportNumber.metric.in_(metrics))
    for unit_id, pid, metric, value in db.session.execute(stmt):
        numbers[(unit_id, pid)][metric] += int(value)
    return numbers


def all_numbers(
    period: Period, today: date, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> queries.Numbers:
    """What :func:`app.reports.queries.all_numbers` answers, from the kept days where they are
    clean and from the dossiers for the rest (today, the days not kept, the changed ones)."""
    return _numbers(period, today, unit_ids, procedure_id, SOURCES)


def received(period: Period, today: date, unit_ids: frozenset[int] | None) -> queries.Numbers:
    """:func:`app.reports.queries.received`, the same way (the trend's earlier periods)."""
    wanted = ("received", "online")
    numbers = _numbers(period, today, unit_ids, None, (queries.received_in,), wanted)
    return {key: Counter({m: c[m] for m in wanted}) for key, c in numbers.items()}


def _numbers(period, today, unit_ids, procedure_id, sources, metrics=()):  # type: ignore[no-untyped-def]
    clean = clean_days(period.first, min(period.last, today - timedelta(days=1)))
    numbers = _kept(clean, unit_ids, procedure_id, metrics)
    live_days = set(_days(period.first, period.last)) - clean
    live = [(_moment(a), _moment(b)) for a, b in _ranges(live_days)]
    finished_end = queries.finished_ranges(period, today)[0][1]
    for source in sources:
        ranges = live
        if source is queries.finished_in:
            ranges = [(a, min(b, finished_end)) for a, b in live if a < finished_end]
        for key, counter in source(ranges, unit_ids, procedure_id).items():
            numbers[key].update(counter)
    if not metrics:  # everything: the still-running dossiers too
        for key, counter in queries.running(period, today, unit_ids, procedure_id).items():
            numbers[key].update(counter)
    return numbers


# --- keeping ----------------------------------------------------------------------------------


def days_to_refresh(today: date, everything: bool = False) -> list[date]:
    """Make sure every finished day since the first record has its row, and answer those whose
    numbers are missing or out of date (every one with ``everything``)."""
    firsts = [
        db.session.scalar(select(func.min(column)))
        for column in (Dossier.submitted_at, Dossier.closed_at, DossierEvent.at, Payment.at)
    ]
    known = [f for f in firsts if f is not None]
    if not known:
        return []
    start = min(queries.as_date(str(f)[:10]) for f in known)
    days = _days(start, today - timedelta(days=LAG_DAYS))
    have = set(db.session.scalars(select(ReportDay.day).where(ReportDay.day >= start)))
    missing = [d for d in days if d not in have]
    if missing:
        db.session.execute(insert(ReportDay), [{"day": d, "version": 0} for d in missing])
    if everything:
        return days
    stale = db.session.scalars(
        select(ReportDay.day).where(
            ReportDay.day >= start,
            ReportDay.day <= today - timedelta(days=LAG_DAYS),
            or_(ReportDay.summarised.is_(None), ReportDay.summarised != ReportDay.version),
        )
    )
    return sorted(stale)


def by_month(days: Iterable[date]) -> dict[date, list[date]]:
    months: dict[date, list[date]] = defaultdict(list)
    for day in days:
        months[day.replace(day=1)].append(day)
    return months


def summarise(days: list[date], today: date) -> int:
    """Count ``days`` (finished days of one month) again from the dossiers, keep their numbers
    and mark them with the version read first; then the month's rows again, if it is over.
    Answers the number of rows written. The caller commits (one transaction per month)."""
    # Two refreshes at once (a timer overlapping a hand-run --all) take turns per month: the
    # month's day rows are locked first, so the second deletes the first's rows, never adds to
    # them (PostgreSQL; SQLite has a single writer anyway).
    first, last = _month_of(days[0])
    query = (
        select(ReportDay.day, ReportDay.version)
        .where(ReportDay.day >= first, ReportDay.day <= last)
        .with_for_update()
    )
    wanted = set(days)
    versions = {row.day: row.version for row in db.session.execute(query) if row.day in wanted}
    db.session.execute(
        delete(ReportNumber).where(ReportNumber.span == DAY, ReportNumber.day.in_(days))
    )
    counted: dict[tuple[date, int, int], Counter[str]] = defaultdict(Counter)
    ranges = [(_moment(a), _moment(b)) for a, b in _ranges(days)]
    for source in SOURCES:
        for key, counter in source(ranges, None, None, by_day=True).items():
            counted[key].update(counter)
    rows = [
        {"span": DAY, "day": day, "unit_id": unit, "procedure_id": pid, "metric": m, "value": v}
        for (day, unit, pid), counter in counted.items()
        for m, v in counter.items()
        if v
    ]
    if rows:
        db.session.execute(insert(ReportNumber), rows)
    for day, version in versions.items():
        db.session.execute(
            update(ReportDay)
            .where(ReportDay.day == day)
            .values(summarised=version, refreshed_at=clock.now())
        )
    return len(rows) + _month_rows(days[0], today)


def _month_rows(day: date, today: date) -> int:
    first, last = _month_of(day)
    db.session.execute(
        delete(ReportNumber).where(ReportNumber.span == MONTH, ReportNumber.day == first)
    )
    if last >= today:
        return 0
    keys = (ReportNumber.unit_id, ReportNumber.procedure_id, ReportNumber.metric)
    summed = (
        select(*keys, func.sum(ReportNumber.value))
        .where(ReportNumber.span == DAY, ReportNumber.day >= first, ReportNumber.day <= last)
        .group_by(*keys)
    )
    rows = [
        {"span": MONTH, "day": first, "unit_id": u, "procedure_id": p, "metric": m, "value": v}
        for u, p, m, v in db.session.execute(summed)
    ]
    if rows:
        db.session.execute(insert(ReportNumber), rows)
    return len(rows)


# --- changes mark their days ------------------------------------------------------------------

DOSSIER_FIELDS = (
    "submitted_at",
    "intake_channel",
    "assist_team_id",
    "receiving_unit_id",
    "procedure_id",
    "closed_at",
    "received_at",
    "on_time",
    "returned_via",
    "working_days_taken",
)


def _values(state: Any, name: str) -> list[Any]:
    history = state.attrs[name].history
    return [v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None]


def _changed(state: Any, names: Iterable[str]) -> bool:
    return any(state.attrs[name].history.has_changes() for name in names)


def _touched_days(session: Session) -> set[date]:
    days: set[date] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        state = inspect(obj)
        if isinstance(obj, Dossier):
            if not (state.deleted or obj in session.deleted or _changed(state, DOSSIER_FIELDS)):
                continue
            for name in ("submitted_at", "closed_at"):
                days.update(v.date() for v in _values(state, name))
            if _changed(state, ("receiving_unit_id", "procedure_id")) and obj.id is not None:
                moments = session.scalars(
                    select(DossierEvent.at).where(DossierEvent.dossier_id == obj.id)
                )
                days.update(m.date() for m in moments)
        elif isinstance(obj, DossierEvent | Payment):
            days.update(v.date() for v in _values(state, "at"))
    return days


def _mark(session: Session, _context: Any, _instances: Any) -> None:
    days = {d for d in _touched_days(session) if d < clock.today()}
    if days:
        session.execute(
            update(ReportDay)
            .where(ReportDay.day.in_(sorted(days)))
            .values(version=ReportDay.version + 1)
        )


def install() -> None:
    """Mark the kept days a flush changes (once per process)."""
    if not event.contains(Session, "before_flush", _mark):
        event.listen(Session, "before_flush", _mark)
