"""The post office's pages: the day's round, each item's steps, hand-overs, the counter, cash.

Every route needs Permission.POSTAL_WORK and sees only the worker's own post office: another
office's item answers 404. Every step is a POST form that works without JavaScript; a step
already taken by someone else answers 409 with the item's new state.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go, pdf
from app.core.roles import Permission, has_permission
from app.documents import postal as docs
from app.documents.receipt import render_receipt
from app.dossiers.receipt import receipt_document
from app.extensions import db
from app.postal import legs, papers, queries
from app.postal.flow import FAILURE_REASONS, FINAL, IllegalStep, Leg
from app.postal.forms import AssignForm, CollectForm, DeliverForm, FailForm, ManifestForm
from app.postal.models import HandoverManifest, PostalPayment, PostOffice, Shipment
from app.postal.services import PostalError

bp = Blueprint("postal", __name__, url_prefix="/buu-dien")


def _ip() -> str:
    return request.remote_addr or ""


def _office() -> PostOffice:
    office = current_user.post_office
    if office is None:
        abort(403)
    return office


def _shipment_or_404(shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.post_office_id != current_user.post_office_id:
        abort(404)
    if shipment.dossier.is_draft:
        abort(404)
    return shipment


def _day_arg(name: str = "ngay") -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return clock.today()


def _render_or_503(build, filename: str, **context):  # type: ignore[no-untyped-def]
    try:
        return pdf(build(), filename)
    except Exception:  # WeasyPrint, fonts, disk: the page says try again, nothing is lost
        current_app.logger.exception("postal PDF %s failed", filename)
        return render("postal/print_failed.html", status=503, **context)


# --- the day ----------------------------------------------------------------------------------


def _filters() -> queries.DayFilter:
    return queries.DayFilter(
        day=_day_arg(),
        worker=request.args.get("nhan-vien", queries.ANYONE)[:12],
        commune=request.args.get("xa", "")[:10],
    )


@bp.route("/")
@require(Permission.POSTAL_WORK)
def today():
    office = _office()
    filters = _filters()
    pickups = queries.pickups(office, filters)
    deliveries = queries.deliveries(office, filters)
    to_hand_over = queries.to_hand_over(office)
    return render(
        "postal/today.html",
        office=office,
        filters=filters,
        pickups=pickups,
        deliveries=deliveries,
        counter=queries.counter_waiting(office),
        held=queries.held(office),
        to_hand_over=to_hand_over,
        units={u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(to_hand_over)))},
        waiting_at_agencies=queries.results_waiting_at_agencies(office),
        staff=queries.office_staff(office),
        communes=sorted({s.commune_code for s in pickups + deliveries} | set(office.commune_codes)),
        amounts={s.id: legs.amount_to_collect(s) for s in pickups + deliveries},
        can_assign=has_permission(current_user, Permission.POSTAL_MANAGE),
        previous_day=filters.day - timedelta(days=1),
        next_day=filters.day + timedelta(days=1),
    )


@bp.route("/lo-trinh.pdf")
@require(Permission.POSTAL_WORK)
def route_sheet():
    """The round of one worker (``nhan-vien``), or of the whole office, for one day."""
    office = _office()
    filters = _filters()
    name = "Cả bưu cục"
    if filters.worker.isdigit():
        worker = db.session.get(User, int(filters.worker))
        if worker is None or worker.post_office_id != office.id:
            abort(404)
        name = worker.full_name
    stops = queries.pickups(office, filters) + queries.deliveries(office, filters)
    sheet = papers.route_sheet(
        office, name, filters.day, stops, {s.id: legs.amount_to_collect(s) for s in stops}
    )
    return _render_or_503(
        lambda: docs.render_route_sheet(sheet), f"lo-trinh-{filters.day:%Y%m%d}.pdf"
    )


@bp.route("/buu-gui/<int:shipment_id>/phan-cong", methods=["POST"])
@require(Permission.POSTAL_WORK)
def assign(shipment_id: int):
    """The head gives an item to any worker of the office; a worker takes one for themselves."""
    shipment = _shipment_or_404(shipment_id)
    form = AssignForm()
    staff = queries.office_staff(_office())
    if has_permission(current_user, Permission.POSTAL_MANAGE):
        form.worker.choices = [(u.id, u.full_name) for u in staff]
    else:
        form.worker.choices = [(current_user.id, current_user.full_name)]
    if not form.validate():
        flash("Vui lòng chọn nhân viên trong danh sách.", "error")
    elif shipment.status in FINAL:
        flash("Bưu gửi đã xong, không cần phân công.", "error")
    else:
        shipment.worker_id = form.worker.data
        db.session.commit()
        flash(f"Đã phân công bưu gửi của hồ sơ {shipment.dossier.code}.", "success")
    return go(request.form.get("next") or url_for("postal.today"))


# --- one item -------------------------------------------------------------------------------


def _collect_form_rows(shipment: Shipment) -> list[dict]:
    """The checklist as it is shown: what was counted, or the procedure's list to count."""
    if shipment.documents:
        return shipment.documents
    return legs.checklist(shipment.dossier)


