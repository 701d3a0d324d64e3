"""The citizen's application journey, dossier page, receipt and "Hồ sơ của tôi"."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from app.catalogue.models import Procedure
from app.core import clock
from app.core.htmx import is_htmx, render
from app.core.identity import mask_id_number
from app.core.permissions import require
from app.core.roles import Permission, has_permission
from app.dossiers import actions, official_forms, panels, queries, services
from app.dossiers import receipt as receipts
from app.dossiers.events import log_event
from app.dossiers.forms import ApplicantForm, DeliveryForm, WithdrawForm
from app.dossiers.models import Attachment
from app.dossiers.policy import (
    can_edit,
    editable_or_404,
    is_helper,
    staff_can_view,
    viewable_or_404,
)
from app.dossiers.statuses import DossierStatus
from app.dossiers.uploads import UploadRejected
from app.dossiers.workflow import Action, allowed_actions
from app.extensions import db

bp = Blueprint("dossiers", __name__)


def _client_ip() -> str:
    return request.remote_addr or ""


@bp.route("/thu-tuc/<code>/nop-ho-so", methods=["POST"])
@require(Permission.APPLY)
def start(code: str):
    procedure = db.session.scalar(select(Procedure).filter_by(code=code, is_active=True))
    if procedure is None or "online" not in procedure.channels:
        abort(404)
    dossier = services.start_application(
        current_user, procedure, request.form.get("client_token", "")
    )
    db.session.commit()
    return redirect(url_for("dossiers.step", dossier_id=dossier.id, step="nguoi-nop"), 303)


def _draft_or_redirect(dossier_id: int):  # type: ignore[no-untyped-def]
    """The owner's draft, or dossier sent back for more (Mẫu 02); else show the dossier."""
    dossier = editable_or_404(dossier_id)
    if not can_edit(current_user, dossier):
        # Back button after submitting: show the dossier, never a second submission.
        return dossier, redirect(url_for("dossiers.show", dossier_id=dossier.id), 303)
    return dossier, None


