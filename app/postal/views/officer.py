"""The one-stop officer's side of the post: confirm what the post brought, hand results to it.

Officers see the manifests of their own units only (anything else answers 404). Confirming a
manifest needs Permission.RECEIVE (it is the reception of the papers); handing results to the
post needs Permission.RETURN_RESULT (it returns the dossiers).
"""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission, has_permission
from app.core.transaction import refusals
from app.documents import postal as docs
from app.extensions import db
from app.postal.errors import PostalError
from app.postal.flow import IllegalStep
from app.postal.forms import HandResultsForm, manifest_decisions
from app.postal.models import HandoverManifest, Shipment
from app.postal.operations.handover import hand_results as hand_over
from app.postal.operations.pickup import confirm_manifest
from app.postal.queries import agency, papers
from app.postal.queries.cash import handed_cash
from app.postal.queries.round import office_staff
from app.postal.views.printing import pdf_or_503

bp = Blueprint("agency", __name__, url_prefix="/can-bo/buu-dien")


def _ip() -> str:
    return request.remote_addr or ""


def _manifest_or_404(manifest_id: int) -> HandoverManifest:
    manifest = db.session.get(HandoverManifest, manifest_id)
    if manifest is None or manifest.unit_id not in current_user.unit_ids:
        abort(404)
    return manifest


def _hand_forms(waiting: list[Shipment]) -> dict[int, HandResultsForm]:
    """One form per post office: its results and its workers."""
    by_office: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in waiting:
        by_office[shipment.post_office_id].append(shipment)
    forms = {}
    for office_id, items in by_office.items():
        form = HandResultsForm(formdata=None, prefix=f"po{office_id}", meta={"csrf": False})
        form.items.choices = [(s.id, s.dossier.code or "") for s in items]
        form.items.data = [s.id for s in items]
        staff = office_staff(items[0].post_office)
        form.worker.choices = [(u.id, u.full_name) for u in staff]
        forms[office_id] = form
    return forms


def _index_page(status: int = 200, failed: tuple[int, HandResultsForm] | None = None) -> Response:
    units = current_user.unit_ids
    waiting = agency.waiting_results(units)
    forms = _hand_forms(waiting)
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render(
        "postal/agency/index.html",
        status=status,
        incoming=agency.incoming_manifests(units),
        recent=agency.recent_manifests(units),
        waiting={s.id: s for s in waiting},
        forms=forms,
        offices=agency.offices_by_id(forms),
    )


@bp.route("/")
@require(Permission.VIEW_UNIT_DOSSIERS)
def index():
    return _index_page()


@bp.route("/giao-ket-qua/<id:office_id>", methods=["POST"])
@require(Permission.RETURN_RESULT)
def hand_results(office_id: int):
    waiting = [
        s for s in agency.waiting_results(current_user.unit_ids) if s.post_office_id == office_id
    ]
    if not waiting:
        abort(404)
    form = _hand_forms(waiting)[office_id]
    form.process(request.form)
    if not form.validate():
        return _index_page(422, (office_id, form))
    chosen = [s for s in waiting if s.id in form.items.data]
    with refusals(PostalError, IllegalStep) as refused:
        made = hand_over(current_user, db.session.get(User, form.worker.data), chosen, _ip())
    if refused.error is not None:
        form.form_errors.append(refused.error.message)
        return _index_page(422, (office_id, form))
    numbers = ", ".join(m.number for m in made)
    flash(
        f"Đã giao {len(chosen)} kết quả cho bưu điện, biên bản {numbers}. "
        "In biên bản để hai bên ký.",
        "success",
    )
    return go(url_for("agency.manifest", manifest_id=made[0].id))


def _manifest_page(record: HandoverManifest, error: str = "") -> Response:
    return render(
        "postal/agency/manifest.html",
        status=422 if error else 200,
        manifest=record,
        cash=handed_cash(record),
        error=error,
        chosen=request.form if request.method == "POST" else {},
    )


@bp.route("/bien-ban/<id:manifest_id>", methods=["GET", "POST"])
@require(Permission.VIEW_UNIT_DOSSIERS)
def manifest(manifest_id: int):
    record = _manifest_or_404(manifest_id)
    if request.method == "GET":
        return _manifest_page(record)
    if not has_permission(current_user, Permission.RECEIVE):
        abort(403)
    decisions = manifest_decisions(record, request.form)
    with refusals(PostalError, IllegalStep) as refused:
        missing = confirm_manifest(record, current_user, decisions, ip=_ip())
    if refused.error is not None:
        return _manifest_page(_manifest_or_404(manifest_id), refused.error.message)
    told = f" {missing} bưu gửi không có trong lô giao đã được báo lại bưu điện." if missing else ""
    flash(f"Đã xác nhận biên bản.{told} Có thể tiếp nhận các hồ sơ đã nhận đủ giấy tờ.", "success")
    return go(url_for("agency.manifest", manifest_id=record.id))


@bp.route("/bien-ban/<id:manifest_id>.pdf")
@require(Permission.VIEW_UNIT_DOSSIERS)
def manifest_pdf(manifest_id: int):
    record = _manifest_or_404(manifest_id)
    return pdf_or_503(lambda: docs.render_manifest(papers.manifest(record)), f"{record.number}.pdf")
