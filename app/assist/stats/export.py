"""The CSV file of a report: team, commune, week and counts only, no personal data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.assist.stats.periods import Period
from app.assist.stats.report import COLUMN_LABELS, Counts, Report
from app.core import spreadsheet

CSV_COLUMNS = [
    "Xã, phường",
    "Tổ công nghệ số cộng đồng",
    "Thôn, bản, tổ dân phố",
    "Tuần",
    "Từ ngày",
    "Đến ngày",
    *COLUMN_LABELS.values(),
]
WHOLE_PERIOD = "Cả kỳ"
ALL_TEAMS = "Tất cả các tổ"
ALL_COMMUNES = "Tất cả các xã, phường"


def csv_rows(report: Report) -> Iterator[list[Any]]:
    """Every team week by week and over the period, then every commune the same way, then
    all of them when there are several communes (people are counted once, so the totals are
    not sums of the rows above).

    Team, commune, week and counts only: the file carries no personal data.
    """
    period = report.filters.period

    def lines(place: list[str], total: Counts, weeks: list[Counts]) -> Iterator[list[Any]]:
        for week, counts in zip(report.weeks, weeks, strict=True):
            yield [
                *place,
                week.label,
                f"{week.first:%d/%m/%Y}",
                f"{week.last:%d/%m/%Y}",
                *counts.values(),
            ]
        yield [
            *place,
            WHOLE_PERIOD,
            f"{period.first:%d/%m/%Y}",
            f"{period.last:%d/%m/%Y}",
            *total.values(),
        ]

    for row in report.teams:
        team = row.team
        yield from lines([team.commune_name, team.name, team.village], row.total, row.weeks)
    for commune in report.communes:
        yield from lines([commune.name, ALL_TEAMS, ""], commune.total, commune.weeks)
    if len(report.communes) > 1:
        yield from lines([ALL_COMMUNES, ALL_TEAMS, ""], report.total, report.by_week)


def csv_text(report: Report) -> Iterator[str]:
    """The file's text piece by piece, the header first; team and village names are typed by
    administrators, so every cell goes through :mod:`app.core.spreadsheet` (no formulas)."""
    return spreadsheet.csv_chunks(CSV_COLUMNS, csv_rows(report))


def csv_filename(period: Period) -> str:
    return f"so-lieu-to-cong-nghe-so-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
