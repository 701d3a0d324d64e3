"""The citizen's application journey: starting a draft, its five steps, its papers, submitting.

A helper (a post-office clerk, a community volunteer) fills the same steps in for the citizen
they are serving. Every step keeps what was saved: "Lưu và thoát" leaves, the back button after
submitting shows the dossier, never a second submission.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.catalogue.answers import raw_answers
from app.core.errors import Invalid
from app.core.htmx import is_htmx, render
from app.core.identity import mask_id_number
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status, keep_changes
from app.dossiers import panels
from app.dossiers.forms import ApplicantForm, DeliveryForm, applicant_data, delivery_data
from app.dossiers.helping import at_post_office, helper_home
from app.dossiers.models import Dossier
from app.dossiers.operations import attachments, drafts, intake, submitting
from app.dossiers.policy import can_edit, editable_or_404, is_helper
from app.dossiers.queries.dossiers import attachment_of, document_of, procedure_offered_online
from app.dossiers.statuses import DossierStatus
from app.dossiers.views.citizen import bp, dossier_page


def _client_ip() -> str:
    return request.remote_addr or ""


@bp.route("/thu-tuc/<code>/nop-ho-so", methods=["POST"])
@require(Permission.APPLY)
def start(code: str):
    procedure = procedure_offered_online(code) or abort(404)
    dossier = drafts.start_application(
        current_user, procedure, request.form.get("client_token", "")
    )
    return redirect(url_for("dossiers.step", dossier_id=dossier.id, step="nguoi-nop"), 303)


def _draft_or_redirect(dossier_id: int) -> tuple[Dossier, Response | None]:
    """The owner's draft, or dossier sent back for more (Mẫu 02); else show the dossier."""
    dossier = editable_or_404(dossier_id)
    if not can_edit(current_user, dossier):
        # Back button after submitting: show the dossier, never a second submission.
        return dossier, redirect(url_for("dossiers.show", dossier_id=dossier.id), 303)
    return dossier, None


