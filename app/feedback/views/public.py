"""Phản ánh, kiến nghị: anyone sends one about a dossier (by its code) or a unit, gets a
reference code, and reads its state and the unit's answer by that code.

The sender's name is required (a unit answers a person, and Decree 20/2008/NĐ-CP asks for the
sender's name [check]); the phone is optional: only for the SMS that says the answer is
there, since the answer is read by code. Neither ever shows on the page read by code."""

from __future__ import annotations

import os

from flask import Blueprint, abort, request, url_for

from app.catalogue.queries import all_units, unit_by_code
from app.core import clock
from app.core.htmx import render
from app.core.limits import limited
from app.core.permissions import public
from app.core.responses import go
from app.core.transaction import domain_errors, form_status
from app.dossiers.queries.dossiers import normalise_code, submitted_by_code
from app.feedback import operations, queries, rules
from app.feedback.forms import FeedbackForm

bp = Blueprint("feedback_public", __name__)

NO_DOSSIER = "Không tìm thấy hồ sơ có mã này. Vui lòng kiểm tra lại mã trên giấy tiếp nhận."


def _form() -> FeedbackForm:
    form = FeedbackForm() if request.method == "POST" else FeedbackForm(
        formdata=None, data={"client_token": os.urandom(12).hex()}
    )  # fmt: skip
    form.unit.choices = [("", "(Chọn cơ quan)")] + [(u.code, u.name) for u in all_units()]
    return form


def _send(form: FeedbackForm):  # type: ignore[no-untyped-def]
    code = normalise_code(form.dossier_code.data or "")
    dossier = submitted_by_code(code) if code else None
    if code and dossier is None:
        form.dossier_code.errors = [NO_DOSSIER]
        return None
    unit = unit_by_code(form.unit.data) if form.unit.data and dossier is None else None
    return operations.send_feedback(
        body=form.body.data,
        name=form.name.data,
        phone=form.phone.data or "",
        dossier=dossier,
        unit_id=unit.id if unit is not None else None,
        client_token=(form.client_token.data or "")[:40],
    )


@bp.route("/phan-anh", methods=["GET", "POST"])
@public
@limited("feedback")
def new():
    form = _form()
    if form.validate_on_submit():
        with domain_errors(form):
            item = _send(form)
            if item is not None:
                return go(url_for("feedback_public.show", code=item.code, moi=1))
    return render("feedback/new.html", status=form_status(form), form=form)


@bp.route("/phan-anh/<code>")
@public
@limited("lookup")
def show(code: str):
    item = queries.feedback_by_code(code) or abort(404)
    if item.code != code:
        return go(url_for("feedback_public.show", code=item.code))
    overdue = rules.is_overdue(item.due_on, item.is_answered, clock.today())
    return render(
        "feedback/show.html", item=item, overdue=overdue, new=request.args.get("moi") == "1"
    )


@bp.route("/phan-anh/tra-cuu")
@public
@limited("lookup")
def lookup():
    typed = request.args.get("ma", "").strip()[:20]
    item = queries.feedback_by_code(typed) if typed else None
    if item is not None:
        return go(url_for("feedback_public.show", code=item.code))
    status = 404 if typed else 200
    return render("feedback/lookup.html", status=status, typed=typed, missing=bool(typed))
