"""The reports' numbers, counted by the database: one ``GROUP BY`` per kind of number.

Every function returns ``{(unit id, procedure id): Counter}``, the keys of the counters being
the metric names below; the rows are a few per unit and procedure, never one per dossier, so
rolling them up by commune, unit or procedure (``app/reports/report.py``) costs nothing.
The ``CASE`` expressions say what :mod:`app.reports.rules` says for one dossier.

Units are the receiving unit (the one-stop desk that took the dossier): a commune's numbers are
the dossiers its citizens filed there, wherever they were forwarded after.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, or_, select

from app.catalogue.models import Procedure
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.payments.models import Payment
from app.reports import rules
from app.reports.periods import Period

Key = tuple[int, int]
Numbers = dict[Key, Counter[str]]

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


def _channel_case() -> ColumnElement[str]:
    whens = [(Dossier.assist_team_id.is_not(None), rules.ASSISTED)]
    whens += [
        (Dossier.intake_channel == intake, channel)
        for intake, channel in rules.INTAKE_TO_CHANNEL.items()
        if channel != rules.ONLINE
    ]
    return case(*whens, else_=rules.ONLINE)


def _scoped(stmt: Select, column, unit_ids: frozenset[int] | None, procedure_id: int | None):  # type: ignore[no-untyped-def]
    if unit_ids is not None:
        stmt = stmt.where(column.in_(sorted(unit_ids) or [-1]))
    if procedure_id is not None:
        stmt = stmt.where(Dossier.procedure_id == procedure_id)
    return stmt


def _grouped(inner: Select, metric_of) -> Numbers:  # type: ignore[no-untyped-def]
    """Count ``inner``'s rows by (unit, procedure, kind): grouped over a subquery so that the
    ``CASE`` is written once (PostgreSQL would see two different expressions otherwise)."""
    sub = inner.subquery()
    stmt = select(
        sub.c.unit_id, sub.c.procedure_id, sub.c.kind, func.count(), func.sum(sub.c.amount)
    )
    stmt = stmt.group_by(sub.c.unit_id, sub.c.procedure_id, sub.c.kind)
    numbers: Numbers = defaultdict(Counter)
    for unit_id, procedure_id, kind, count, amount in db.session.execute(stmt):
        for metric, value in metric_of(kind, count, amount or 0):
            numbers[(unit_id, procedure_id)][metric] += value
    return numbers


def received(
    period: Period, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    """Dossiers submitted in the period, by channel; ``received`` is all of them."""
    inner = select(
        Dossier.receiving_unit_id.label("unit_id"),
        Dossier.procedure_id.label("procedure_id"),
        _channel_case().label("kind"),
        NO_AMOUNT,
    ).where(Dossier.submitted_at >= period.start, Dossier.submitted_at < period.end)
    inner = _scoped(inner, Dossier.receiving_unit_id, unit_ids, procedure_id)

    def metrics(kind: str, count: int, _amount: int):  # type: ignore[no-untyped-def]
        yield "received", count
        yield f"channel:{kind}", count
        if kind in rules.ONLINE_CHANNELS:
            yield "online", count

    return _grouped(inner, metrics)


def _finished() -> ColumnElement[datetime]:
    """When the dossier was finished: returning a result, stopping, refusing or withdrawing all
    set ``closed_at`` (returning sets ``returned_at`` to the same moment); indexed."""
    return Dossier.closed_at


def timeliness(
    period: Period, today: date, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    """Dossiers finished in the period (on time, late; results by the way they were returned,
    and the working days the returned ones took: ``days_to_result`` summed over
    ``results_timed`` dossiers) and dossiers still running on the evaluation day (in time,
    overdue).

    Mirrors :func:`app.reports.rules.timeliness` at ``period.evaluation_day(today)`` over the
    dossiers accepted by then and not finished before the period began.
    """
    at = period.evaluation_day(today)
    at_end = datetime.combine(at + timedelta(days=1), time.min)
    finished = _finished()
    done = and_(finished.is_not(None), finished < at_end)
    kind = case(
        (and_(done, Dossier.on_time.is_(True)), rules.ON_TIME),
        (and_(done, Dossier.on_time.is_(False)), rules.LATE),
        (done, "none"),
        (Dossier.status == DossierStatus.SUPPLEMENT_REQUESTED, "none"),
        (Dossier.due_date.is_(None), "none"),
        (Dossier.due_date >= at, rules.IN_TIME),
        else_=rules.OVERDUE,
    )
    way = case((done, Dossier.returned_via), else_="")
    returned = and_(done, Dossier.returned_via != "", Dossier.working_days_taken.is_not(None))
    inner = select(
        Dossier.receiving_unit_id.label("unit_id"),
        Dossier.procedure_id.label("procedure_id"),
        (kind + "|" + func.coalesce(way, "") + "|" + case((returned, "t"), else_="")).label("kind"),
        case((returned, Dossier.working_days_taken), else_=0).label("amount"),
    ).where(
        Dossier.received_at.is_not(None),
        Dossier.received_at < at_end,
        or_(finished.is_(None), finished >= period.start),
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

    return _grouped(inner, metrics)


def events(
    period: Period, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    """Apologies (Mẫu 04), supplements asked, refusals and the postal service's steps in the
    period, counted from the dossiers' journals."""
    inner = (
        select(
            Dossier.receiving_unit_id.label("unit_id"),
            Dossier.procedure_id.label("procedure_id"),
            DossierEvent.action.label("kind"),
            NO_AMOUNT,
        )
        .join(Dossier, Dossier.id == DossierEvent.dossier_id)
        .where(
            DossierEvent.at >= period.start,
            DossierEvent.at < period.end,
            DossierEvent.action.in_(sorted(EVENT_METRICS)),
        )
    )
    inner = _scoped(inner, Dossier.receiving_unit_id, unit_ids, procedure_id)
    return _grouped(inner, lambda kind, count, _amount: [(EVENT_METRICS[kind], count)])


def payments(
    period: Period, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    """Fees received in the period: how many receipts and how much, by way of paying."""
    inner = select(
        Payment.unit_id.label("unit_id"),
        Payment.procedure_id.label("procedure_id"),
        Payment.method.label("kind"),
        Payment.amount.label("amount"),
    ).where(Payment.at >= period.start, Payment.at < period.end)
    if unit_ids is not None:
        inner = inner.where(Payment.unit_id.in_(sorted(unit_ids) or [-1]))
    if procedure_id is not None:
        inner = inner.where(Payment.procedure_id == procedure_id)

    def metrics(kind: str, count: int, amount: int):  # type: ignore[no-untyped-def]
        yield "payments", count
        yield "payments_amount", amount
        yield f"payments:{kind}", count

    return _grouped(inner, metrics)


def all_numbers(
    period: Period, today: date, unit_ids: frozenset[int] | None, procedure_id: int | None = None
) -> Numbers:
    """Every number of the period, merged per (unit, procedure)."""
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
