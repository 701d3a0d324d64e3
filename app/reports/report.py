"""The dashboard's report: the grouped numbers rolled up per unit, per procedure and in all,
the online share's trend, and the tables the page, the CSV and the XLSX show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.core import report_sources
from app.reports import queries, rules, summary
from app.reports.periods import Period, trend
from app.reports.scope import Scope, UnitInfo

TREND_LENGTH = 6
NO_PROCEDURE = "Không gắn với thủ tục"  # a source's numbers about a unit, no procedure named


@dataclass
class Line:
    """One row of a table: a unit, a procedure or everything, and its counts."""

    label: str
    counts: Counter[str] = field(default_factory=Counter)
    target: float | None = None
    commune_code: str = ""

    @property
    def online_share(self) -> float | None:
        return rules.share(self.counts["online"], self.counts["received"])

    @property
    def on_time_rate(self) -> float | None:
        finished = self.counts["time:on_time"] + self.counts["time:late"]
        return rules.share(self.counts["time:on_time"], finished)

    @property
    def average_days(self) -> float | None:
        """Average working days from acceptance to the result, over the results returned."""
        timed = self.counts["results_timed"]
        return round(self.counts["days_to_result"] / timed, 1) if timed else None

    @property
    def below_target(self) -> bool:
        share = self.online_share
        return self.target is not None and share is not None and share < self.target


Value = Callable[[Line], Any]
AVERAGE_DAYS = "Số ngày làm việc trung bình đến khi trả kết quả"


def metric(name: str) -> Value:
    return lambda line: line.counts[name]


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: tuple[tuple[str, Value], ...]
    alerts: frozenset[str] = frozenset()  # headings whose value above 0 is highlighted
    by_procedure: bool = False  # rows are procedures (a source's): those with its numbers
    prefix: str = ""  # a source's metrics ("<slug>:")

    def has_numbers(self, line: Line) -> bool:
        return any(v and k.startswith(self.prefix) for k, v in line.counts.items())

    def alert(self, label: str, value: Any) -> bool:
        return label in self.alerts and bool(value)


TABLES = (
    Table(
        "kenh-nop",
        "Hồ sơ tiếp nhận theo kênh",
        (
            ("Tổng số hồ sơ", metric("received")),
            *((label, metric(f"channel:{key}")) for key, label in rules.CHANNEL_LABELS.items()),
            ("Tỷ lệ trực tuyến (%)", lambda line: line.online_share),
            ("Chỉ tiêu (%)", lambda line: line.target),
        ),
    ),
    Table(
        "tien-do",
        "Tiến độ giải quyết",
        (
            *((label, metric(f"time:{key}")) for key, label in rules.TIMELINESS_LABELS.items()),
            ("Tỷ lệ đúng hạn (%)", lambda line: line.on_time_rate),
            (AVERAGE_DAYS, lambda line: line.average_days),
            ("Văn bản xin lỗi, hẹn lại", metric("apologies")),
            ("Yêu cầu bổ sung", metric("supplements")),
            ("Từ chối tiếp nhận", metric("refusals")),
        ),
    ),
    Table(
        "tra-ket-qua",
        "Trả kết quả và bưu chính công ích",
        (
            *((label, metric(f"returned:{key}")) for key, label in rules.RETURN_LABELS.items()),
            ("Bưu điện nhận hồ sơ", metric("postal_pickups")),
            ("Giao không thành công", metric("postal_failed_attempts")),
            ("Lưu giữ tại bưu điện", metric("postal_held")),
            ("Trả về cơ quan", metric("postal_returned")),
        ),
    ),
    Table(
        "phi",
        "Phí, lệ phí đã thu",
        (
            ("Số biên lai", metric("payments")),
            ("Chuyển khoản VietQR", metric("payments:vietqr")),
            ("Tiền mặt tại Một cửa", metric("payments:counter")),
            ("Tiền mặt qua bưu điện", metric("payments:post")),
            ("Số tiền (đồng)", metric("payments_amount")),
        ),
    ),
)
BY_PROCEDURE = Table(
    "thu-tuc",
    "Theo thủ tục",
    (
        ("Tổng số hồ sơ", metric("received")),
        ("Tỷ lệ trực tuyến (%)", lambda line: line.online_share),
        *((label, metric(f"time:{key}")) for key, label in rules.TIMELINESS_LABELS.items()),
        ("Tỷ lệ đúng hạn (%)", lambda line: line.on_time_rate),
        (AVERAGE_DAYS, lambda line: line.average_days),
    ),
)


def _source_value(source: report_sources.Source, key: str) -> Value:
    ratio = source.ratios.get(key)
    if ratio is None:
        return metric(f"{source.slug}:{key}")
    prefix = f"{source.slug}:"
    return lambda line: ratio.of(
        {k.removeprefix(prefix): v for k, v in line.counts.items() if k.startswith(prefix)}
    )


def source_tables(source: report_sources.Source) -> tuple[Table, ...]:
    """A source's table per unit, and per procedure when it asks; ratios are worked out on
    each line's summed counts."""
    columns = tuple((label, _source_value(source, key)) for key, label in source.columns.items())
    alerts = frozenset(source.columns[key] for key in source.alerts)
    prefix = f"{source.slug}:"
    tables = (Table(source.slug, source.title, columns, alerts, prefix=prefix),)
    if source.by_procedure:
        title = f"{source.title} theo thủ tục"
        tables += (Table(f"{source.slug}-thu-tuc", title, columns, alerts, True, prefix),)
    return tables


