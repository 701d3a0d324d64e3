"""The citizen's dossier page: where it stands, its files, its official forms and receipt, its
result, withdrawing it; and "Hồ sơ của tôi". The journey that fills a draft is in journey.py,
on the same blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core import clock
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go, pdf, stored_file
from app.core.roles import Permission
from app.dossiers import official_forms, panels
from app.dossiers import receipt as receipts
from app.dossiers.forms import WithdrawForm
from app.dossiers.helping import helper_landing
from app.dossiers.models import Dossier
from app.dossiers.operations import intake, read_log, retention
from app.dossiers.operations.attachments import uploads
from app.dossiers.operations.drafts import STEPS
from app.dossiers.policy import (
    can_edit,
    editable_or_404,
    is_helper,
    result_downloadable,
    staff_can_view,
    viewable_or_404,
)
from app.dossiers.queries.dossiers import attachment_of, citizen_timeline, owned_dossiers
from app.dossiers.workflow import Action, allowed_actions

bp = Blueprint("dossiers", __name__)


def _client_ip() -> str:
    return request.remote_addr or ""


@bp.route("/ho-so/<id:dossier_id>/tep/<id:attachment_id>")
@require()
def file(dossier_id: int, attachment_id: int):
    dossier = viewable_or_404(dossier_id)
    attachment = attachment_of(dossier, attachment_id) or abort(404)
    response = stored_file(
        uploads(),
        attachment.storage_key,
        mimetype=attachment.media_type,
        download_name=attachment.original_name,
        etag=attachment.sha256,
    )
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


@bp.route("/ho-so/<id:dossier_id>")
@require()
def show(dossier_id: int):
    dossier = viewable_or_404(dossier_id)
    if dossier.is_draft:
        return redirect(url_for("dossiers.step", dossier_id=dossier.id, step="kiem-tra"), 303)
    if staff_can_view(current_user, dossier) and dossier.owner_id != current_user.id:
        return redirect(url_for("backoffice.dossier", dossier_id=dossier.id), 303)
    if is_helper(current_user, dossier):
        return redirect(helper_landing(dossier), 303)
    return dossier_page(dossier)


def dossier_page(dossier: Dossier, status: int = 200, withdraw_form=None) -> Response:  # type: ignore[no-untyped-def]
    allowed = allowed_actions(dossier, current_user, clock.today())
    return render(
        "dossiers/show.html",
        status=status,
        dossier=dossier,
        timeline=citizen_timeline(dossier),
        editable=can_edit(current_user, dossier),
        can_withdraw=Action.WITHDRAW in allowed,
        withdraw_form=withdraw_form or WithdrawForm(formdata=None),
        official_forms=official_forms.available_forms(dossier, staff=False),
        result_downloadable=result_downloadable(dossier),
        panels=panels.panels("citizen", dossier),
    )


@bp.route("/ho-so/<id:dossier_id>/rut", methods=["POST"])
@require(Permission.APPLY)
def withdraw(dossier_id: int):
    dossier = editable_or_404(dossier_id)
    form = WithdrawForm()
    if not form.validate():
        return dossier_page(dossier, 422, withdraw_form=form)
    intake.withdraw(dossier, current_user, form.reason.data or "", ip=_client_ip())
    flash("Đã rút hồ sơ. Hồ sơ sẽ không được giải quyết tiếp.", "success")
    return go(url_for("dossiers.show", dossier_id=dossier.id))


@bp.route("/ho-so/<id:dossier_id>/ket-qua")
@require()
def result(dossier_id: int):
    """The result document: the owner downloads it once it is ready (online return)."""
    dossier = viewable_or_404(dossier_id)
    if not result_downloadable(dossier):
        abort(404)
    read_log.record_result_download(dossier, current_user, ip=_client_ip())
    return stored_file(
        uploads(),
        dossier.result_file.storage_key,
        mimetype=dossier.result_file.media_type,
        download_name=f"ket-qua-{dossier.code}.pdf",
        etag=dossier.result_file.sha256,
        as_attachment=True,
    )


@bp.route("/ho-so/<id:dossier_id>/mau-<number>.pdf")
@require()
def official_form(dossier_id: int, number: str):
    """Mẫu 01–06 of a dossier, for whoever may see it (Mẫu 06 for staff only)."""
    dossier = viewable_or_404(dossier_id)
    staff = staff_can_view(current_user, dossier)
    if number not in {f.number for f in official_forms.available_forms(dossier, staff)}:
        abort(404)
    try:
        document = official_forms.form_pdf(dossier, number)
    except receipts.RenderFailed:
        return render("dossiers/receipt_failed.html", status=503, dossier=dossier)
    return pdf(document, f"mau-{number}-{dossier.code}.pdf")


@bp.route("/ho-so/<id:dossier_id>/giay-tiep-nhan.pdf")
@require()
def receipt(dossier_id: int):
    dossier = viewable_or_404(dossier_id)
    if dossier.is_draft:
        abort(404)
    try:
        document = receipts.receipt_pdf(dossier)
    except receipts.RenderFailed:
        return render("dossiers/receipt_failed.html", status=503, dossier=dossier)
    return pdf(document, f"giay-tiep-nhan-{dossier.code}.pdf")


@bp.route("/ho-so-cua-toi")
@require()
def mine():
    return render(
        "dossiers/mine.html", dossiers=owned_dossiers(current_user.id), draft_steps=len(STEPS)
    )


@bp.route("/ho-so/<id:dossier_id>/xoa-ban-nhap", methods=["POST"])
@require(Permission.APPLY)
def delete_draft(dossier_id: int):
    """The owner deletes a draft (confirmed on "Hồ sơ của tôi"); anyone else gets a 404."""
    dossier = editable_or_404(dossier_id)
    if dossier.owner_id != current_user.id or not dossier.is_draft:
        abort(404)
    name = dossier.procedure.name
    retention.delete_draft(dossier, ip=_client_ip())
    flash(f"Đã xóa bản nháp “{name}”.", "success")
    return go(url_for("dossiers.mine"))
