"""The reports' numbers, counted by the database: one ``GROUP BY`` per kind of number.

Every function returns ``{(unit id, procedure id): Counter}``, the keys of the counters being
the metric names below (with ``by_day``, ``{(day, unit id, procedure id): Counter}``: what the
summary tables keep, app/reports/summary.py); the rows are a few per unit and procedure, never
one per dossier, so rolling them up by commune, unit or procedure (``app/reports/report.py``)
costs nothing. The ``CASE`` expressions say what :mod:`app.reports.rules` says for one dossier.
The ``*_in`` functions count over any set of ranges of moments (a period, or the days of it the
summary tables do not hold); the still-running dossiers depend on the evaluation day and are
always counted here (:func:`running`).

Units are the receiving unit (the one-stop desk that took the dossier): a commune's numbers are
the dossiers its citizens filed there, wherever they were forwarded after.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from app.catalogue.models import Procedure
from app.core.days import day_end
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.payments.models import Payment
from app.reports import rules
from app.reports.periods import Period

Key = tuple[int, int]
Numbers = dict[Key, Counter[str]]
# Half-open ranges of moments [start, end): a period, or the days of it not summarised yet.
Ranges = list[tuple[datetime, datetime]]
# With ``by_day``: {(day, unit id, procedure id): Counter}, for the summary tables.
DayNumbers = dict[tuple[date, int, int], Counter[str]]

# Events counted per period (DossierEvent.action → metric).
EVENT_METRICS = {
    "extended": "apologies",
    "supplement_requested": "supplements",
    "refused": "refusals",
    "postal_picked_up": "postal_pickups",
    "postal_delivery_failed": "postal_failed_attempts",
    "postal_held": "postal_held",
    "postal_returned_to_agency": "postal_returned",
}


# Counts that sum no money (written inline: the index-only scans need no other column).
NO_AMOUNT = literal_column("0").label("amount")
NO_DAY = literal_column("NULL").label("day")


def _channel_case() -> ColumnElement[str]:
    whens = [(Dossier.assist_team_id.is_not(None), rules.ASSISTED)]
    whens += [
        (Dossier.intake_channel == intake, channel)
        for intake, channel in rules.INTAKE_TO_CHANNEL.items()
        if channel != rules.ONLINE
    ]
    return case(*whens, else_=rules.ONLINE)


def _scoped(  # type: ignore[no-untyped-def]
    stmt: Select,
    column,
    unit_ids: frozenset[int] | None,
    procedure_id: int | None,
    procedure_column=Dossier.procedure_id,
):
    """``stmt`` kept to ``unit_ids`` (``column``) and to one procedure when asked."""
    if unit_ids is not None:
        stmt = stmt.where(column.in_(sorted(unit_ids) or [-1]))
    if procedure_id is not None:
        stmt = stmt.where(procedure_column == procedure_id)
    return stmt


def _within(column, ranges: Ranges) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """``column`` in one of ``ranges`` (each an indexable range condition)."""
    return or_(*(and_(column >= start, column < end) for start, end in ranges))


def _day(column, by_day: bool):  # type: ignore[no-untyped-def]
    return func.date(column).label("day") if by_day else NO_DAY


def as_date(value) -> date:  # type: ignore[no-untyped-def]
    """SQLite's date() answers text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _grouped(inner: Select, metric_of, by_day: bool = False):  # type: ignore[no-untyped-def]
    """Count ``inner``'s rows by (unit, procedure, kind), and by day with ``by_day``: grouped
    over a subquery so that the ``CASE`` is written once (PostgreSQL would see two different
    expressions otherwise)."""
    sub = inner.subquery()
    keys = (sub.c.day, sub.c.unit_id, sub.c.procedure_id, sub.c.kind)
    stmt = select(*keys, func.count(), func.sum(sub.c.amount)).group_by(*keys)
    numbers: dict = defaultdict(Counter)
    for day, unit_id, procedure_id, kind, count, amount in db.session.execute(stmt):
        key = (as_date(day), unit_id, procedure_id) if by_day else (unit_id, procedure_id)
        for metric, value in metric_of(kind, count, amount or 0):
            numbers[key][metric] += value
    return numbers


