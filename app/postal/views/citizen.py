"""The citizen books the home pickup of their papers: in the journey, or later from the
dossier page, until the worker has come (DOMAIN.md §6, leg A).

The slot list comes from the post office that serves the pickup commune. With htmx, changing
the commune reloads the list in place; without JavaScript a button does the same by reloading
the page. A slot that fills up between the page and the tap answers 409 with a clear message
and a fresh list; nothing typed is lost.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user

from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission, has_permission
from app.dossiers.models import Dossier
from app.dossiers.policy import editable_or_404, is_helper
from app.extensions import db
from app.postal import services
from app.postal.forms import BookingForm
from app.postal.models import PickupSlot
from app.postal.services import BOOKABLE_DOSSIER_STATUSES, PostalError, SlotFull

bp = Blueprint("booking", __name__)


def _next_url(dossier: Dossier) -> str:
    if dossier.is_draft:
        return url_for("dossiers.step", dossier_id=dossier.id, step="kiem-tra")
    return url_for("dossiers.show", dossier_id=dossier.id)


def _form(dossier: Dossier) -> BookingForm:
    shipment = services.pickup_shipment(dossier)
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
                "slot": shipment.slot_id,
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


def _slots_for(commune: str) -> tuple[object | None, list[PickupSlot]]:
    office = services.post_office_for(commune or "")
    return office, (services.offered_slots(office) if office is not None else [])


def _page(dossier: Dossier, form: BookingForm, status: int = 200, message: str = ""):  # type: ignore[no-untyped-def]
    office, slots = _slots_for(form.commune.data)
    shipment = services.pickup_shipment(dossier)
    if shipment is not None and shipment.slot is not None and shipment.slot not in slots:
        slots = [shipment.slot, *slots]  # the booked slot is full because of this booking
    form.slot.choices = [(s.id, s.id) for s in slots]
    db.session.commit()  # slots created on first sight
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
        and (shipment is None or shipment.status == services.PICKUP_BOOKED),
    )


@bp.route("/ho-so/<int:dossier_id>/hen-buu-dien", methods=["GET", "POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def book(dossier_id: int):
    dossier = editable_or_404(dossier_id)
    if is_helper(current_user, dossier) and has_permission(current_user, Permission.POSTAL_WORK):
        abort(404)  # at the post-office counter the papers are taken there and then
    if "post" not in (dossier.procedure.channels or []):
        abort(404)
    form = _form(dossier)
    if request.method == "GET" or request.form.get("refresh"):
        return _page(dossier, form)
    if not form.validate():
        return _page(dossier, form, 422)
    slot = db.session.get(PickupSlot, form.slot.data)
    if slot is None:
        form.slot.errors = ["Khung giờ này không còn. Vui lòng chọn khung giờ khác."]
        return _page(dossier, form, 422)
    try:
        services.book_pickup(
            dossier,
            slot,
            commune_code=form.commune.data,
            village=form.village.data,
            street=form.street.data or "",
            landmark=form.landmark.data or "",
            contact_phone=form.contact_phone.data,
            actor=current_user,
            ip=request.remote_addr or "",
        )
    except SlotFull as full:
        db.session.rollback()
        form.slot.errors = [full.message]
        return _page(_reload(dossier_id), form, 409, full.message)
    except PostalError as refused:
        db.session.rollback()
        target = getattr(form, refused.field, None) if refused.field else None
        if target is not None:
            target.errors = [refused.message]
        return _page(_reload(dossier_id), form, 422, refused.message)
    db.session.commit()
    flash(
        f"Đã hẹn bưu điện đến nhận giấy tờ: {slot.start:%H:%M}–{slot.end:%H:%M} "
        f"ngày {slot.day:%d/%m/%Y}.",
        "success",
    )
    return go(_next_url(dossier))


def _reload(dossier_id: int) -> Dossier:
    return editable_or_404(dossier_id)


@bp.route("/ho-so/<int:dossier_id>/hen-buu-dien/huy", methods=["POST"])
@require(Permission.APPLY)
def cancel(dossier_id: int):
    dossier = editable_or_404(dossier_id)
    shipment = services.pickup_shipment(dossier)
    if shipment is None or dossier.owner_id != current_user.id:
        abort(404)
    try:
        services.cancel_pickup(shipment, current_user, request.remote_addr or "")
    except PostalError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return go(_next_url(dossier))
    if dossier.is_draft:  # how the papers travel must be chosen again
        dossier.intake_channel = ""
        dossier.steps_saved = [s for s in dossier.steps_saved or [] if s != "nhan-tra"]
    db.session.commit()
    flash("Đã hủy lịch hẹn bưu điện đến nhận hồ sơ.", "success")
    return go(
        url_for("dossiers.step", dossier_id=dossier.id, step="nhan-tra")
        if dossier.is_draft
        else _next_url(dossier)
    )
