"""Citizens' satisfaction on the public statistics (/thong-ke, /api/v1/thong-ke), per unit.

The ratings are anonymous rows (app/feedback/models.py): this counts them per unit with the
feedback's own aggregate (:func:`app.feedback.numbers.rating_counts`) and shows how many, the
average score and the share satisfied (4–5), never a comment, never a reason's free text. A
count from 1 to ``STATS_MIN_CELL - 1`` is hidden, and so are the average and the share over
fewer ratings than that; when only one unit would be hidden, the next smallest one is hidden
too (the province's total, when the others have none), so that the province's total minus the
shown units cannot give it away: the same second round as the dossiers' tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.core.report_sources import Ratio
from app.feedback.numbers import RATINGS, rating_counts
from app.reports import suppression
from app.reports.periods import Period
from app.reports.scope import UnitInfo

PROVINCE, COUNT = "province", "count"  # the cells the second round looks at


@dataclass(frozen=True)
class SatisfactionRow:
    name: str
    commune_code: str
    ratings: int | None
    average_score: float | None
    satisfied_share: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "commune_code": self.commune_code or None,
            "ratings": self.ratings,
            "average_score": self.average_score,
            "satisfied_share": self.satisfied_share,
        }


@dataclass(frozen=True)
class Satisfaction:
    province: SatisfactionRow
    units: list[SatisfactionRow]

    def as_json(self) -> dict[str, Any]:
        return {"province": self.province.as_json(), "units": [u.as_json() for u in self.units]}


def _ratio(key: str) -> Ratio:
    return RATINGS.ratios[key]


def _row(name: str, commune_code: str, counts: Counter[str], shown: bool) -> SatisfactionRow:
    if not shown:
        return SatisfactionRow(name, commune_code, None, None, None)
    return SatisfactionRow(
        name,
        commune_code,
        counts["count"],
        _ratio("average").of(counts),
        _ratio("satisfied_share").of(counts),
    )


def satisfaction(period: Period, units: Iterable[UnitInfo], threshold: int) -> Satisfaction:
    """The ratings given in ``period``: the province's and each rated unit's, small ones hidden
    (and a second one beside a lone hidden unit: :mod:`app.reports.suppression`)."""
    by_unit: dict[int | None, Counter[str]] = {}
    for (unit_id, _), counts in rating_counts(period.first, period.last).items():
        by_unit.setdefault(unit_id, Counter()).update(counts)
    rated = [(u, by_unit[u.id]) for u in units if by_unit.get(u.id, Counter())["count"]]
    total = sum(by_unit.values(), Counter())
    values = {(u.id, COUNT): c["count"] for u, c in rated} | {(PROVINCE, COUNT): total["count"]}
    related = suppression.relations([u.id for u, _ in rated], PROVINCE, [COUNT], {})
    hidden = suppression.hidden_cells(values, related, threshold)
    province = _row("Toàn tỉnh", "", total, (PROVINCE, COUNT) not in hidden)
    rows = [_row(u.name, u.commune_code, c, (u.id, COUNT) not in hidden) for u, c in rated]
    return Satisfaction(province, rows)
