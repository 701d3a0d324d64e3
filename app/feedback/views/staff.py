"""The unit's feedback queue: complaints to answer by their due day (overdue highlighted) and
low ratings' comments to read. Staff see only their units' rows; any other answers 404."""

from __future__ import annotations

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from app.core import clock
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status
from app.feedback import operations, queries, rules
from app.feedback.forms import AnswerForm

bp = Blueprint("feedback_staff", __name__, url_prefix="/can-bo")


@bp.route("/phan-anh")
@require(Permission.VIEW_UNIT_DOSSIERS)
def queue():
    today = clock.today()
    items = queries.unit_queue(current_user.unit_ids)
    return render(
        "feedback/staff_queue.html",
        items=items,
        overdue={i.id for i in items if rules.is_overdue(i.due_on, i.is_answered, today)},
    )


@bp.route("/phan-anh/<id:feedback_id>", methods=["GET", "POST"])
@require(Permission.VIEW_UNIT_DOSSIERS)
def item(feedback_id: int):
    found = queries.feedback_in_units(feedback_id, current_user.unit_ids) or abort(404)
    form = AnswerForm()
    if not found.is_answered and form.validate_on_submit():
        with domain_errors(form):
            operations.answer_feedback(found, form.answer.data, current_user.id)
            flash("Đã gửi trả lời.", "success")
            return go(url_for("feedback_staff.item", feedback_id=found.id))
    return render(
        "feedback/staff_item.html",
        status=form_status(form),
        item=found,
        form=form,
        overdue=rules.is_overdue(found.due_on, found.is_answered, clock.today()),
        reasons=rules.REASONS,
    )
