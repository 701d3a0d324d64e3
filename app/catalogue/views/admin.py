"""The administrator's catalogue screens: the receiving units, and the helpers' guide of each
procedure. Every route needs Permission.MANAGE; every change is a POST with a CSRF token,
success flashes and redirects (303), an invalid form comes back with 422 and what was typed.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, request, url_for
from werkzeug.wrappers import Response

from app import geo
from app.catalogue import operations, queries
from app.catalogue.forms import CollectionAccountForm, HelperGuideForm, UnitForm
from app.catalogue.guide import default_steps, written_steps
from app.catalogue.models import UNIT_KINDS, Procedure, Unit
from app.catalogue.usage import staff_counts
from app.core.errors import DomainError
from app.core.htmx import render
from app.core.paging import page_number, paginate
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status
from app.extensions import db

bp = Blueprint("catalogue_admin", __name__, url_prefix="/quan-tri")


def _search() -> str:
    return request.args.get("q", "").strip()[:100]


# --- units --------------------------------------------------------------------------------------


@bp.route("/don-vi")
@require(Permission.MANAGE)
def units():
    query = _search()
    return render(
        "catalogue/admin/units.html",
        "catalogue/admin/_units_results.html",
        listing=paginate(queries.search_units(query), page_number()),
        query=query,
        staff_counts=staff_counts(),
        kinds=UNIT_KINDS,
    )


def _unit_page(unit: Unit | None) -> Response:
    """The form of a new unit (``unit`` None) or of an existing one."""
    config = current_app.config
    form = UnitForm.of(unit, geo.communes(config["PROVINCE_CODE"]))
    if form.validate_on_submit():
        with domain_errors(form):
            saved = operations.save_unit(
                unit,
                **form.values(),
                province_code=config["PROVINCE_CODE"],
                province_tree=config["PROVINCE_TREE"],
            )
            verb = "Đã thêm" if unit is None else "Đã lưu"
            flash(f"{verb} đơn vị “{saved.name}” ({saved.code}).", "success")
            return go(url_for("catalogue_admin.units", q=saved.code))
    usage = None if unit is None else queries.unit_usage(unit, config["PROVINCE_TREE"])
    return render(
        "catalogue/admin/unit_form.html",
        "catalogue/admin/_unit_form.html",
        form_status(form),
        form=form,
        unit=unit,
        usage=usage,
    )


@bp.route("/don-vi/moi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def unit_new():
    return _unit_page(None)


@bp.route("/don-vi/<id:unit_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def unit_edit(unit_id: int):
    return _unit_page(db.get_or_404(Unit, unit_id))


@bp.route("/don-vi/<id:unit_id>/xoa", methods=["POST"])
@require(Permission.MANAGE)
def unit_delete(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    name, code = unit.name, unit.code
    try:
        operations.delete_unit(unit, current_app.config["PROVINCE_TREE"])
    except DomainError as error:
        flash(error.message, "error")
        return go(url_for("catalogue_admin.unit_edit", unit_id=unit_id))
    flash(f"Đã xóa đơn vị “{name}” ({code}).", "success")
    return go(url_for("catalogue_admin.units"))


# --- the unit's collection account ------------------------------------------------------------


@bp.route("/don-vi/<id:unit_id>/tai-khoan-thu", methods=["GET", "POST"])
@require(Permission.MANAGE)
def collection_account(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    form = CollectionAccountForm.of(unit.collection_account)
    if form.validate_on_submit():
        with domain_errors(form):
            account = operations.save_collection_account(unit, **form.values())
            flash(
                f"Đã lưu tài khoản thu phí của “{unit.name}”: {account.account_number} tại "
                f"{account.bank_name.split(' (')[0]}.",
                "success",
            )
            return go(url_for("catalogue_admin.unit_edit", unit_id=unit.id))
    return render(
        "catalogue/admin/collection_account.html",
        "catalogue/admin/_collection_account_form.html",
        form_status(form),
        form=form,
        unit=unit,
    )


@bp.route("/don-vi/<id:unit_id>/tai-khoan-thu/xoa", methods=["POST"])
@require(Permission.MANAGE)
def collection_account_delete(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    operations.remove_collection_account(unit)
    flash(
        f"Đã bỏ tài khoản thu phí của “{unit.name}”: hồ sơ của đơn vị chỉ nộp phí bằng tiền mặt.",
        "success",
    )
    return go(url_for("catalogue_admin.unit_edit", unit_id=unit.id))


# --- the helpers' guide of each procedure -------------------------------------------------------


@bp.route("/thu-tuc")
@require(Permission.MANAGE)
def procedure_guides():
    query = _search()
    return render(
        "catalogue/admin/procedure_guides.html",
        "catalogue/admin/_procedure_guides_results.html",
        listing=paginate(queries.search_all_procedures(query), page_number()),
        query=query,
        steps=written_steps,
    )


def _guide_saved(procedure: Procedure) -> str:
    if procedure.helper_guide:
        return f"Đã lưu hướng dẫn hỗ trợ cho thủ tục “{procedure.name}”."
    return (
        f"Thủ tục “{procedure.name}” không có hướng dẫn riêng: trang thủ tục hiện hướng dẫn "
        "chung, lập từ danh sách giấy tờ."
    )


@bp.route("/thu-tuc/<code>/huong-dan", methods=["GET", "POST"])
@require(Permission.MANAGE)
def procedure_guide(code: str):
    procedure = queries.procedure_by_code(code) or abort(404)
    form = HelperGuideForm()
    if request.method == "GET":
        form.helper_guide.data = procedure.helper_guide
    if form.validate_on_submit():
        with domain_errors(form):
            operations.save_helper_guide(procedure, form.helper_guide.data or "")
            flash(_guide_saved(procedure), "success")
            return go(url_for("catalogue_admin.procedure_guides", q=procedure.code))
    return render(
        "catalogue/admin/procedure_guide.html",
        "catalogue/admin/_procedure_guide_form.html",
        form_status(form),
        form=form,
        procedure=procedure,
        default=default_steps(procedure.documents),
    )
