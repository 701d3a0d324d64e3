"""Where the dashboard's SVG charts put their bars (pure: numbers in, coordinates out).

The template draws them (templates/reports/_charts.html): plain SVG, no script, a few hundred
bytes per bar, 320 units wide so that it fits a 360 px phone at its natural size. The numbers
are in the table under each chart as well; the chart is there to be seen at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 320
BAR_SPAN = 250  # 100 % is this wide; the value is written after the bar
ROW = 34  # a unit's name over its bar
TREND_HEIGHT = 120
LABEL_CHARS = 46


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: float
    value: float | None
    target_x: float | None
    below_target: bool


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    width: float
    y: float
    height: float
    value: float | None


def _scaled(percent: float | None) -> float:
    return round(BAR_SPAN * min(max(percent or 0.0, 0.0), 100.0) / 100, 1)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def share_bars(rows: list[tuple[str, float | None, float | None]]) -> tuple[list[Bar], int]:
    """(label, share %, target %) per unit → the bars and the chart's height."""
    bars = [
        Bar(
            _short(label),
            i * ROW,
            _scaled(value),
            value,
            _scaled(target) if target is not None else None,
            target is not None and value is not None and value < target,
        )
        for i, (label, value, target) in enumerate(rows)
    ]
    return bars, max(len(bars), 1) * ROW


def trend_columns(points: list[tuple[str, float | None]]) -> list[Column]:
    """(short period label, share %) oldest first → vertical columns over the same 0–100 %."""
    if not points:
        return []
    slot = WIDTH / len(points)
    plot = TREND_HEIGHT - 36  # room for the value above and the period's label below
    columns = []
    for i, (label, value) in enumerate(points):
        height = round(plot * min(max(value or 0.0, 0.0), 100.0) / 100, 1)
        top = 16 + plot - height
        columns.append(
            Column(label, round(i * slot + slot * 0.2, 1), round(slot * 0.6, 1), top, height, value)
        )
    return columns
