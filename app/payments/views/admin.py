"""/quan-tri/chuyen-khoan: transfers into an account no unit collects into (SePay linked to an
account that is not a collection account, a statement of another account). No unit's queue
shows them, so the administrator decides: send one to a unit's reconciliation queue, or mark
it no unit's fee, with a note. Permission.MANAGE only; unit staff never see them (their
queue reads their own units' transfers only).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from app.catalogue.queries import all_units
from app.core.bounds import parse_id
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status
from app.payments import queries
from app.payments.forms import RouteForm
from app.payments.operations.transfers import ROUTES, route

bp = Blueprint("payments_admin", __name__, url_prefix="/quan-tri/chuyen-khoan")


@bp.route("/")
@require(Permission.MANAGE)
def transfers():
    waiting = request.args.get("xem") != "da-xu-ly"
    rows, older = queries.unassigned(waiting, parse_id(request.args.get("truoc")))
    return render(
        "payments/admin/transfers.html",
        transfers=rows,
        waiting=waiting,
        older=older,
        count=queries.unassigned_count(),
    )


@bp.route("/<id:transfer_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def transfer(transfer_id: int):
    record = queries.administered_transfer(transfer_id) or abort(404)
    form = RouteForm()
    form.unit.choices = [(0, "Chọn đơn vị"), *((u.id, f"{u.name} ({u.code})") for u in all_units())]
    if record.unit_id is None and record.state == "review" and form.validate_on_submit():
        unit = queries.unit_by_id(form.unit.data) if form.decision.data == "unit" else None
        with domain_errors(form):
            route(record, current_user, form.decision.data, form.note.data, unit)
            flash(f"Đã xử lý khoản chuyển: {ROUTES[form.decision.data]}.", "success")
            return go(url_for("payments_admin.transfer", transfer_id=record.id))
    return render(
        "payments/admin/transfer.html", status=form_status(form), transfer=record, form=form
    )
