"""The community teams' numbers (issue 5): a page and its CSV, with the same filters.

A team member sees their own team, an officer or specialist the teams of their units' communes
(all of them from the provincial centre), the administrator every team: ``scope.scope_for``.
The permissions let in the roles that may see some teams (team members come in with
HELP_AS_VOLUNTEER, the permission of their own pages); the scope then decides what they see,
and answers 403 to anyone it gives nothing. Only counts are shown, never a citizen.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from app.assist.stats.export import csv_filename, csv_text
from app.assist.stats.report import COLUMN_LABELS, COUNT_FIELDS, Report, build_report
from app.assist.stats.scope import TeamInfo, filters_from, scope_for, teams_in_scope
from app.core import clock
from app.core.permissions import require
from app.core.roles import Permission

# The page is /ho-tro/thong-ke and its file /ho-tro/thong-ke.csv (as the register's, Mẫu 07):
# a blueprint prefix always joins its rules with "/", so the prefix stops at /ho-tro.
bp = Blueprint("assist_stats", __name__, url_prefix="/ho-tro")

# Above this many teams (or communes) with dossiers, the page asks to narrow the selection for
# the week-by-week detail: the CSV has all of it, the page stays light on a phone.
DETAIL_LIMIT = 20
ALLOWED = (Permission.VIEW_UNIT_DOSSIERS, Permission.MANAGE, Permission.HELP_AS_VOLUNTEER)


def _report() -> tuple[Report, list[TeamInfo], str]:
    """The report the query string asks for, among the teams the user may see (else 403)."""
    scope = scope_for(current_user)
    if scope is None:
        abort(403)
    teams = teams_in_scope(scope)
    filters, note = filters_from(request.args, teams, clock.today())
    return build_report(scope, filters, teams), teams, note


@bp.route("/thong-ke")
@require(*ALLOWED)
def index():
    report, teams, note = _report()
    communes = list(dict.fromkeys((t.commune_code, t.commune_name) for t in teams))
    return render_template(
        "assist/stats.html",
        report=report,
        teams=teams,
        communes=communes,
        note=note,
        columns=COLUMN_LABELS,
        fields=COUNT_FIELDS,
        detail_limit=DETAIL_LIMIT,
    )


@bp.route("/thong-ke.csv")
@require(*ALLOWED)
def export_csv():
    report, _teams, _note = _report()
    response = Response(stream_with_context(csv_text(report)), mimetype="text/csv")
    filename = csv_filename(report.filters.period)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