@dataclass
class Report:
    period: Period
    scope: Scope
    units: list[Line]
    procedures: list[Line]
    total: Line
    trend: list[tuple[Period, float | None]]
    tables: tuple[Table, ...]

    @property
    def is_empty(self) -> bool:
        return not +self.total.counts

    def table(self, slug: str) -> Table | None:
        return next((t for t in (*self.tables, BY_PROCEDURE) if t.slug == slug), None)

    def lines_of(self, table: Table) -> list[Line]:
        if table.by_procedure:
            return [line for line in self.procedures if table.has_numbers(line)]
        return self.procedures if table is BY_PROCEDURE else self.units


def _with_sources(numbers: queries.Numbers, period: Period, today: date, unit_ids) -> None:  # type: ignore[no-untyped-def]
    for source in report_sources.sources():
        counted = source.count(period.first, period.last, today, unit_ids, None)
        for key, counts in counted.items():
            for name, value in counts.items():
                numbers[key][f"{source.slug}:{name}"] += value


def _roll_up(
    numbers: queries.Numbers, key_of: Callable[[tuple[int, int]], Any]
) -> dict[Any, Counter[str]]:
    rolled: dict[Any, Counter[str]] = {}
    for key, counts in numbers.items():
        rolled.setdefault(key_of(key), Counter()).update(counts)
    return rolled


def build_report(
    period: Period,
    today: date,
    scope: Scope,
    units: Iterable[UnitInfo],
    unit_id: int | None = None,
    *,
    with_sources: bool = True,
    kept: bool = True,
) -> Report:
    """The numbers of ``period`` for the units in ``scope`` (one of them when ``unit_id``),
    from the summary tables where they are current (``kept``) or all from the dossiers."""
    units = [u for u in units if unit_id is None or u.id == unit_id]
    unit_ids = frozenset(u.id for u in units) if unit_id or scope.unit_ids is not None else None
    numbers = (summary if kept else queries).all_numbers(period, today, unit_ids)
    if with_sources:
        _with_sources(numbers, period, today, unit_ids)
    by_unit = _roll_up(numbers, lambda key: key[0])
    lines = [
        Line(u.name, by_unit.get(u.id, Counter()), u.target, u.commune_code)
        for u in units
        if u.id in by_unit
    ]
    by_procedure = _roll_up(numbers, lambda key: key[1])
    names = queries.procedure_names(by_procedure)
    procedures = [
        Line(names.get(pid) or (NO_PROCEDURE if pid == 0 else str(pid)), counts)
        for pid, counts in by_procedure.items()
    ]
    procedures.sort(key=lambda line: (-line.counts["received"], line.label))
    total = Line("Tổng cộng", sum(by_unit.values(), Counter()))
    history = []
    for earlier in trend(period, TREND_LENGTH)[:-1]:
        if kept:
            received = summary.received(earlier, today, unit_ids)
        else:
            received = queries.received(earlier, unit_ids)
        counts = sum(received.values(), Counter())
        history.append((earlier, rules.share(counts["online"], counts["received"])))
    history.append((period, total.online_share))
    extra = (
        tuple(t for s in report_sources.sources() for t in source_tables(s)) if with_sources else ()
    )
    return Report(period, scope, lines, procedures, total, history, TABLES + extra)