def received_in(
    ranges: Ranges,
    unit_ids: frozenset[int] | None,
    procedure_id: int | None = None,
    by_day: bool = False,
):  # type: ignore[no-untyped-def]
    """Dossiers submitted in ``ranges``, by channel; ``received`` is all of them."""
    if not ranges:
        return {}
    inner = select(
        _day(Dossier.submitted_at, by_day),
        Dossier.receiving_unit_id.label("unit_id"),
        Dossier.procedure_id.label("procedure_id"),
        _channel_case().label("kind"),
        NO_AMOUNT,
    ).where(_within(Dossier.submitted_at, ranges))
    inner = _scoped(inner, Dossier.receiving_unit_id, unit_ids, procedure_id)

    def metrics(kind: str, count: int, _amount: int):  # type: ignore[no-untyped-def]
        yield "received", count
        yield f"channel:{kind}", count
        if kind in rules.ONLINE_CHANNELS:
            yield "online", count

    return _grouped(inner, metrics, by_day)


def received(
    period: Period, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    return received_in([(period.start, period.end)], unit_ids, procedure_id)


def finished_in(
    ranges: Ranges,
    unit_ids: frozenset[int] | None,
    procedure_id: int | None = None,
    by_day: bool = False,
):  # type: ignore[no-untyped-def]
    """Dossiers finished (returned, stopped, refused or withdrawn: ``closed_at``, indexed) in
    ``ranges`` after being accepted: on time or late as the workflow recorded (a withdrawal has
    no verdict), results by the way they were returned, and the working days the returned ones
    took (``days_to_result`` summed over ``results_timed`` dossiers). Counted by the day they
    were finished, so a finished day's numbers never change (the summary tables keep them)."""
    if not ranges:
        return {}
    verdict = case(
        (Dossier.on_time.is_(True), rules.ON_TIME),
        (Dossier.on_time.is_(False), rules.LATE),
        else_="none",
    )
    timed = and_(Dossier.returned_via != "", Dossier.working_days_taken.is_not(None))
    inner = select(
        _day(Dossier.closed_at, by_day),
        Dossier.receiving_unit_id.label("unit_id"),
        Dossier.procedure_id.label("procedure_id"),
        (
            verdict
            + "|"
            + func.coalesce(Dossier.returned_via, "")
            + "|"
            + case((timed, "t"), else_="")
        ).label("kind"),
        case((timed, Dossier.working_days_taken), else_=0).label("amount"),
    ).where(
        _within(Dossier.closed_at, ranges),
        Dossier.received_at.is_not(None),
        Dossier.received_at <= Dossier.closed_at,
    )
    inner = _scoped(inner, Dossier.receiving_unit_id, unit_ids, procedure_id)

    def metrics(kind: str, count: int, days: int):  # type: ignore[no-untyped-def]
        state, via, timed = kind.split("|")
        if state != "none":
            yield f"time:{state}", count
        if via:
            yield f"returned:{via}", count
        if timed:
            yield "results_timed", count
            yield "days_to_result", days

    return _grouped(inner, metrics, by_day)


def running(
    period: Period, today: date, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    """Dossiers accepted by the end of ``at`` and not finished by then: in time when due on
    ``at`` or later, overdue otherwise; a dossier waiting for the citizen's supplement now has
    its clock stopped (none). ``at`` is the period's evaluation day; a period still to come is
    judged today, over the dossiers not finished before it begins. Depends on the day it is
    judged at: always counted live."""
    at = period.evaluation_day(today)
    at_end = day_end(at)
    parts = []
    # Open now (a partial index), or finished after the day (the index on closed_at): each
    # part reads its own index alone.
    for still_open in (Dossier.closed_at.is_(None), Dossier.closed_at >= max(at_end, period.start)):
        part = select(
            Dossier.receiving_unit_id.label("unit_id"),
            Dossier.procedure_id.label("procedure_id"),
            Dossier.due_date.label("due_date"),
        ).where(
            still_open,
            Dossier.received_at.is_not(None),
            Dossier.received_at < at_end,
            Dossier.status != DossierStatus.SUPPLEMENT_REQUESTED,
            Dossier.due_date.is_not(None),
        )
        parts.append(_scoped(part, Dossier.receiving_unit_id, unit_ids, procedure_id))
    sub = union_all(*parts).subquery()
    # Counted with FILTER, grouped by unit and procedure only: PostgreSQL knows how few groups
    # that makes (a CASE among the keys made it plan for tens of thousands).
    stmt = select(
        sub.c.unit_id,
        sub.c.procedure_id,
        func.count().filter(sub.c.due_date >= at),
        func.count().filter(sub.c.due_date < at),
    ).group_by(sub.c.unit_id, sub.c.procedure_id)
    numbers: Numbers = defaultdict(Counter)
    for unit_id, pid, in_time, overdue in db.session.execute(stmt):
        for metric, value in ((rules.IN_TIME, in_time), (rules.OVERDUE, overdue)):
            if value:
                numbers[(unit_id, pid)][f"time:{metric}"] += value
    return numbers


def finished_ranges(period: Period, today: date) -> Ranges:
    """Dossiers count as finished in the period up to the end of its evaluation day."""
    at = period.evaluation_day(today)
    return [(period.start, day_end(at))]


def timeliness(
    period: Period, today: date, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    """Dossiers finished in the period (up to its evaluation day) and dossiers still running
    on the evaluation day: :func:`app.reports.rules.timeliness` at
    ``period.evaluation_day(today)``."""
    merged: Numbers = defaultdict(Counter)
    for part in (
        finished_in(finished_ranges(period, today), unit_ids, procedure_id),
        running(period, today, unit_ids, procedure_id),
    ):
        for key, counter in part.items():
            merged[key].update(counter)
    return merged


def events_in(
    ranges: Ranges,
    unit_ids: frozenset[int] | None,
    procedure_id: int | None = None,
    by_day: bool = False,
):  # type: ignore[no-untyped-def]
    """Apologies (Mẫu 04), supplements asked, refusals and the postal service's steps in
    ``ranges``, counted from the dossiers' journals."""
    if not ranges:
        return {}
    inner = (
        select(
            _day(DossierEvent.at, by_day),
            Dossier.receiving_unit_id.label("unit_id"),
            Dossier.procedure_id.label("procedure_id"),
            DossierEvent.action.label("kind"),
            NO_AMOUNT,
        )
        .join(Dossier, Dossier.id == DossierEvent.dossier_id)
        .where(
            _within(DossierEvent.at, ranges),
            DossierEvent.action.in_(sorted(EVENT_METRICS)),
        )
    )
    inner = _scoped(inner, Dossier.receiving_unit_id, unit_ids, procedure_id)
    return _grouped(inner, lambda kind, count, _amount: [(EVENT_METRICS[kind], count)], by_day)


def events(
    period: Period, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    return events_in([(period.start, period.end)], unit_ids, procedure_id)


def payments_in(
    ranges: Ranges,
    unit_ids: frozenset[int] | None,
    procedure_id: int | None = None,
    by_day: bool = False,
):  # type: ignore[no-untyped-def]
    """Fees received in ``ranges``: how many receipts and how much, by way of paying."""
    if not ranges:
        return {}
    inner = select(
        _day(Payment.at, by_day),
        Payment.unit_id.label("unit_id"),
        Payment.procedure_id.label("procedure_id"),
        Payment.method.label("kind"),
        Payment.amount.label("amount"),
    ).where(_within(Payment.at, ranges))
    inner = _scoped(inner, Payment.unit_id, unit_ids, procedure_id, Payment.procedure_id)

    def metrics(kind: str, count: int, amount: int):  # type: ignore[no-untyped-def]
        yield "payments", count
        yield "payments_amount", amount
        yield f"payments:{kind}", count

    return _grouped(inner, metrics, by_day)


def payments(
    period: Period, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    return payments_in([(period.start, period.end)], unit_ids, procedure_id)


def all_numbers(
    period: Period, today: date, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    """Every number of the period, merged per (unit, procedure), counted from the dossiers
    (the summary tables' answer must be the same: app/reports/summary.py)."""
    merged: Numbers = defaultdict(Counter)
    for part in (
        received(period, unit_ids, procedure_id),
        timeliness(period, today, unit_ids, procedure_id),
        events(period, unit_ids, procedure_id),
        payments(period, unit_ids, procedure_id),
    ):
        for key, counter in part.items():
            merged[key].update(counter)
    return merged


def procedure_names(ids: Iterable[int]) -> dict[int, str]:
    """The names of the procedures that have numbers (a few dozen at most)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.session.execute(select(Procedure.id, Procedure.name).where(Procedure.id.in_(wanted)))
    return {row.id: row.name for row in rows}
