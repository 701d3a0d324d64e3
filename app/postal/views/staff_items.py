"""The post office's pages: one item, and its steps (collect the papers, go out, deliver, fail,
return to the agency). Routes of the ``postal`` blueprint (app/postal/views/staff.py)."""

from __future__ import annotations

from flask import current_app, flash, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core import clock
from app.core.errors import DomainError
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import refusals
from app.postal.errors import PostalError
from app.postal.flow import FAILURE_REASONS, Actor, IllegalStep, Step, check
from app.postal.forms import CollectForm, DeliverForm, FailForm, counted_documents
from app.postal.models import Shipment
from app.postal.operations import delivery
from app.postal.operations.pickup import checklist
from app.postal.operations.pickup import collect as collect_papers
from app.postal.queries.round import expected_fee
from app.postal.views.staff import bp, ip, shipment_or_404

REFUSALS = (PostalError, IllegalStep)


def _shipment_page(shipment: Shipment, status: int = 200, **forms) -> Response:  # type: ignore[no-untyped-def]
    dossier = shipment.dossier
    collect = forms.get("collect") or CollectForm(
        formdata=None,
        data={
            "fee": expected_fee(dossier),
            "postage": current_app.config["POSTAL_POSTAGE_PICKUP"],
        },
    )
    deliver = forms.get("deliver") or DeliverForm(
        formdata=None,
        data={
            "recipient_name": shipment.recipient_name or dossier.applicant_name,
            "postage": current_app.config["POSTAL_POSTAGE_RETURN"],
        },
    )
    return render(
        "postal/shipment.html",
        status=status,
        shipment=shipment,
        dossier=dossier,
        rows=shipment.documents or checklist(dossier),  # as counted, or the list to count
        counted=forms.get("counted"),
        collect_form=collect,
        deliver_form=deliver,
        fail_form=forms.get("fail") or FailForm(formdata=None),
        error=forms.get("error", ""),
        payments=shipment.payments,
        failure_labels=FAILURE_REASONS,
        today=clock.today(),
    )


def _moved_on(shipment: Shipment, step: Step) -> Response | None:
    """409 with the reason when the item is past ``step`` (a second tab, a colleague, the API):
    its form is no longer on the page, so its errors could not be shown there."""
    try:
        check(shipment.status, step, Actor.POSTAL)
    except IllegalStep as error:
        return _shipment_page(shipment, 409, error=error.message)
    return None


def _refused(shipment: Shipment, error: DomainError, **forms) -> Response:  # type: ignore[no-untyped-def]
    """The item's page after a refusal: 409 when someone else moved it first, else 422 with
    the message beside its field (or at the top)."""
    shipment = shipment_or_404(shipment.id)
    if isinstance(error, IllegalStep):
        return _shipment_page(shipment, 409, error=error.message)
    form = next(iter(forms.values()), None)
    field = getattr(form, getattr(error, "field", ""), None) if form is not None else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
        return _shipment_page(shipment, 422, **forms)
    return _shipment_page(shipment, 422, error=error.message, **forms)


def _done(shipment: Shipment, message: str) -> Response:
    flash(message, "success")
    return go(url_for("postal.shipment", shipment_id=shipment.id))


@bp.route("/buu-gui/<id:shipment_id>")
@require(Permission.POSTAL_WORK)
def shipment(shipment_id: int):
    return _shipment_page(shipment_or_404(shipment_id))


@bp.route("/buu-gui/<id:shipment_id>/nhan", methods=["POST"])
@require(Permission.POSTAL_WORK)
def collect(shipment_id: int):
    shipment = shipment_or_404(shipment_id)
    if (moved := _moved_on(shipment, Step.COLLECT)) is not None:
        return moved
    form = CollectForm()
    counted = counted_documents(request.form, checklist(shipment.dossier))
    if not form.validate():
        return _shipment_page(shipment, 422, collect=form, counted={c.code: c for c in counted})
    fee, postage, seal = form.fee.data or 0, form.postage.data or 0, form.seal_number.data
    with refusals(*REFUSALS) as refused:
        collect_papers(
            shipment, current_user, counted, seal_number=seal, fee=fee, postage=postage, ip=ip()
        )
    if refused.error is not None:
        return _refused(shipment, refused.error, collect=form)
    number = shipment.item_number
    return _done(shipment, f"Đã nhận hồ sơ. Số hiệu bưu gửi: {number}. In giấy tờ bên dưới.")


@bp.route("/buu-gui/<id:shipment_id>/giao-di", methods=["POST"])
@require(Permission.POSTAL_WORK)
def out_for_delivery(shipment_id: int):
    shipment = shipment_or_404(shipment_id)
    with refusals(*REFUSALS) as refused:
        delivery.out_for_delivery(shipment, current_user, ip=ip())
    if refused.error is not None:
        return _refused(shipment, refused.error)
    return _done(shipment, "Đã ghi nhận: đang đi giao. Người dân được báo qua tin nhắn.")


@bp.route("/buu-gui/<id:shipment_id>/da-giao", methods=["POST"])
@require(Permission.POSTAL_WORK)
def deliver(shipment_id: int):
    shipment = shipment_or_404(shipment_id)
    if (moved := _moved_on(shipment, Step.DELIVER)) is not None:
        return moved
    form = DeliverForm()
    if not form.validate():
        return _shipment_page(shipment, 422, deliver=form)
    with refusals(*REFUSALS) as refused:
        delivery.deliver(shipment, current_user, **form.recipient(), ip=ip())
    if refused.error is not None:
        return _refused(shipment, refused.error, deliver=form)
    return _done(shipment, "Đã giao kết quả.")


@bp.route("/buu-gui/<id:shipment_id>/khong-giao-duoc", methods=["POST"])
@require(Permission.POSTAL_WORK)
def fail(shipment_id: int):
    shipment = shipment_or_404(shipment_id)
    if (moved := _moved_on(shipment, Step.FAIL)) is not None:
        return moved
    form = FailForm()
    if not form.validate():
        return _shipment_page(shipment, 422, fail=form)
    reason, note = form.reason.data, form.note.data or ""
    with refusals(*REFUSALS) as refused:
        held = delivery.fail(shipment, current_user, reason=reason, note=note, ip=ip())
    if refused.error is not None:
        return _refused(shipment, refused.error, fail=form)
    if not held:
        return _done(shipment, "Đã ghi nhận lần giao không thành công; bưu gửi được xếp giao lại.")
    return _done(
        shipment,
        f"Đã ghi nhận lần giao không thành công. Kết quả được lưu giữ tại bưu cục đến hết "
        f"ngày {shipment.held_until:%d/%m/%Y}; người dân được báo qua tin nhắn.",
    )


@bp.route("/buu-gui/<id:shipment_id>/tra-lai", methods=["POST"])
@require(Permission.POSTAL_WORK)
def return_to_agency(shipment_id: int):
    shipment = shipment_or_404(shipment_id)
    with refusals(*REFUSALS) as refused:
        delivery.return_to_agency(shipment, current_user, ip=ip())
    if refused.error is not None:
        return _refused(shipment, refused.error)
    return _done(shipment, "Đã ghi nhận trả kết quả về cơ quan.")
