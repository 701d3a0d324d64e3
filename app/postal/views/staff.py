"""The post office's pages, part one: the day's round, who does which item, the route sheet.

Every route of the ``postal`` blueprint needs Permission.POSTAL_WORK and sees only the worker's
own post office: another office's item answers 404. Every step is a POST form that works
without JavaScript; a step already taken by someone else answers 409 with the item's new
state. The blueprint's other pages: one item and its steps (staff_items.py), its printed
papers (staff_papers.py), the hand-over to the agency (staff_handover.py), the cash report
(staff_cash.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from app.accounts.models import User
from app.core import clock
from app.core.bounds import parse_day, parse_id
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go, local_target
from app.core.roles import Permission, has_permission
from app.core.transaction import refusals
from app.documents import postal as docs
from app.extensions import db
from app.postal.errors import PostalError
from app.postal.forms import AssignForm
from app.postal.models import PostOffice, Shipment
from app.postal.operations.pickup import assign as assign_worker
from app.postal.queries import papers
from app.postal.queries.round import (
    ANYONE,
    DayFilter,
    amounts,
    deliveries,
    office_staff,
    pickups,
    the_day,
)
from app.postal.views.printing import pdf_or_503

bp = Blueprint("postal", __name__, url_prefix="/buu-dien")


def ip() -> str:
    return request.remote_addr or ""


def own_office() -> PostOffice:
    office = current_user.post_office
    if office is None:
        abort(403)
    return office


def shipment_or_404(shipment_id: int) -> Shipment:
    """An item of the worker's office, of a submitted dossier."""
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.post_office_id != current_user.post_office_id:
        abort(404)
    if shipment.dossier.is_draft:
        abort(404)
    return shipment


def day_arg(name: str = "ngay") -> date:
    return parse_day(request.args.get(name), name) or clock.today()


def _filters() -> DayFilter:
    return DayFilter(
        day=day_arg(),
        worker=request.args.get("nhan-vien", ANYONE)[:12],
        commune=request.args.get("xa", "")[:10],
    )


@bp.route("/")
@require(Permission.POSTAL_WORK)
def today():
    office = own_office()
    filters = _filters()
    return render(
        "postal/today.html",
        office=office,
        filters=filters,
        **the_day(office, filters),
        can_assign=has_permission(current_user, Permission.POSTAL_MANAGE),
        previous_day=filters.day - timedelta(days=1),
        next_day=filters.day + timedelta(days=1),
    )


def _worker_name(office: PostOffice, worker: str) -> str:
    """The name on a route sheet: the worker chosen (of this office), or the whole office."""
    worker_id = parse_id(worker)
    if worker_id is None:
        return "Cả bưu cục"
    user = db.session.get(User, worker_id)
    if user is None or user.post_office_id != office.id:
        abort(404)
    return user.full_name


@bp.route("/lo-trinh.pdf")
@require(Permission.POSTAL_WORK)
def route_sheet():
    """The round of one worker (``nhan-vien``), or of the whole office, for one day."""
    office = own_office()
    filters = _filters()
    name = _worker_name(office, filters.worker)
    stops = pickups(office, filters) + deliveries(office, filters)
    sheet = papers.route_sheet(office, name, filters.day, stops, amounts(stops))
    filename = f"lo-trinh-{filters.day:%Y%m%d}.pdf"
    return pdf_or_503(lambda: docs.render_route_sheet(sheet), filename)


@bp.route("/buu-gui/<id:shipment_id>/phan-cong", methods=["POST"])
@require(Permission.POSTAL_WORK)
def assign(shipment_id: int):
    """The head gives an item to any worker of the office; a worker takes one for themselves."""
    shipment = shipment_or_404(shipment_id)
    form = AssignForm()
    if has_permission(current_user, Permission.POSTAL_MANAGE):
        form.worker.choices = [(u.id, u.full_name) for u in office_staff(own_office())]
    else:
        form.worker.choices = [(current_user.id, current_user.full_name)]
    if not form.validate():
        flash("Vui lòng chọn nhân viên trong danh sách.", "error")
        return go(local_target(request.form.get("next"), url_for("postal.today")))
    with refusals(PostalError) as refused:
        assign_worker(shipment, form.worker.data)
    if refused.error is not None:
        flash(refused.error.message, "error")
    else:
        flash(f"Đã phân công bưu gửi của hồ sơ {shipment.dossier.code}.", "success")
    return go(local_target(request.form.get("next"), url_for("postal.today")))
