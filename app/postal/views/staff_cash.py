"""The post office's pages: the cash report of a day or a period, on screen and printed.
Routes of the ``postal`` blueprint (app/postal/views/staff.py)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, request
from flask_login import current_user

from app.accounts.models import User
from app.core.bounds import parse_id
from app.core.htmx import render
from app.core.permissions import require
from app.core.roles import Permission, has_permission
from app.documents import postal as docs
from app.extensions import db
from app.postal.models import PostOffice
from app.postal.queries import papers
from app.postal.queries.cash import cash as cash_summary
from app.postal.queries.round import office_staff
from app.postal.views.printing import pdf_or_503
from app.postal.views.staff import bp, day_arg, own_office

# The longest period one report covers.
LONGEST = timedelta(days=92)


def _cash_scope() -> tuple[PostOffice, date, date, int | None, str]:
    """(office, first day, last day, staff id or None for everyone, label)."""
    office = own_office()
    first = day_arg("tu")
    last = day_arg("den") if request.args.get("den") else first
    if last < first:
        first, last = last, first
    if last - first > LONGEST:
        first = last - LONGEST
    if has_permission(current_user, Permission.POSTAL_MANAGE):
        chosen = request.args.get("nhan-vien", "")
        staff_id = parse_id(chosen)
        staff = db.session.get(User, staff_id) if staff_id is not None else None
        if staff is not None and staff.post_office_id != office.id:
            abort(404)
    else:
        staff = current_user
    label = staff.full_name if staff is not None else "Tất cả nhân viên"
    return office, first, last, staff.id if staff is not None else None, label


@bp.route("/bao-cao-thu")
@require(Permission.POSTAL_WORK)
def cash():
    office, first, last, staff_id, label = _cash_scope()
    return render(
        "postal/cash.html",
        office=office,
        first=first,
        last=last,
        staff_id=staff_id,
        staff_label=label,
        summary=cash_summary(office, first, last, staff_id),
        staff=office_staff(office),
        can_choose=has_permission(current_user, Permission.POSTAL_MANAGE),
        period=papers.period_label(first, last),
    )


@bp.route("/bao-cao-thu.pdf")
@require(Permission.POSTAL_WORK)
def cash_pdf():
    office, first, last, staff_id, label = _cash_scope()
    summary = cash_summary(office, first, last, staff_id)
    report = papers.cash_report(office, first, last, label, summary)
    filename = f"bao-cao-thu-{first:%Y%m%d}-{last:%Y%m%d}.pdf"
    return pdf_or_503(lambda: docs.render_cash_report(report), filename)
