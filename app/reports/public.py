"""The public statistics (/thong-ke and /api/v1/thong-ke): counts only, small cells hidden.

The same numbers as the dashboard for the province and each unit (a commune's one-stop desk),
no name, phone or code of anyone. A count from 1 to ``STATS_MIN_CELL - 1`` is shown as hidden
(None), and so is a share computed over fewer dossiers than that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.reports import rules
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


def _row(line: Line, threshold: int) -> PublicRow:
    def hidden(count: int) -> int | None:
        return None if rules.suppressed(count, threshold) else count

    counts = line.counts
    finished = counts["time:on_time"] + counts["time:late"]
    return PublicRow(
        line.label,
        line.commune_code,
        {key: hidden(counts[metric]) for key, (metric, _) in PUBLIC_METRICS.items()},
        line.online_share if counts["received"] >= threshold else None,
        line.on_time_rate if finished >= threshold else None,
        line.target,
    )


def public_report(period: Period, today: date, threshold: int) -> PublicReport:
    units = units_in(PROVINCE)
    report = build_report(period, today, PROVINCE, units, with_sources=False)
    return PublicReport(
        period,
        period.evaluation_day(today),
        threshold,
        _row(report.total, threshold),
        [_row(line, threshold) for line in report.units],
        satisfaction(period, units, threshold),
    )
