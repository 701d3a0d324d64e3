"""The public statistics (/thong-ke and /api/v1/thong-ke): counts only, small cells hidden.

The same numbers as the dashboard for the province and each unit (a commune's one-stop desk),
no name, phone or code of anyone. A count from 1 to ``STATS_MIN_CELL - 1`` is shown as hidden
(None), and so is a share computed over fewer dossiers than that; a second cell is hidden
where a published total would give a hidden one back (app/reports/suppression.py), and a share
whose parts are hidden.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app

from app.core import clock
from app.reports import rules, suppression
from app.reports.periods import Period
from app.reports.public_satisfaction import Satisfaction, satisfaction
from app.reports.report import Line, build_report
from app.reports.scope import Scope, units_in

# Public metric (JSON key) → (dashboard metric, column heading), in the order shown.
PUBLIC_METRICS: dict[str, tuple[str, str]] = {
    "received": ("received", "Tổng số hồ sơ"),
    **{f"channel_{k}": (f"channel:{k}", label) for k, label in rules.CHANNEL_LABELS.items()},
    **{k: (f"time:{k}", label) for k, label in rules.TIMELINESS_LABELS.items()},
    "apologies": ("apologies", "Văn bản xin lỗi, hẹn lại"),
    "supplements": ("supplements", "Yêu cầu bổ sung"),
    "refusals": ("refusals", "Từ chối tiếp nhận"),
    **{f"returned_{k}": (f"returned:{k}", label) for k, label in rules.RETURN_LABELS.items()},
}
PROVINCE = Scope("Toàn tỉnh", None)


@dataclass(frozen=True)
class PublicRow:
    name: str
    commune_code: str
    counts: dict[str, int | None]
    online_share: float | None
    on_time_rate: float | None
    online_target: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "commune_code": self.commune_code or None,
            "counts": self.counts,
            "online_share": self.online_share,
            "on_time_rate": self.on_time_rate,
            "online_target": self.online_target,
        }


@dataclass(frozen=True)
class PublicReport:
    period: Period
    evaluated_on: date
    min_cell: int
    province: PublicRow
    units: list[PublicRow]
    satisfaction: Satisfaction | None = None  # the ratings per unit (public_satisfaction.py)

    def as_json(self) -> dict[str, Any]:
        return {
            "period": {
                "kind": self.period.kind,
                "first": self.period.first.isoformat(),
                "last": self.period.last.isoformat(),
                "label": self.period.label,
            },
            "evaluated_on": self.evaluated_on.isoformat(),
            "min_cell": self.min_cell,
            "province": self.province.as_json(),
            "units": [row.as_json() for row in self.units],
            "satisfaction": self.satisfaction.as_json() if self.satisfaction else None,
        }


# Published totals within a row: the dossiers received are the sum of the channels.
CHANNELS = tuple(f"channel_{k}" for k in rules.CHANNEL_LABELS)
ONLINE_CHANNELS = tuple(f"channel_{k}" for k in sorted(rules.ONLINE_CHANNELS))
SUMS = {"received": CHANNELS}
TOTAL = "province"
CACHE = "motcua.public_stats"
CACHE_ENTRIES = 64


def _row(line: Line, row: Hashable, hidden: set, threshold: int) -> PublicRow:  # type: ignore[type-arg]
    counts = line.counts
    shown = {
        key: None if (row, key) in hidden else counts[metric]
        for key, (metric, _) in PUBLIC_METRICS.items()
    }
    finished = counts["time:on_time"] + counts["time:late"]
    # A share would give back a hidden count it is made of (the online channels, or the
    # dossiers on time and late): hidden with it.
    online = counts["received"] >= threshold and all(shown[k] is not None for k in ONLINE_CHANNELS)
    timely = finished >= threshold and None not in (shown["on_time"], shown["late"])
    return PublicRow(
        line.label,
        line.commune_code,
        shown,
        line.online_share if online else None,
        line.on_time_rate if timely else None,
        line.target,
    )


def _build(period: Period, today: date, threshold: int) -> PublicReport:
    units = units_in(PROVINCE)
    report = build_report(period, today, PROVINCE, units, with_sources=False)
    lines = {TOTAL: report.total, **dict(enumerate(report.units))}
    values = {
        (row, key): line.counts[metric]
        for row, line in lines.items()
        for key, (metric, _) in PUBLIC_METRICS.items()
    }
    related = suppression.relations(
        list(range(len(report.units))), TOTAL, list(PUBLIC_METRICS), SUMS
    )
    hidden = suppression.hidden_cells(values, related, threshold)
    return PublicReport(
        period,
        period.evaluation_day(today),
        threshold,
        _row(report.total, TOTAL, hidden, threshold),
        [_row(line, n, hidden, threshold) for n, line in enumerate(report.units)],
        satisfaction(period, units, threshold),
    )


def public_report(period: Period, today: date, threshold: int) -> PublicReport:
    """The public numbers of ``period``, kept ``STATS_CACHE_SECONDS`` by this process (the
    page and the JSON share them): anyone may ask, so the same question within a few minutes
    is answered without the database. Counts only: nothing in it is anyone's."""
    cache = current_app.extensions.setdefault(CACHE, {})
    key, now = (period, today, threshold), clock.now()
    kept = cache.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    report = _build(period, today, threshold)
    seconds = current_app.config["STATS_CACHE_SECONDS"]
    if seconds > 0:
        if len(cache) >= CACHE_ENTRIES:
            cache.clear()
        cache[key] = (now + timedelta(seconds=seconds), report)
    return report
