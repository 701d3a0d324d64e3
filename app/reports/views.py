"""The statistics dashboard (issue 16): /can-bo/thong-ke and a CSV and an XLSX of each table.

Scoped like the back-office queues (``app/reports/scope.py``): an officer or a specialist sees
their units, the provincial centre and the administrator every unit. Counts only, never a person.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, stream_with_context
from flask_login import current_user

from app.core import clock
from app.core.bounds import parse_id
from app.core.htmx import render
from app.core.permissions import require
from app.core.roles import Permission
from app.reports import charts, export, rules
from app.reports.periods import KIND_LABELS, period_asked
from app.reports.report import BY_PROCEDURE, Report, build_report
from app.reports.scope import scope_for, units_in

bp = Blueprint("reports", __name__, url_prefix="/can-bo/thong-ke")
ALLOWED = (Permission.VIEW_UNIT_DOSSIERS, Permission.MANAGE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report() -> tuple[Report, list, int | None, str]:  # type: ignore[type-arg]
    scope = scope_for(current_user) or abort(403)
    units = units_in(scope)
    args, today = request.args, clock.today()
    period, note = period_asked(args, today)
    unit_id = parse_id(args.get("don-vi"))
    unit_id = unit_id if any(u.id == unit_id for u in units) else None
    return build_report(period, today, scope, units, unit_id), units, unit_id, note


@bp.route("")
@require(*ALLOWED)
def index():
    report, units, unit_id, note = _report()
    bars = [(line.label, line.online_share, line.target) for line in report.units]
    return render(
        "reports/dashboard.html",
        report=report,
        units=units,
        unit_id=unit_id,
        note=note,
        kinds=KIND_LABELS,
        by_procedure=BY_PROCEDURE,
        share_bars=charts.share_bars(bars),
        trend=charts.trend_columns([(p.short_label, s) for p, s in report.trend]),
        chart=charts,
        channels=rules.CHANNEL_LABELS,
        today=clock.today(),
        args={**report.period.as_args(), **({"don-vi": str(unit_id)} if unit_id else {})},
    )


@bp.route("/<slug>.<any(csv, xlsx):extension>")
@require(*ALLOWED)
def table_file(slug: str, extension: str):
    report = _report()[0]
    table = report.table(slug) or abort(404)
    if extension == "csv":
        response = Response(
            stream_with_context(export.csv_text(report, table)), mimetype="text/csv"
        )
    else:
        response = Response(export.xlsx_bytes(report, table), mimetype=XLSX)
    name = export.filename(report, table, extension)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
