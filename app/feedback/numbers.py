"""Satisfaction and complaints on the statistics dashboard (app/reports), per unit and procedure.

Two sources registered in :mod:`app.core.report_sources`, each one ``GROUP BY`` over anonymous
rows, scoped to the units asked for:

* ratings given in the period: how many, the sum of their scores (the average is the sum over
  the count, worked out per line), how many satisfied (4–5) and how many low (≤ 2);
* complaints (not the low ratings' comments): received in the period, answered in the period
  and, of those, answered after their due day; and on the evaluation day (the period's last
  day, or today while it runs) still unanswered, and of those past their due day (overdue).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from app.core.days import day_end, day_start
from app.core.report_sources import Counts, Ratio, Source
from app.extensions import db
from app.feedback import rules
from app.feedback.models import Feedback, Rating

SATISFIED = 4  # a score at or above this is satisfied


def _one_if(condition):  # type: ignore[no-untyped-def]
    return func.sum(case((condition, 1), else_=0))


def _scoped(query, unit_column, procedure_column, unit_ids, procedure_id):  # type: ignore[no-untyped-def]
    if unit_ids is not None:
        query = query.where(unit_column.in_(sorted(unit_ids) or [-1]))
    if procedure_id is not None:
        query = query.where(procedure_column == procedure_id)
    return query


def rating_counts(
    first: date,
    last: date,
    today: date | None = None,
    unit_ids: frozenset[int] | None = None,
    procedure_id: int | None = None,
) -> Counts:
    """Per (unit, procedure): ``count``, ``score_sum``, ``satisfied``, ``low`` of the ratings
    given ``first``..``last`` (``today`` is not needed: a rating is counted the day given)."""
    query = (
        select(
            Rating.unit_id,
            Rating.procedure_id,
            func.count(),
            func.sum(Rating.score),
            _one_if(Rating.score >= SATISFIED),
            _one_if(Rating.score <= rules.LOW_SCORE),
        )
        .where(Rating.rated_on.between(first, last))
        .group_by(Rating.unit_id, Rating.procedure_id)
    )
    query = _scoped(query, Rating.unit_id, Rating.procedure_id, unit_ids, procedure_id)
    return {
        (unit, procedure): {
            "count": int(n),
            "score_sum": int(total),
            "satisfied": int(good),
            "low": int(low),
        }
        for unit, procedure, n, total, good, low in db.session.execute(query)
    }


def complaint_counts(
    first: date,
    last: date,
    today: date,
    unit_ids: frozenset[int] | None = None,
    procedure_id: int | None = None,
) -> Counts:
    """Per (unit, procedure or 0 for a complaint about the unit): ``received``, ``answered``,
    ``answered_late``, ``open`` and ``overdue`` (see the module's docstring)."""
    start, end = day_start(first), day_end(last)
    at = min(last, today)
    at_end = day_end(at)
    answered = and_(Feedback.answered_at >= start, Feedback.answered_at < end)
    still_open = and_(
        Feedback.received_at < at_end,
        or_(Feedback.answered_at.is_(None), Feedback.answered_at >= at_end),
    )
    query = (
        select(
            Feedback.unit_id,
            Feedback.procedure_id,
            _one_if(and_(Feedback.received_at >= start, Feedback.received_at < end)),
            _one_if(answered),
            _one_if(and_(answered, func.date(Feedback.answered_at) > Feedback.due_on)),
            _one_if(still_open),
            _one_if(and_(still_open, Feedback.due_on < at)),
        )
        .where(
            Feedback.kind == "complaint",
            Feedback.received_at < end,
            or_(Feedback.answered_at.is_(None), Feedback.answered_at >= start),
        )
        .group_by(Feedback.unit_id, Feedback.procedure_id)
    )
    query = _scoped(query, Feedback.unit_id, Feedback.procedure_id, unit_ids, procedure_id)
    numbers: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    names = ("received", "answered", "answered_late", "open", "overdue")
    for unit, procedure, *values in db.session.execute(query):
        numbers[(unit, procedure or 0)].update(
            {name: int(v or 0) for name, v in zip(names, values, strict=True)}
        )
    return {key: +counts for key, counts in numbers.items() if +counts}


RATINGS = Source(
    "hai-long",
    "Mức độ hài lòng của người dân",
    {
        "count": "Số lượt đánh giá",
        "average": "Điểm trung bình (1–5)",
        "satisfied_share": "Tỷ lệ hài lòng, 4–5 điểm (%)",
        "low_share": "Tỷ lệ không hài lòng, 1–2 điểm (%)",
    },
    rating_counts,
    ratios={
        "average": Ratio("score_sum", "count", 1, 2),
        "satisfied_share": Ratio("satisfied", "count", 100),
        "low_share": Ratio("low", "count", 100),
    },
    by_procedure=True,
)
COMPLAINTS = Source(
    "phan-anh",
    "Phản ánh, kiến nghị",
    {
        "received": "Tiếp nhận trong kỳ",
        "answered": "Đã trả lời trong kỳ",
        "answered_late": "Trả lời quá hạn",
        "open": "Chưa trả lời",
        "overdue": "Quá hạn chưa trả lời",
    },
    complaint_counts,
    alerts=frozenset({"overdue"}),
    by_procedure=True,
)
