"""The one-stop officer's side of the post: confirm what the post brought, hand results to it.

Officers see the manifests of their own units only (anything else answers 404). Confirming a
manifest needs Permission.RECEIVE (it is the reception of the papers); handing results to the
post needs Permission.RETURN_RESULT (it returns the dossiers).
"""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go, pdf
from app.core.roles import Permission, has_permission
from app.documents import postal as docs
from app.extensions import db
from app.postal import legs, papers, queries
from app.postal.flow import IllegalStep
from app.postal.forms import HandResultsForm
from app.postal.models import HandoverManifest, PostOffice, Shipment
from app.postal.services import PostalError

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
        staff = queries.office_staff(items[0].post_office)
        form.worker.choices = [(u.id, u.full_name) for u in staff]
        forms[office_id] = form
    return forms


def _index_page(status: int = 200, failed: tuple[int, HandResultsForm] | None = None):  # type: ignore[no-untyped-def]
    units = current_user.unit_ids
    incoming = list(
        db.session.scalars(
            select(HandoverManifest)
            .where(
                HandoverManifest.unit_id.in_(sorted(units) or [-1]),
                HandoverManifest.direction == "to_agency",
                HandoverManifest.confirmed_at.is_(None),
            )
            .order_by(HandoverManifest.created_at)
        )
    )
    recent = list(
        db.session.scalars(
            select(HandoverManifest)
            .where(
                HandoverManifest.unit_id.in_(sorted(units) or [-1]),
                HandoverManifest.confirmed_at.is_not(None),
            )
            .order_by(HandoverManifest.id.desc())
            .limit(20)
        )
    )
    waiting = legs.waiting_results(units)
    forms = _hand_forms(waiting)
    if failed is not None:
        forms[failed[0]] = failed[1]
    offices = {
        o.id: o for o in db.session.scalars(select(PostOffice).where(PostOffice.id.in_(forms)))
    }
    return render(
        "postal/agency/index.html",
        status=status,
        incoming=incoming,
        recent=recent,
        waiting={s.id: s for s in waiting},
        forms=forms,
        offices=offices,
    )


@bp.route("/")
@require(Permission.VIEW_UNIT_DOSSIERS)
def index():
    return _index_page()


@bp.route("/giao-ket-qua/<int:office_id>", methods=["POST"])
@require(Permission.RETURN_RESULT)
def hand_results(office_id: int):
    waiting = [
        s for s in legs.waiting_results(current_user.unit_ids) if s.post_office_id == office_id
    ]
    if not waiting:
        abort(404)
    form = _hand_forms(waiting)[office_id]
    form.process(request.form)
    if not form.validate():
        return _index_page(422, (office_id, form))
    chosen = [s for s in waiting if s.id in form.items.data]
    worker = db.session.get(User, form.worker.data)
    # Results of one unit per manifest: group what was ticked by receiving unit.
    by_unit: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in chosen:
        by_unit[shipment.dossier.receiving_unit_id].append(shipment)
    try:
        made = [
            legs.hand_results_to_post(current_user, worker, items, ip=_ip())
            for items in by_unit.values()
        ]
    except (PostalError, IllegalStep) as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _index_page(422, (office_id, form))
    db.session.commit()
    flash(
        f"Đã giao {len(chosen)} kết quả cho bưu điện, biên bản "
        f"{', '.join(m.number for m in made)}. In biên bản để hai bên ký.",
        "success",
    )
    return go(url_for("agency.manifest", manifest_id=made[0].id))


@bp.route("/bien-ban/<int:manifest_id>", methods=["GET", "POST"])
@require(Permission.VIEW_UNIT_DOSSIERS)
def manifest(manifest_id: int):
    record = _manifest_or_404(manifest_id)
    error = ""
    if request.method == "POST":
        if not has_permission(current_user, Permission.RECEIVE):
            abort(403)
        decisions = {}
        for item in record.items:
            choice = request.form.get(f"item-{item.id}", "")
            if choice in ("received", "missing"):
                decisions[item.id] = (choice == "received", request.form.get(f"note-{item.id}", ""))
        try:
            legs.confirm_manifest(record, current_user, decisions, ip=_ip())
        except (PostalError, IllegalStep) as refused:
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
            missing = sum(1 for i in record.items if i.received is False)
            flash(
                "Đã xác nhận biên bản."
                + (
                    f" {missing} bưu gửi không có trong lô giao đã được báo lại bưu điện."
                    if missing
                    else ""
                )
                + " Có thể tiếp nhận các hồ sơ đã nhận đủ giấy tờ.",
                "success",
            )
            return go(url_for("agency.manifest", manifest_id=record.id))
        record = _manifest_or_404(manifest_id)
    return render(
        "postal/agency/manifest.html",
        status=422 if error else 200,
        manifest=record,
        error=error,
        chosen=request.form if request.method == "POST" else {},
    )


@bp.route("/bien-ban/<int:manifest_id>.pdf")
@require(Permission.VIEW_UNIT_DOSSIERS)
def manifest_pdf(manifest_id: int):
    record = _manifest_or_404(manifest_id)
    try:
        data = docs.render_manifest(papers.manifest(record))
    except Exception:  # WeasyPrint, fonts: say try again; nothing is lost
        current_app.logger.exception("manifest PDF %s failed", record.number)
        return render("postal/print_failed.html", status=503)
    return pdf(data, f"{record.number}.pdf")
