"""The administrator's calendar overrides: days off and make-up working days announced after
the official calendar, used to count every deadline."""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for

from app.catalogue.models import CalendarOverride
from app.core import clock
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status
from app.dossiers.calendar import OVERRIDE_KINDS
from app.dossiers.forms import OverrideForm
from app.dossiers.operations.calendar import delete_override, upsert_override
from app.dossiers.queries.calendar import calendar_page
from app.extensions import db

bp = Blueprint("dossiers_admin", __name__, url_prefix="/quan-tri")


@bp.route("/ngay-nghi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def calendar():
    today = clock.today()
    form = OverrideForm()
    if request.method == "GET":
        form.kind.data = "day_off"
    if form.validate_on_submit():
        with domain_errors(form):
            row, created = upsert_override(
                form.day.data, form.kind.data, form.note.data or "", today
            )
            verb = "Đã thêm" if created else "Đã cập nhật"
            flash(f"{verb} ngày {row.day:%d/%m/%Y}: {OVERRIDE_KINDS[row.kind]}.", "success")
            return go(url_for("dossiers_admin.calendar"))
    return render(
        "dossiers/admin/calendar.html",
        "dossiers/admin/_override_form.html",
        form_status(form),
        form=form,
        **calendar_page(today),
    )


@bp.route("/ngay-nghi/<id:override_id>/xoa", methods=["POST"])
@require(Permission.MANAGE)
def calendar_delete(override_id: int):
    row = db.get_or_404(CalendarOverride, override_id)
    day = row.day
    delete_override(row)
    flash(f"Đã xóa ngày {day:%d/%m/%Y} khỏi danh sách; ngày này theo lịch chính thức.", "success")
    return go(url_for("dossiers_admin.calendar"))