@bp.route("/ho-so/<id:dossier_id>/<step>", methods=["GET", "POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def step(dossier_id: int, step: str):
    if step not in drafts.STEP_NAMES:
        abort(404)
    dossier, gone = _draft_or_redirect(dossier_id)
    if gone:
        return gone
    if request.method == "POST" and step in _SAVE:
        return _SAVE[step](dossier)
    return _show(dossier, step)


def _show(dossier: Dossier, step: str) -> Response:
    """The step as a GET shows it: what was saved, no errors (also the answer to the previous
    step's htmx POST, so a step costs one round trip)."""
    return _SHOW[step](dossier)


def _after_save(dossier: Dossier, step: str) -> Response:
    """Leave ("Lưu và thoát"), pick the pickup's time, or go on to the next step."""
    if request.form.get("leave"):
        if is_helper(current_user, dossier):
            flash("Đã lưu bản nháp của người dân.", "success")
            return go(helper_home(dossier))
        flash(
            "Đã lưu bản nháp. Bạn có thể tiếp tục bất cứ lúc nào từ “Hồ sơ của tôi”.",
            "success",
        )
        return go(url_for("dossiers.mine"))
    if step == "nhan-tra" and dossier.intake_channel == "post_pickup":
        # Choosing a home pickup leads straight to picking its day and time.
        return go(url_for("booking.book", dossier_id=dossier.id))
    return _next_step(dossier, drafts.next_step(step))


def _next_step(dossier: Dossier, following: str) -> Response:
    """303 for plain requests (POST, redirect, GET). For htmx the next step itself, the
    fragment its GET would answer, with its URL pushed: one round trip per step."""
    target = url_for("dossiers.step", dossier_id=dossier.id, step=following)
    if not is_htmx():
        return redirect(target, 303)
    response = _show(dossier, following)
    response.headers["HX-Push-Url"] = target
    return response


def _step_page(dossier: Dossier, step: str, status: int = 200, **context) -> Response:  # type: ignore[no-untyped-def]
    return render(
        "dossiers/step_page.html",
        f"dossiers/steps/_{step}.html",
        status,
        step_fragment=f"dossiers/steps/_{step}.html",
        dossier=dossier,
        step=step,
        steps=drafts.STEPS,
        **context,
    )


def _posted() -> bool:
    """The step's form was sent to be saved (not just to refresh its commune list)."""
    return request.method == "POST" and not request.form.get("refresh")


def _save_applicant(dossier: Dossier) -> Response:
    form = ApplicantForm()
    form.set_communes("", current_app.config["PROVINCE_CODE"])
    if _posted() and form.validate():
        helper = current_user if is_helper(current_user, dossier) else None
        with domain_errors(form):
            drafts.save_applicant(dossier, form.data, helper=helper)
            return _after_save(dossier, "nguoi-nop")
    return _applicant_page(dossier, form)


def _show_applicant(dossier: Dossier) -> Response:
    # formdata=None: also shown in answer to another step's POST, whose fields are not ours.
    form = ApplicantForm(formdata=None, data=applicant_data(dossier))
    form.set_communes("", current_app.config["PROVINCE_CODE"])
    return _applicant_page(dossier, form)


def _applicant_page(dossier: Dossier, form: ApplicantForm) -> Response:
    masked = mask_id_number(dossier.owner.id_number or "")
    return _step_page(dossier, "nguoi-nop", form_status(form), form=form, id_masked=masked)


def _save_answers(dossier: Dossier) -> Response:
    raw = raw_answers(dossier.procedure.form_schema, request.form)
    errors = drafts.save_answers(dossier, raw)
    if not errors or request.form.get("leave"):
        # Leaving keeps every valid answer; the check page lists what is still missing.
        return _after_save(dossier, "thong-tin")
    keep_changes()  # keep the valid answers even while some need fixing
    return _answers_page(dossier, {**(dossier.answers or {}), **raw}, errors)


def _show_answers(dossier: Dossier) -> Response:
    return _answers_page(dossier, dict(dossier.answers or {}), {})


def _answers_page(dossier: Dossier, values: dict, errors: dict[str, str]) -> Response:  # type: ignore[type-arg]
    return _step_page(
        dossier,
        "thong-tin",
        422 if errors else 200,
        fields=dossier.procedure.form_schema,
        values=values,
        errors=errors,
        province=current_app.config["PROVINCE_CODE"],
    )


def _save_documents(dossier: Dossier) -> Response:
    # Files chosen in any row and not yet uploaded travel with this form: store them first.
    stored, refused = attachments.upload_chosen(dossier, request.files, current_user)
    if stored:
        keep_changes()  # kept even if another file, or a missing paper, is reported
    if refused:
        return _documents_page(dossier, refused, 422)
    try:
        drafts.save_documents(dossier)
    except Invalid as missing:
        return _documents_page(dossier, {"": missing.message}, 422)
    return _after_save(dossier, "giay-to")


def _documents_page(dossier: Dossier, errors: dict[str, str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    """The papers step; ``errors``: the message beside each paper ("" for the whole step)."""
    return _step_page(dossier, "giay-to", status, upload_errors=errors or {})


def _save_delivery(dossier: Dossier) -> Response:
    form = _delivery_form(dossier, DeliveryForm())
    if _posted() and form.validate():
        drafts.save_delivery(dossier, form.data)
        return _after_save(dossier, "nhan-tra")
    return _step_page(dossier, "nhan-tra", form_status(form), form=form)


def _show_delivery(dossier: Dossier) -> Response:
    form = _delivery_form(dossier, DeliveryForm(formdata=None, data=delivery_data(dossier)))
    if at_post_office(dossier):
        form.intake_channel.data = "post_office"
    return _step_page(dossier, "nhan-tra", form_status(form), form=form)


def _delivery_form(dossier: Dossier, form: DeliveryForm) -> DeliveryForm:
    form.restrict_to(dossier.procedure.channels, at_post_office=at_post_office(dossier))
    form.set_communes("return_", current_app.config["PROVINCE_CODE"])
    return form


def _show_check(dossier: Dossier) -> Response:
    return _check_page(dossier, submitting.missing_for_submit(dossier), "", status=200)


def _check_page(dossier, missing, declaration_error: str, status: int = 422):  # type: ignore[no-untyped-def]
    return _step_page(
        dossier,
        "kiem-tra",
        status,
        missing=missing,
        id_masked=mask_id_number(dossier.owner.id_number or ""),
        declaration_error=declaration_error,
        panels=panels.panels("check", dossier),
    )


# A step's POST saves it; the check step has nothing to save (a POST there shows it).
_SAVE = {
    "nguoi-nop": _save_applicant,
    "thong-tin": _save_answers,
    "giay-to": _save_documents,
    "nhan-tra": _save_delivery,
}
_SHOW = {
    "nguoi-nop": _show_applicant,
    "thong-tin": _show_answers,
    "giay-to": _documents_page,
    "nhan-tra": _show_delivery,
    "kiem-tra": _show_check,
}


@bp.route("/ho-so/<id:dossier_id>/giay-to/<document_code>", methods=["POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def upload(dossier_id: int, document_code: str):
    dossier, gone = _draft_or_redirect(dossier_id)
    if gone:
        return gone
    document = document_of(dossier, document_code) or abort(404)
    stored, refused = attachments.upload_chosen(dossier, request.files, current_user, document.code)
    keep_changes()  # the files stored beside a refused one stay
    if is_htmx():
        row = {"dossier": dossier, "document": document, "error": refused.get(document.code, "")}
        return render("dossiers/steps/_document_row.html", status=422 if refused else 200, **row)
    if refused:
        return _documents_page(dossier, refused, 422)
    flash("Đã tải lên " + ", ".join(f"“{name}”" for name in stored) + ".", "success")
    return redirect(url_for("dossiers.step", dossier_id=dossier.id, step="giay-to"), 303)


@bp.route("/ho-so/<id:dossier_id>/tep/<id:attachment_id>/xoa", methods=["POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def remove_file(dossier_id: int, attachment_id: int):
    dossier, gone = _draft_or_redirect(dossier_id)
    if gone:
        return gone
    attachment = attachment_of(dossier, attachment_id) or abort(404)
    document = document_of(dossier, attachment.document_code)
    attachments.remove_attachment(attachment)
    if is_htmx():
        return render(
            "dossiers/steps/_document_row.html", dossier=dossier, document=document, error=""
        )
    return redirect(url_for("dossiers.step", dossier_id=dossier.id, step="giay-to"), 303)


@bp.route("/ho-so/<id:dossier_id>/nop", methods=["POST"])
@require(Permission.APPLY, Permission.APPLY_ON_BEHALF)
def submit(dossier_id: int):
    """Submit a draft, or send back a dossier completed after a request for more (Mẫu 02).

    Anything else (already submitted: a retry or a double tap) just shows the dossier.
    """
    dossier = editable_or_404(dossier_id)
    resubmitting = dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    if resubmitting or dossier.is_draft:
        if not request.form.get("declaration"):
            missing = submitting.missing_for_submit(dossier)
            return _check_page(dossier, missing, "Vui lòng đánh dấu ô cam đoan trước khi nộp.")
        send = intake.resubmit if resubmitting else submitting.submit
        try:
            send(dossier, current_user, ip=_client_ip())
        except submitting.NotReady as not_ready:
            return _check_page(dossier, not_ready.missing, "")
        if resubmitting:
            flash("Đã nộp bổ sung. Hồ sơ được chuyển lại cho cán bộ tiếp nhận.", "success")
    return _dossier_reached(dossier)


def _dossier_reached(dossier: Dossier) -> Response:
    """After submitting: 303 to the dossier's page. For htmx and its owner, that page itself,
    its ``<main>`` swapped in and its URL pushed: one round trip instead of 204 + navigation.
    A helper goes to their own landing page, by a full navigation as before."""
    target = url_for("dossiers.show", dossier_id=dossier.id)
    if not is_htmx() or dossier.owner_id != current_user.id:
        return go(target)
    response = dossier_page(dossier)
    response.headers.update(
        {"HX-Push-Url": target, "HX-Reselect": "#main", "HX-Reswap": "outerHTML"}
    )
    return response
