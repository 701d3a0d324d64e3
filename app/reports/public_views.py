"""/thong-ke: the province's and each commune's numbers for anyone, no sign-in, no person.

Counts only (``app/reports/public.py``): small cells are hidden, nobody's name, phone or
dossier code is ever read into the page. The same numbers as JSON: /api/v1/thong-ke.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from app.core import clock
from app.core.htmx import render
from app.core.limits import limited
from app.core.permissions import public
from app.reports import charts
from app.reports.periods import KIND_LABELS, period_asked
from app.reports.public import PUBLIC_METRICS, public_report

bp = Blueprint("public_stats", __name__)


@bp.route("/thong-ke")
@public
@limited("statistics")
def index():
    args, today = request.args, clock.today()
    period, note = period_asked(args, today)
    report = public_report(period, today, current_app.config["STATS_MIN_CELL"])
    bars = [(row.name, row.online_share, row.online_target) for row in report.units]
    return render(
        "reports/public.html",
        report=report,
        note=note,
        kinds=KIND_LABELS,
        metrics=PUBLIC_METRICS,
        share_bars=charts.share_bars(bars),
        chart=charts,
    )
