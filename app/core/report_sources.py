"""Numbers other domains add to the statistics dashboard (app/reports), by registration.

The dashboard lives above most domains; one that counts something of its own (satisfaction
ratings, complaints and their answers) registers a :class:`Source` at start-up, and the
dashboard shows a table of its numbers per unit, with CSV and XLSX like its own tables. The
source counts with SQL aggregates, as the dashboard's own queries do, and returns only counts.
The public page /thong-ke shows only the dashboard's own numbers for now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

# (unit id, procedure id) → metric → count.
Counts = Mapping[tuple[int, int], Mapping[str, int]]


@dataclass(frozen=True)
class Source:
    slug: str  # the table's file name (/can-bo/thong-ke/<slug>.csv)
    title: str  # the table's heading, in Vietnamese
    columns: Mapping[str, str]  # metric → column heading, in order
    # count(first day, last day, today, unit ids or None for all, procedure id or None)
    count: Callable[[date, date, date, frozenset[int] | None, int | None], Counts]


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add (or replace, on a second app in the same process) a source of numbers."""
    _SOURCES[source.slug] = source


def sources() -> list[Source]:
    return list(_SOURCES.values())


def unregister(slug: str) -> None:
    _SOURCES.pop(slug, None)