@bp.route("/ho-so/<int:dossier_id>/<step>", methods=["GET", "POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def step(dossier_id: int, step: str):
    if step not in services.STEP_NAMES:
        abort(404)
    dossier, gone = _draft_or_redirect(dossier_id)
    if gone:
        return gone
    handler = {
        "nguoi-nop": _applicant_step,
        "thong-tin": _answers_step,
        "giay-to": _documents_step,
        "nhan-tra": _delivery_step,
        "kiem-tra": _check_step,
    }[step]
    return handler(dossier)


def _after_save(dossier, step: str):  # type: ignore[no-untyped-def]
    db.session.commit()
    if request.form.get("leave"):
        if is_helper(current_user, dossier):
            flash("Đã lưu bản nháp của người dân.", "success")
            target = _helper_home(dossier)
        else:
            flash(
                "Đã lưu bản nháp. Bạn có thể tiếp tục bất cứ lúc nào từ “Hồ sơ của tôi”.",
                "success",
            )
            target = url_for("dossiers.mine")
        return _navigate(target)
    if step == "nhan-tra" and dossier.intake_channel == "post_pickup":
        # Choosing a home pickup leads straight to picking its day and time.
        return _navigate(url_for("booking.book", dossier_id=dossier.id))
    target = url_for("dossiers.step", dossier_id=dossier.id, step=services.next_step(step))
    return _navigate(target, fragment_target=True)


def _navigate(target: str, fragment_target: bool = False):  # type: ignore[no-untyped-def]
    """303 for plain requests; for htmx, load the next step into <main> or navigate fully."""
    if not is_htmx():
        return redirect(target, 303)
    response = make_response("", 204)
    if fragment_target:
        response.headers["HX-Location"] = json.dumps({"path": target, "target": "#main"})
    else:
        response.headers["HX-Redirect"] = target
    return response


def _step_page(dossier, step: str, status: int = 200, **context):  # type: ignore[no-untyped-def]
    return render(
        "dossiers/step_page.html",
        f"dossiers/steps/_{step}.html",
        status,
        step_fragment=f"dossiers/steps/_{step}.html",
        dossier=dossier,
        step=step,
        steps=services.STEPS,
        **context,
    )


def _applicant_step(dossier):  # type: ignore[no-untyped-def]
    form = ApplicantForm(
        data=None
        if request.method == "POST"
        else {
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "commune": dossier.address_commune_code,
            "village": dossier.address_village,
            "street": dossier.address_street,
        }
    )
    form.set_communes("", current_app.config["PROVINCE_CODE"])
    if request.method == "POST" and not request.form.get("refresh"):
        valid = form.validate()
        if valid and is_helper(current_user, dossier) and form.phone.data == current_user.phone:
            # The citizen gets the messages about their dossier, not the person helping them.
            form.phone.errors = [
                "Đây là số điện thoại của bạn. Hãy nhập số của người dân để họ nhận tin nhắn."
            ]
            valid = False
        if valid:
            services.save_applicant(dossier, form.data)
            return _after_save(dossier, "nguoi-nop")
        return _step_page(dossier, "nguoi-nop", 422, form=form, id_masked=_masked(dossier))
    return _step_page(dossier, "nguoi-nop", form=form, id_masked=_masked(dossier))


def _masked(dossier) -> str:  # type: ignore[no-untyped-def]
    return mask_id_number(dossier.owner.id_number or "")


def _answers_step(dossier):  # type: ignore[no-untyped-def]
    fields = dossier.procedure.form_schema
    values = dict(dossier.answers or {})
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = {f["name"]: request.form.get(f["name"], "") for f in fields}
        errors = services.save_answers(dossier, raw)
        if not errors or request.form.get("leave"):
            # Leaving keeps every valid answer; the check page lists what is still missing.
            return _after_save(dossier, "thong-tin")
        db.session.commit()  # keep the valid answers even while some need fixing
        values.update(raw)
    province = current_app.config["PROVINCE_CODE"]
    return _step_page(
        dossier,
        "thong-tin",
        422 if errors else 200,
        fields=fields,
        values=values,
        errors=errors,
        province=province,
    )


def _documents_step(dossier, upload_errors: dict[str, str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    if request.method == "POST" and not upload_errors:
        missing = [m for m in services.missing_for_submit(dossier) if m.step == "giay-to"]
        if not missing:
            services.mark_saved(dossier, "giay-to")
            return _after_save(dossier, "giay-to")
        upload_errors = {"": "Vẫn còn giấy tờ bắt buộc chưa tải lên (đánh dấu bên dưới)."}
        status = 422
    return _step_page(dossier, "giay-to", status, upload_errors=upload_errors or {})


def _delivery_step(dossier):  # type: ignore[no-untyped-def]
    form = DeliveryForm(
        data=None
        if request.method == "POST"
        else {
            "intake_channel": dossier.intake_channel or None,
            "return_channel": dossier.return_channel or None,
            "return_commune": dossier.return_commune_code or dossier.address_commune_code,
            "return_village": dossier.return_village or dossier.address_village,
            "return_street": dossier.return_street or dossier.address_street,
        }
    )
    at_counter = _at_post_office(dossier)
    form.restrict_to(dossier.procedure.channels, at_post_office=at_counter)
    if at_counter and request.method == "GET":
        form.intake_channel.data = "post_office"
    form.set_communes("return_", current_app.config["PROVINCE_CODE"])
    if request.method == "POST" and not request.form.get("refresh"):
        if form.validate():
            services.save_delivery(dossier, form.data)
            return _after_save(dossier, "nhan-tra")
        return _step_page(dossier, "nhan-tra", 422, form=form)
    return _step_page(dossier, "nhan-tra", form=form)


def _check_step(dossier):  # type: ignore[no-untyped-def]
    return _check_page(dossier, services.missing_for_submit(dossier), "", status=200)


def _check_page(dossier, missing, declaration_error: str, status: int = 422):  # type: ignore[no-untyped-def]
    return _step_page(
        dossier,
        "kiem-tra",
        status,
        missing=missing,
        id_masked=_masked(dossier),
        declaration_error=declaration_error,
        panels=panels.panels("check", dossier),
    )


@bp.route("/ho-so/<int:dossier_id>/giay-to/<document_code>", methods=["POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def upload(dossier_id: int, document_code: str):
    dossier, gone = _draft_or_redirect(dossier_id)
    if gone:
        return gone
    document = next((d for d in dossier.procedure.documents if d.code == document_code), None)
    if document is None:
        abort(404)
    file = request.files.get("file")
    error = ""
    if file is None or not file.filename:
        error = "Vui lòng chọn tệp trước khi bấm Tải lên."
    else:
        try:
            processed = services.check_upload(file.read())
        except UploadRejected as rejected:
            error = rejected.message
        else:
            services.add_attachment(dossier, document.code, file.filename, processed, current_user)
            db.session.commit()
    if is_htmx():
        return render(
            "dossiers/steps/_document_row.html",
            status=422 if error else 200,
            dossier=dossier,
            document=document,
            error=error,
        )
    if error:
        request.method = "GET"  # show the page with the error beside the document
        return _documents_step(dossier, {document.code: error}, 422)
    flash(f"Đã tải lên “{document.name}”.", "success")
    return redirect(url_for("dossiers.step", dossier_id=dossier.id, step="giay-to"), 303)


@bp.route("/ho-so/<int:dossier_id>/tep/<int:attachment_id>/xoa", methods=["POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def remove_file(dossier_id: int, attachment_id: int):
    dossier, gone = _draft_or_redirect(dossier_id)
    if gone:
        return gone
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.dossier_id != dossier.id:
        abort(404)
    document = next(d for d in dossier.procedure.documents if d.code == attachment.document_code)
    services.remove_attachment(attachment)
    db.session.commit()
    if is_htmx():
        db.session.refresh(dossier)
        return render(
            "dossiers/steps/_document_row.html", dossier=dossier, document=document, error=""
        )
    return redirect(url_for("dossiers.step", dossier_id=dossier.id, step="giay-to"), 303)


@bp.route("/ho-so/<int:dossier_id>/tep/<int:attachment_id>")
@require()
def file(dossier_id: int, attachment_id: int):
    dossier = viewable_or_404(dossier_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.dossier_id != dossier.id:
        abort(404)
    response = send_file(
        services.attachment_path(attachment),
        mimetype=attachment.media_type,
        download_name=attachment.original_name,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


@bp.route("/ho-so/<int:dossier_id>/nop", methods=["POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def submit(dossier_id: int):
    """Submit a draft, or send back a dossier completed after a request for more (Mẫu 02).

    Anything else (already submitted: a retry or a double tap) just shows the dossier.
    """
    dossier = editable_or_404(dossier_id)
    resubmitting = dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    if resubmitting or dossier.is_draft:
        if not request.form.get("declaration"):
            return _check_page(
                dossier,
                services.missing_for_submit(dossier),
                "Vui lòng đánh dấu ô cam đoan trước khi nộp.",
            )
        send = actions.resubmit if resubmitting else services.submit
        try:
            send(dossier, current_user, ip=_client_ip())
        except services.NotReady as not_ready:
            return _check_page(dossier, not_ready.missing, "")
        db.session.commit()
        if resubmitting:
            flash("Đã nộp bổ sung. Hồ sơ được chuyển lại cho cán bộ tiếp nhận.", "success")
    return _navigate(url_for("dossiers.show", dossier_id=dossier.id))


@bp.route("/ho-so/<int:dossier_id>")
@require()
def show(dossier_id: int):
    dossier = viewable_or_404(dossier_id)
    if dossier.is_draft:
        return redirect(url_for("dossiers.step", dossier_id=dossier.id, step="kiem-tra"), 303)
    if staff_can_view(current_user, dossier) and dossier.owner_id != current_user.id:
        return redirect(url_for("backoffice.dossier", dossier_id=dossier.id), 303)
    if is_helper(current_user, dossier):
        return redirect(_helper_page(dossier), 303)
    return _show_page(dossier)


def _at_post_office(dossier) -> bool:  # type: ignore[no-untyped-def]
    """A post-office clerk fills this dossier in at the counter (papers taken there)."""
    return is_helper(current_user, dossier) and has_permission(current_user, Permission.POSTAL_WORK)


def _helper_home(dossier) -> str:  # type: ignore[no-untyped-def]
    """The page of the citizen the helper is serving: at the counter, or at the village hall."""
    if _at_post_office(dossier):
        return url_for("counter.citizen", user_id=dossier.owner_id)
    return url_for("assist.citizen")


def _helper_page(dossier) -> str:  # type: ignore[no-untyped-def]
    """After submitting: a counter clerk checks the papers; a volunteer prints for the citizen."""
    landing = panels.landing(dossier)
    if landing is not None:
        return landing
    if not dossier.is_draft and not _at_post_office(dossier):
        return url_for("assist.submitted", dossier_id=dossier.id)
    return _helper_home(dossier)


def _show_page(dossier, status: int = 200, withdraw_form=None):  # type: ignore[no-untyped-def]
    allowed = allowed_actions(dossier, current_user, clock.today())
    return render(
        "dossiers/show.html",
        status=status,
        dossier=dossier,
        timeline=queries.citizen_timeline(dossier),
        editable=can_edit(current_user, dossier),
        can_withdraw=Action.WITHDRAW in allowed,
        withdraw_form=withdraw_form or WithdrawForm(formdata=None),
        official_forms=official_forms.available_forms(dossier, staff=False),
        result_downloadable=_result_downloadable(dossier),
        panels=panels.panels("citizen", dossier),
    )


def _result_downloadable(dossier) -> bool:  # type: ignore[no-untyped-def]
    return dossier.result_file is not None and dossier.status in (
        DossierStatus.RESULT_READY,
        DossierStatus.RETURNED,
    )


@bp.route("/ho-so/<int:dossier_id>/rut", methods=["POST"])
@require(Permission.APPLY)
def withdraw(dossier_id: int):
    dossier = editable_or_404(dossier_id)
    form = WithdrawForm()
    if not form.validate():
        return _show_page(dossier, 422, withdraw_form=form)
    actions.withdraw(dossier, current_user, form.reason.data or "", ip=_client_ip())
    db.session.commit()
    flash("Đã rút hồ sơ. Hồ sơ sẽ không được giải quyết tiếp.", "success")
    return _navigate(url_for("dossiers.show", dossier_id=dossier.id))


@bp.route("/ho-so/<int:dossier_id>/ket-qua")
@require()
def result(dossier_id: int):
    """The result document: the owner downloads it once it is ready (online return)."""
    dossier = viewable_or_404(dossier_id)
    if not _result_downloadable(dossier):
        abort(404)
    attachment = dossier.result_file
    if dossier.owner_id == current_user.id and not any(
        e.action == "result_downloaded" for e in dossier.events
    ):
        log_event(dossier, current_user, "result_downloaded", ip=_client_ip())
        db.session.commit()
    response = send_file(
        services.attachment_path(attachment),
        mimetype=attachment.media_type,
        as_attachment=True,
        download_name=f"ket-qua-{dossier.code}.pdf",
        max_age=0,
    )
    return response


@bp.route("/ho-so/<int:dossier_id>/mau-<number>.pdf")
@require()
def official_form(dossier_id: int, number: str):
    """Mẫu 01–06 of a dossier, for whoever may see it (Mẫu 06 for staff only)."""
    dossier = viewable_or_404(dossier_id)
    staff = staff_can_view(current_user, dossier)
    if number not in {f.number for f in official_forms.available_forms(dossier, staff)}:
        abort(404)
    try:
        pdf = official_forms.form_pdf(dossier, number)
    except receipts.RenderFailed:
        return render("dossiers/receipt_failed.html", status=503, dossier=dossier)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="mau-{number}-{dossier.code}.pdf"'
    return response


@bp.route("/ho-so/<int:dossier_id>/giay-tiep-nhan.pdf")
@require()
def receipt(dossier_id: int):
    dossier = viewable_or_404(dossier_id)
    if dossier.is_draft:
        abort(404)
    try:
        pdf = receipts.receipt_pdf(dossier)
    except receipts.RenderFailed:
        return render("dossiers/receipt_failed.html", status=503, dossier=dossier)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    )
    return response


@bp.route("/ho-so-cua-toi")
@require()
def mine():
    return render("dossiers/mine.html", dossiers=queries.owned_dossiers(current_user.id))
