"""The one-stop back office: queues, the dossier page with its actions, forms and the register."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, request, stream_with_context, url_for
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict

from app.core import clock
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors
from app.dossiers import panels
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import deadline
from app.dossiers.forms import ACTION_FORMS, action_form
from app.dossiers.models import Dossier
from app.dossiers.official_forms import available_forms
from app.dossiers.operations import read_log
from app.dossiers.operations.officer import take_action
from app.dossiers.operations.transitions import InvalidInput
from app.dossiers.policy import staff_viewable_or_404
from app.dossiers.queries import worklist
from app.dossiers.queries.backoffice import procedures
from app.dossiers.register import REGISTER_COLUMNS, csv_chunks, register_row
from app.dossiers.statuses import STATUS_LABELS
from app.dossiers.workflow import ACTION_LABELS, Action, allowed_actions, check

bp = Blueprint("backoffice", __name__, url_prefix="/can-bo")


def _ip() -> str:
    return request.remote_addr or ""


@bp.route("/", defaults={"slug": "moi"})
@bp.route("/hang-doi/<slug>")
@require(Permission.VIEW_UNIT_DOSSIERS)
def queue(slug: str):
    chosen = worklist.QUEUE_BY_SLUG.get(slug) or abort(404)
    today, calendar, units = clock.today(), working_calendar(), current_user.unit_ids
    filters = worklist.filters_from(request.args)
    stmt = worklist.queue_statement(chosen, units, filters, today, calendar)
    page = worklist.queue_page(stmt, request.args.get("sau", ""))
    return render(
        "dossiers/staff/queue.html",
        "dossiers/staff/_queue_results.html",
        queue=chosen,
        queues=worklist.QUEUES,
        counts=worklist.queue_counts(units, today, calendar),
        results=page,
        filters=filters,
        deadlines={d.id: deadline(d, today, calendar) for d in page.rows},
        procedures=procedures(),
        status_labels={s: STATUS_LABELS[s] for s in chosen.statuses},
        units=current_user.units,
    )


def _dossier_page(dossier: Dossier, status: int = 200, failed=None) -> Response:  # type: ignore[no-untyped-def]
    """The dossier with the form of every action allowed now; ``failed``: (action, its form)
    refused, shown open with its errors."""
    today = clock.today()
    allowed = allowed_actions(dossier, current_user, today)
    forms = {action: action_form(dossier, action) or abort(404) for action in allowed}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render(
        "dossiers/staff/dossier.html",
        status=status,
        dossier=dossier,
        allowed=allowed,
        forms=forms,
        action_labels=ACTION_LABELS,
        deadline=deadline(dossier, today, working_calendar()),
        official_forms=available_forms(dossier, staff=True),
        open_action=failed[0] if failed else None,
        panels=panels.panels("staff", dossier),
    )


@bp.route("/ho-so/<id:dossier_id>")
@require(Permission.VIEW_UNIT_DOSSIERS)
def dossier(dossier_id: int):
    dossier = staff_viewable_or_404(dossier_id)
    read_log.record_view(dossier, current_user, ip=_ip())
    return _dossier_page(dossier)


def _officer_action(action: str) -> Action:
    """The action named in the URL, when an officer takes it from the back office; else 404."""
    chosen = next((a for a in ACTION_FORMS if a.value == action), None)
    return chosen or abort(404)


@bp.route("/ho-so/<id:dossier_id>/<action>", methods=["POST"])
@require(Permission.VIEW_UNIT_DOSSIERS)
def act(dossier_id: int, action: str):
    dossier = staff_viewable_or_404(dossier_id)
    chosen = _officer_action(action)
    # Not allowed now (the dossier moved on): 409 with the reason, rather than its form's
    # errors on a page that no longer shows that form.
    check(dossier, chosen, current_user, clock.today())
    form = action_form(dossier, chosen, CombinedMultiDict([request.form, request.files]))
    if form.validate():
        with domain_errors(form, InvalidInput):
            take_action(dossier, chosen, current_user, form.data, ip=_ip())
            flash(f"Đã thực hiện: {ACTION_LABELS[chosen]}.", "success")
            return go(url_for("backoffice.dossier", dossier_id=dossier.id))
    return _dossier_page(dossier, 422, failed=(chosen, form))


@bp.route("/so-theo-doi")
@require(Permission.VIEW_REGISTER)
def register():
    filters = worklist.register_filters_from(request.args)
    stmt = worklist.register_statement(current_user.unit_ids, filters)
    page = worklist.register_page(stmt, request.args.get("sau", ""))
    return render(
        "dossiers/staff/register.html",
        results=page,
        filters=filters,
        procedures=procedures(),
        status_labels={k: v for k, v in STATUS_LABELS.items() if k != "draft"},
        columns=REGISTER_COLUMNS,
        row=register_row,
    )


@bp.route("/so-theo-doi.csv")
@require(Permission.VIEW_REGISTER)
def register_csv():
    filters = worklist.register_filters_from(request.args)
    dossiers = worklist.register_all(current_user.unit_ids, filters)
    response = Response(stream_with_context(csv_chunks(dossiers)), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="so-theo-doi-ho-so-{clock.today():%Y%m%d}.csv"'
    )
    return response