def _shipment_page(shipment: Shipment, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    dossier = shipment.dossier
    collect = forms.get("collect") or CollectForm(
        formdata=None,
        data={
            "fee": legs.expected_fee(dossier),
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
        rows=_collect_form_rows(shipment),
        counted=forms.get("counted"),
        collect_form=collect,
        deliver_form=deliver,
        fail_form=forms.get("fail") or FailForm(formdata=None),
        error=forms.get("error", ""),
        payments=shipment.payments,
        failure_labels=FAILURE_REASONS,
        today=clock.today(),
    )


@bp.route("/buu-gui/<int:shipment_id>")
@require(Permission.POSTAL_WORK)
def shipment(shipment_id: int):
    return _shipment_page(_shipment_or_404(shipment_id))


def _refused(shipment: Shipment, error: Exception, **forms):  # type: ignore[no-untyped-def]
    db.session.rollback()
    shipment = _shipment_or_404(shipment.id)
    if isinstance(error, IllegalStep):
        return _shipment_page(shipment, 409, error=error.message)
    form = next(iter(forms.values()), None)
    field = getattr(form, getattr(error, "field", ""), None) if form is not None else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
        return _shipment_page(shipment, 422, **forms)
    return _shipment_page(shipment, 422, error=error.message, **forms)


def _counted_from(request_form, rows: list[dict]) -> list[legs.CountedDocument]:  # type: ignore[no-untyped-def]
    return [
        legs.CountedDocument(
            code=row["code"],
            present=request_form.get(f"present-{row['code']}") == "1",
            kind=request_form.get(f"kind-{row['code']}", row["kind"]),
        )
        for row in rows
    ]


@bp.route("/buu-gui/<int:shipment_id>/nhan", methods=["POST"])
@require(Permission.POSTAL_WORK)
def collect(shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    form = CollectForm()
    counted = _counted_from(request.form, legs.checklist(shipment.dossier))
    marks = {c.code: c for c in counted}
    if not form.validate():
        return _shipment_page(shipment, 422, collect=form, counted=marks)
    try:
        legs.collect(
            shipment,
            current_user,
            counted,
            seal_number=form.seal_number.data,
            fee=form.fee.data or 0,
            postage=form.postage.data or 0,
            ip=_ip(),
        )
    except (PostalError, IllegalStep) as error:
        return _refused(shipment, error, collect=form)
    db.session.commit()
    flash(
        f"Đã nhận hồ sơ. Số hiệu bưu gửi: {shipment.item_number}. In giấy tờ bên dưới.", "success"
    )
    return go(url_for("postal.shipment", shipment_id=shipment.id))


@bp.route("/buu-gui/<int:shipment_id>/giao-di", methods=["POST"])
@require(Permission.POSTAL_WORK)
def out_for_delivery(shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    try:
        legs.out_for_delivery(shipment, current_user, ip=_ip())
    except (PostalError, IllegalStep) as error:
        return _refused(shipment, error)
    db.session.commit()
    flash("Đã ghi nhận: đang đi giao. Người dân được báo qua tin nhắn.", "success")
    return go(url_for("postal.shipment", shipment_id=shipment.id))


@bp.route("/buu-gui/<int:shipment_id>/da-giao", methods=["POST"])
@require(Permission.POSTAL_WORK)
def deliver(shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    form = DeliverForm()
    if not form.validate():
        return _shipment_page(shipment, 422, deliver=form)
    try:
        legs.deliver(
            shipment,
            current_user,
            recipient_name=form.recipient_name.data,
            relation=form.relation.data,
            id_checked=form.id_checked.data,
            postage=form.postage.data or 0,
            note=form.note.data or "",
            ip=_ip(),
        )
    except (PostalError, IllegalStep) as error:
        return _refused(shipment, error, deliver=form)
    db.session.commit()
    flash("Đã giao kết quả.", "success")
    return go(url_for("postal.shipment", shipment_id=shipment.id))


@bp.route("/buu-gui/<int:shipment_id>/khong-giao-duoc", methods=["POST"])
@require(Permission.POSTAL_WORK)
def fail(shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    form = FailForm()
    if not form.validate():
        return _shipment_page(shipment, 422, fail=form)
    try:
        held = legs.fail(
            shipment, current_user, reason=form.reason.data, note=form.note.data or "", ip=_ip()
        )
    except (PostalError, IllegalStep) as error:
        return _refused(shipment, error, fail=form)
    db.session.commit()
    if held:
        flash(
            f"Đã ghi nhận lần giao không thành công. Kết quả được lưu giữ tại bưu cục đến hết "
            f"ngày {shipment.held_until:%d/%m/%Y}; người dân được báo qua tin nhắn.",
            "success",
        )
    else:
        flash("Đã ghi nhận lần giao không thành công; bưu gửi được xếp giao lại.", "success")
    return go(url_for("postal.shipment", shipment_id=shipment.id))


@bp.route("/buu-gui/<int:shipment_id>/tra-lai", methods=["POST"])
@require(Permission.POSTAL_WORK)
def return_to_agency(shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    try:
        legs.return_to_agency(shipment, current_user, ip=_ip())
    except (PostalError, IllegalStep) as error:
        return _refused(shipment, error)
    db.session.commit()
    flash("Đã ghi nhận trả kết quả về cơ quan.", "success")
    return go(url_for("postal.shipment", shipment_id=shipment.id))


# --- the papers of one item ---------------------------------------------------------------


def _collected_or_404(shipment_id: int) -> Shipment:
    shipment = _shipment_or_404(shipment_id)
    if not shipment.item_number:
        abort(404)
    return shipment


@bp.route("/buu-gui/<int:shipment_id>/nhan-dan.pdf")
@require(Permission.POSTAL_WORK)
def label_pdf(shipment_id: int):
    shipment = _collected_or_404(shipment_id)
    return _render_or_503(
        lambda: docs.render_label(papers.label(shipment)),
        f"nhan-{shipment.item_number}.pdf",
        shipment=shipment,
    )


@bp.route("/buu-gui/<int:shipment_id>/danh-muc-giay-to.pdf")
@require(Permission.POSTAL_WORK)
def document_list_pdf(shipment_id: int):
    shipment = _collected_or_404(shipment_id)
    if shipment.leg != Leg.PICKUP:
        abort(404)
    return _render_or_503(
        lambda: docs.render_document_list(papers.document_list(shipment)),
        f"danh-muc-giay-to-{shipment.item_number}.pdf",
        shipment=shipment,
    )


@bp.route("/bien-lai/<int:payment_id>.pdf")
@require(Permission.POSTAL_WORK)
def fee_receipt_pdf(payment_id: int):
    payment = db.session.get(PostalPayment, payment_id)
    if payment is None or payment.post_office_id != current_user.post_office_id:
        abort(404)
    layout = "80mm" if request.args.get("kho") == "80" else "a5"
    return _render_or_503(
        lambda: docs.render_fee_receipt(papers.fee_receipt(payment), layout),
        f"bien-lai-{payment.receipt_number}.pdf",
        shipment=payment.shipment,
    )


@bp.route("/buu-gui/<int:shipment_id>/giay-tiep-nhan.pdf")
@require(Permission.POSTAL_WORK)
def receipt_pdf(shipment_id: int):
    """Mẫu 01 printed at the counter, on A5 or on the 80 mm thermal printer."""
    shipment = _shipment_or_404(shipment_id)
    if not shipment.at_counter:
        abort(404)
    document = receipt_document(shipment.dossier)
    thermal = request.args.get("kho") == "80"
    return _render_or_503(
        lambda: docs.render_receipt_80mm(document) if thermal else render_receipt(document),
        f"giay-tiep-nhan-{shipment.dossier.code}.pdf",
        shipment=shipment,
    )


# --- hand-over to the agency --------------------------------------------------------------


@bp.route("/bien-ban/moi/<int:unit_id>", methods=["GET", "POST"])
@require(Permission.POSTAL_WORK)
def new_manifest(unit_id: int):
    office = _office()
    unit = db.session.get(Unit, unit_id)
    waiting = queries.to_hand_over(office).get(unit_id, [])
    if unit is None:
        abort(404)
    form = ManifestForm()
    form.items.choices = [(s.id, s.item_number or "") for s in waiting]
    if request.method == "GET":
        form.items.data = [s.id for s in waiting]
    elif form.validate():
        chosen = [s for s in waiting if s.id in form.items.data]
        try:
            manifest = legs.dispatch(current_user, unit, chosen, ip=_ip())
        except (PostalError, IllegalStep) as error:
            db.session.rollback()
            flash(error.message, "error")
            return go(url_for("postal.new_manifest", unit_id=unit_id))
        db.session.commit()
        flash(f"Đã lập biên bản {manifest.number}. In biên bản để ký khi giao.", "success")
        return go(url_for("postal.manifest", manifest_id=manifest.id))
    status = 422 if form.errors else 200
    return render("postal/new_manifest.html", status=status, form=form, unit=unit, waiting=waiting)


def _manifest_or_404(manifest_id: int) -> HandoverManifest:
    manifest = db.session.get(HandoverManifest, manifest_id)
    if manifest is None or manifest.post_office_id != current_user.post_office_id:
        abort(404)
    return manifest


@bp.route("/bien-ban/<int:manifest_id>")
@require(Permission.POSTAL_WORK)
def manifest(manifest_id: int):
    return render("postal/manifest.html", manifest=_manifest_or_404(manifest_id))


@bp.route("/bien-ban/<int:manifest_id>.pdf")
@require(Permission.POSTAL_WORK)
def manifest_pdf(manifest_id: int):
    record = _manifest_or_404(manifest_id)
    return _render_or_503(
        lambda: docs.render_manifest(papers.manifest(record)), f"{record.number}.pdf"
    )


# --- the cash report --------------------------------------------------------------------------


def _cash_scope():  # type: ignore[no-untyped-def]
    """(office, first day, last day, staff id or None for everyone, label)."""
    office = _office()
    first = _day_arg("tu")
    last = _day_arg("den") if request.args.get("den") else first
    if last < first:
        first, last = last, first
    if last - first > timedelta(days=92):
        first = last - timedelta(days=92)
    if has_permission(current_user, Permission.POSTAL_MANAGE):
        chosen = request.args.get("nhan-vien", "")
        staff = db.session.get(User, int(chosen)) if chosen.isdigit() else None
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
        summary=queries.cash(office, first, last, staff_id),
        staff=queries.office_staff(office),
        can_choose=has_permission(current_user, Permission.POSTAL_MANAGE),
        period=papers.period_label(first, last),
    )


@bp.route("/bao-cao-thu.pdf")
@require(Permission.POSTAL_WORK)
def cash_pdf():
    office, first, last, staff_id, label = _cash_scope()
    report = papers.cash_report(
        office, first, last, label, queries.cash(office, first, last, staff_id)
    )
    return _render_or_503(
        lambda: docs.render_cash_report(report), f"bao-cao-thu-{first:%Y%m%d}-{last:%Y%m%d}.pdf"
    )
