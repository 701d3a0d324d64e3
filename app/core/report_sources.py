"""Numbers other domains add to the statistics dashboard (app/reports), by registration.

The dashboard lives above most domains; one that counts something of its own (satisfaction
ratings, complaints and their answers) registers a :class:`Source` at start-up, and the
dashboard shows a table of its numbers per unit (and per procedure when ``by_procedure``),
with CSV and XLSX like its own tables. The source counts with SQL aggregates, as the
dashboard's own queries do, and returns only counts; an average or a share is a :class:`Ratio`
of two summed counts, worked out after the counts are rolled up per unit, per procedure or for
everything (never an average of averages). Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

# (unit id, procedure id; 0 when the numbers name no procedure) → metric → count.
Counts = Mapping[tuple[int, int], Mapping[str, int]]


@dataclass(frozen=True)
class Ratio:
    """A derived column: ``numerator`` / ``denominator`` (two counted metrics) × ``per``,
    rounded to ``digits``; None when the denominator is 0."""

    numerator: str
    denominator: str
    per: int = 1  # 100: a share in per cent
    digits: int = 1

    def of(self, counts: Mapping[str, int]) -> float | None:
        whole = counts.get(self.denominator, 0)
        if whole <= 0:
            return None
        return round(self.per * counts.get(self.numerator, 0) / whole, self.digits)


@dataclass(frozen=True)
class Source:
    slug: str  # the table's file name (/can-bo/thong-ke/<slug>.csv)
    title: str  # the table's heading, in Vietnamese
    # column → heading, in order; a column is a counted metric, or a key of ``ratios``
    columns: Mapping[str, str]
    # count(first day, last day, today, unit ids or None for all, procedure id or None)
    count: Callable[[date, date, date, frozenset[int] | None, int | None], Counts]
    ratios: Mapping[str, Ratio] = field(default_factory=dict)
    # columns whose value above 0 is a warning (overdue answers), highlighted like a unit
    # below its target
    alerts: frozenset[str] = frozenset()
    by_procedure: bool = False  # a second table, per procedure ("<slug>-thu-tuc")


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add (or replace, on a second app in the same process) a source of numbers."""
    _SOURCES[source.slug] = source


def sources() -> list[Source]:
    return list(_SOURCES.values())


def unregister(slug: str) -> None:
    _SOURCES.pop(slug, None)
