"""The citizen books the home pickup of their papers: in the journey, or later from the
dossier page, until the worker has come (DOMAIN.md §6, leg A).

The slot list comes from the post office that serves the pickup commune; showing it writes
nothing (app/postal/queries/slots.py). With htmx, changing the commune reloads the list in
place; without JavaScript a button does the same by reloading the page. A slot that fills up
between the page and the tap answers 409 with a clear message and a fresh list; nothing typed
is lost.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core.errors import DomainError
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission, has_permission
from app.core.transaction import refusals
from app.dossiers.models import Dossier
from app.dossiers.policy import editable_or_404, is_helper
from app.postal.errors import PostalError, SlotFull
from app.postal.forms import BookingForm
from app.postal.operations.booking import (
    BOOKABLE_DOSSIER_STATUSES,
    PICKUP_BOOKED,
    book_pickup,
    cancel_booking,
    chosen_slot,
)
from app.postal.queries.shipments import pickup_shipment, post_office_for
from app.postal.queries.slots import booking_choices

bp = Blueprint("booking", __name__)


def _ip() -> str:
    return request.remote_addr or ""


def _next_url(dossier: Dossier) -> str:
    if dossier.is_draft:
        return url_for("dossiers.step", dossier_id=dossier.id, step="kiem-tra")
    return url_for("dossiers.show", dossier_id=dossier.id)


def _bookable_or_404(dossier_id: int) -> Dossier:
    """The dossier, if its papers may go by post and this person may book for it."""
    dossier = editable_or_404(dossier_id)
    if is_helper(current_user, dossier) and has_permission(current_user, Permission.POSTAL_WORK):
        abort(404)  # at the post-office counter the papers are taken there and then
    if "post" not in (dossier.procedure.channels or []):
        abort(404)
    return dossier


def _form(dossier: Dossier) -> BookingForm:
    shipment = pickup_shipment(dossier)
    if request.method == "POST":
        form = BookingForm()
    elif shipment is not None:
        form = BookingForm(
            formdata=None,
            data={
                "commune": shipment.commune_code,
                "village": shipment.village,
                "street": shipment.street,
                "landmark": shipment.landmark,
                "contact_phone": shipment.contact_phone,
                "slot": shipment.slot.key if shipment.slot is not None else None,
            },
        )
    else:
        form = BookingForm(
            formdata=None,
            data={
                "commune": request.args.get("commune") or dossier.address_commune_code,
                "village": dossier.address_village,
                "street": dossier.address_street,
                "contact_phone": dossier.applicant_phone,
            },
        )
    if request.method == "GET" and request.args.get("commune"):
        form.commune.data = request.args["commune"][:10]  # the htmx slot list of a commune
        form.province.data = None
    form.set_communes("", current_app.config["PROVINCE_CODE"])
    return form


def _page(dossier: Dossier, form: BookingForm, status: int = 200, message: str = "") -> Response:
    office = post_office_for(form.commune.data)
    shipment = pickup_shipment(dossier)
    slots = booking_choices(office, shipment.slot if shipment is not None else None)
    form.slot.choices = [(s.key, s.key) for s in slots]
    return render(
        "postal/booking.html",
        "postal/_slots.html" if request.args.get("chi-khung-gio") else None,
        status=status,
        dossier=dossier,
        form=form,
        office=office,
        slots=slots,
        shipment=shipment,
        message=message,
        changeable=dossier.status in BOOKABLE_DOSSIER_STATUSES
        and (shipment is None or shipment.status == PICKUP_BOOKED),
    )


def _refused(dossier_id: int, form: BookingForm, refused: DomainError) -> Response:
    """The page again after the rules refused: the message beside its field and at the top."""
    if refused.field in form:
        form[refused.field].errors = [refused.message]
    return _page(editable_or_404(dossier_id), form, refused.status, refused.message)


@bp.route("/ho-so/<id:dossier_id>/hen-buu-dien", methods=["GET", "POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def book(dossier_id: int):
    dossier = _bookable_or_404(dossier_id)
    form = _form(dossier)
    if request.method == "GET" or request.form.get("refresh"):
        return _page(dossier, form)
    if not form.validate():
        return _page(dossier, form, 422)
    with refusals(PostalError, SlotFull) as refused:  # a refusal undoes the booking only
        slot = chosen_slot(form.commune.data, form.slot.data)
        if slot is None:
            form.slot.errors = ["Khung giờ này không còn. Vui lòng chọn khung giờ khác."]
            return _page(dossier, form, 422)
        book_pickup(dossier, slot, **form.pickup_address(), actor=current_user, ip=_ip())
    if refused.error is not None:
        return _refused(dossier_id, form, refused.error)
    flash(
        f"Đã hẹn bưu điện đến nhận giấy tờ: {slot.start:%H:%M}–{slot.end:%H:%M} "
        f"ngày {slot.day:%d/%m/%Y}.",
        "success",
    )
    return go(_next_url(dossier))


@bp.route("/ho-so/<id:dossier_id>/hen-buu-dien/huy", methods=["POST"])
@require(Permission.APPLY)
def cancel(dossier_id: int):
    dossier = editable_or_404(dossier_id)
    shipment = pickup_shipment(dossier)
    if shipment is None or dossier.owner_id != current_user.id:
        abort(404)
    with refusals(PostalError) as refused:
        cancel_booking(dossier, shipment, current_user, _ip())
    if refused.error is not None:
        flash(refused.error.message, "error")
        return go(_next_url(dossier))
    flash("Đã hủy lịch hẹn bưu điện đến nhận hồ sơ.", "success")
    if dossier.is_draft:  # how the papers travel must be chosen again
        return go(url_for("dossiers.step", dossier_id=dossier.id, step="nhan-tra"))
    return go(_next_url(dossier))
