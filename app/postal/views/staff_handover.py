"""The post office's pages: collected papers handed to the receiving unit on a hand-over record
(leg A, step 5). Routes of the ``postal`` blueprint (app/postal/views/staff.py)."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user

from app.catalogue.models import Unit
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import form_status, refusals
from app.documents import postal as docs
from app.extensions import db
from app.postal.errors import PostalError
from app.postal.flow import IllegalStep
from app.postal.forms import ManifestForm
from app.postal.models import HandoverManifest
from app.postal.operations.pickup import dispatch
from app.postal.queries import papers
from app.postal.queries.cash import handed_cash
from app.postal.queries.round import to_hand_over
from app.postal.views.printing import pdf_or_503
from app.postal.views.staff import bp, ip, own_office


@bp.route("/bien-ban/moi/<id:unit_id>", methods=["GET", "POST"])
@require(Permission.POSTAL_WORK)
def new_manifest(unit_id: int):
    waiting = to_hand_over(own_office()).get(unit_id, [])
    unit = db.get_or_404(Unit, unit_id)
    form = ManifestForm()
    form.items.choices = [(s.id, s.item_number or "") for s in waiting]
    if request.method == "GET":
        form.items.data = [s.id for s in waiting]
    elif not waiting:  # the page shows no form to correct: say why
        raise IllegalStep("Không còn bưu gửi nào chờ giao cho đơn vị này; vui lòng tải lại trang.")
    elif form.validate():
        with refusals(PostalError, IllegalStep) as refused:
            manifest = dispatch(
                current_user, unit, [s for s in waiting if s.id in form.items.data], ip()
            )
        if refused.error is not None:
            flash(refused.error.message, "error")
            return go(url_for("postal.new_manifest", unit_id=unit_id))
        flash(f"Đã lập biên bản {manifest.number}. In biên bản để ký khi giao.", "success")
        return go(url_for("postal.manifest", manifest_id=manifest.id))
    status = form_status(form)
    return render("postal/new_manifest.html", status=status, form=form, unit=unit, waiting=waiting)


def _manifest_or_404(manifest_id: int) -> HandoverManifest:
    manifest = db.session.get(HandoverManifest, manifest_id)
    if manifest is None or manifest.post_office_id != current_user.post_office_id:
        abort(404)
    return manifest


@bp.route("/bien-ban/<id:manifest_id>")
@require(Permission.POSTAL_WORK)
def manifest(manifest_id: int):
    record = _manifest_or_404(manifest_id)
    return render("postal/manifest.html", manifest=record, cash=handed_cash(record))


@bp.route("/bien-ban/<id:manifest_id>.pdf")
@require(Permission.POSTAL_WORK)
def manifest_pdf(manifest_id: int):
    record = _manifest_or_404(manifest_id)
    return pdf_or_503(lambda: docs.render_manifest(papers.manifest(record)), f"{record.number}.pdf")
