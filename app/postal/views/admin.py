"""The administration of post offices: the communes they serve, their pickup schedule (weekly
slot templates and closed days), and their API tokens.

Every route needs Permission.MANAGE, except an office's schedule, which a post office head
(Permission.POSTAL_MANAGE) may also manage for their own office; any other office answers 404
to them. Every change is a POST with a CSRF token; success flashes a message and redirects
(303), an invalid form comes back with 422 and what was typed.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts import shown_once
from app.accounts.models import User
from app.core import clock
from app.core.htmx import render
from app.core.paging import page_number, paginate
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission, has_permission
from app.core.transaction import domain_errors, form_status
from app.extensions import db
from app.postal.forms import ApiTokenForm, ClosureForm, PostOfficeForm, SlotTemplateForm
from app.postal.models import ApiToken, PostOffice, PostOfficeClosure, SlotTemplateRow
from app.postal.operations.offices import MovedCommune, save_post_office
from app.postal.operations.slots import (
    add_slot_template,
    close_day,
    remove_slot_template,
    reopen_day,
)
from app.postal.operations.tokens import issue_api_token, revoke
from app.postal.queries.offices import (
    can_manage_post_office,
    commune_groups,
    office_overview,
    post_office_staff_counts,
    search_post_offices,
    upcoming_closures,
)
from app.postal.queries.tokens import office_tokens
from app.postal.schedule import WEEKDAY_LABELS
from app.postal.tokens import SCOPES

bp = Blueprint("postal_admin", __name__, url_prefix="/quan-tri")

# What a new API token is held as until its page shows it once (app/accounts/shown_once.py;
# the token itself is stored only as a hash).
NEW_TOKEN = "api_token"


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _schedule_url(office: PostOffice) -> str:
    return url_for("postal_admin.post_office_schedule", office_id=office.id)


# --- post offices -------------------------------------------------------------------------------


@bp.route("/buu-cuc")
@require(Permission.MANAGE)
def post_offices():
    query = request.args.get("q", "").strip()[:100]
    return render(
        "postal/admin/post_offices.html",
        "postal/admin/_post_offices_results.html",
        listing=paginate(search_post_offices(query), page_number()),
        query=query,
        staff_counts=post_office_staff_counts(),
    )


def _post_office_form(office: PostOffice | None) -> PostOfficeForm:
    form = PostOfficeForm()
    if request.method == "GET" and office is not None:
        form.code.data = office.code
        form.name.data = office.name
        form.address.data = office.address
        form.phone.data = office.phone
        form.active.data = office.is_active
        form.communes.data = office.commune_codes
    return form


def _flash_saved(created: bool, saved: PostOffice, moved: list[MovedCommune]) -> None:
    flash(f"{'Đã thêm' if created else 'Đã lưu'} bưu cục “{saved.name}” ({saved.code}).", "success")
    if moved:
        flash(
            "Đã chuyển sang bưu cục này: "
            + "; ".join(f"{m.commune_name} (trước đây do “{m.from_office}”)" for m in moved)
            + ". Lịch đã hẹn với bưu cục cũ vẫn giữ nguyên.",
            "success",
        )


def _post_office_page(office: PostOffice | None) -> Response:
    """The form of a new office (``office`` None) or of an office, and its saving."""
    form = _post_office_form(office)
    province = current_app.config["PROVINCE_CODE"]
    if form.validate_on_submit():
        with domain_errors(form):
            saved, moved = save_post_office(office, **form.values(), province_code=province)
            _flash_saved(office is None, saved, moved)
            return go(url_for("postal_admin.post_office_edit", office_id=saved.id))
    return render(
        "postal/admin/post_office_form.html",
        "postal/admin/_post_office_form.html",
        form_status(form),
        form=form,
        office=office,
        overview=office_overview(office) if office is not None else None,
        groups=commune_groups(office, province),
        selected=set(form.communes.data or []),
        weekdays=WEEKDAY_LABELS,
    )


@bp.route("/buu-cuc/moi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def post_office_new():
    return _post_office_page(None)


@bp.route("/buu-cuc/<id:office_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def post_office_edit(office_id: int):
    return _post_office_page(db.get_or_404(PostOffice, office_id))


# --- an office's schedule: pickup slot templates and closed days --------------------------------


def _managed_office(office_id: int) -> PostOffice:
    office = db.get_or_404(PostOffice, office_id)
    if not can_manage_post_office(_actor(), office):
        abort(404)
    return office


def _schedule_page(
    office: PostOffice,
    *,
    template_form: SlotTemplateForm | None = None,
    closure_form: ClosureForm | None = None,
    fragment: str | None = None,
    status: int = 200,
) -> Response:
    today = clock.today()
    return render(
        "postal/admin/post_office_schedule.html",
        fragment,
        status,
        office=office,
        template_form=template_form or SlotTemplateForm(formdata=None),
        closure_form=closure_form or ClosureForm(formdata=None),
        closures=upcoming_closures(office, today),
        weekdays=WEEKDAY_LABELS,
        tomorrow=today + timedelta(days=1),
        is_admin=has_permission(current_user, Permission.MANAGE),
    )


@bp.route("/buu-cuc/<id:office_id>/lich")
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def post_office_schedule(office_id: int):
    return _schedule_page(_managed_office(office_id))


@bp.route("/buu-cuc/<id:office_id>/lich/khung-gio", methods=["POST"])
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def slot_template_add(office_id: int):
    office = _managed_office(office_id)
    form = SlotTemplateForm()
    if form.validate_on_submit():
        with domain_errors(form):
            row = add_slot_template(office, **form.window())
            flash(
                f"Đã thêm khung giờ {WEEKDAY_LABELS[row.weekday]} {row.start:%H:%M}–"
                f"{row.end:%H:%M}, {row.capacity} lượt. Người dân hẹn được từ các ngày tới.",
                "success",
            )
            return go(_schedule_url(office))
    fragment = "postal/admin/_slot_template_form.html"
    return _schedule_page(office, template_form=form, fragment=fragment, status=422)


@bp.route("/buu-cuc/<id:office_id>/lich/khung-gio/<id:row_id>/xoa", methods=["POST"])
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def slot_template_delete(office_id: int, row_id: int):
    office = _managed_office(office_id)
    row = db.session.get(SlotTemplateRow, row_id)
    if row is None or row.post_office_id != office.id:
        abort(404)
    label = f"{WEEKDAY_LABELS[row.weekday]} {row.start:%H:%M}–{row.end:%H:%M}"
    remove_slot_template(row, clock.today())
    flash(
        f"Đã xóa khung giờ {label}. Những lịch người dân đã hẹn trong khung giờ này vẫn giữ "
        "nguyên; các ngày chưa ai hẹn không còn được đề nghị.",
        "success",
    )
    return go(_schedule_url(office))


@bp.route("/buu-cuc/<id:office_id>/lich/ngay-nghi", methods=["POST"])
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def closure_add(office_id: int):
    office = _managed_office(office_id)
    form = ClosureForm()
    if form.validate_on_submit():
        with domain_errors(form):
            closure = close_day(office, form.day.data, form.note.data or "")
            flash(
                f"Bưu cục nghỉ ngày {closure.day:%d/%m/%Y}: người dân không hẹn được lịch nhận "
                "hồ sơ ngày này.",
                "success",
            )
            return go(_schedule_url(office))
    fragment = "postal/admin/_closure_form.html"
    return _schedule_page(office, closure_form=form, fragment=fragment, status=422)


@bp.route("/buu-cuc/<id:office_id>/lich/ngay-nghi/<id:closure_id>/xoa", methods=["POST"])
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def closure_delete(office_id: int, closure_id: int):
    office = _managed_office(office_id)
    closure = db.session.get(PostOfficeClosure, closure_id)
    if closure is None or closure.post_office_id != office.id:
        abort(404)
    day = closure.day
    reopen_day(closure)
    flash(
        f"Đã mở lại ngày {day:%d/%m/%Y}: người dân lại hẹn được lịch nhận hồ sơ ngày này.",
        "success",
    )
    return go(_schedule_url(office))


# --- an office's API tokens ---------------------------------------------------------------------


def _office_token(office: PostOffice, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.post_office_id != office.id:
        abort(404)
    return token


@bp.route("/buu-cuc/<id:office_id>/khoa-api", methods=["GET", "POST"])
@require(Permission.MANAGE)
def api_tokens(office_id: int):
    office = db.get_or_404(PostOffice, office_id)
    form = ApiTokenForm()
    if form.validate_on_submit():
        with domain_errors(form):
            token, plain = issue_api_token(
                office, name=form.name.data, scopes=form.scopes.data or [], actor=_actor()
            )
            shown_once.hold(NEW_TOKEN, token.id, plain)
            flash(f"Đã tạo khóa “{token.name}” cho {office.name}.", "success")
            url = url_for("postal_admin.api_token_shown", office_id=office.id, token_id=token.id)
            return go(url)
    return render(
        "postal/admin/api_tokens.html",
        "postal/admin/_api_token_form.html",
        form_status(form),
        office=office,
        form=form,
        tokens=office_tokens(office),
        scopes=SCOPES,
    )


@bp.route("/buu-cuc/<id:office_id>/khoa-api/<id:token_id>")
@require(Permission.MANAGE)
def api_token_shown(office_id: int, token_id: int):
    """Shows a new token once: showing it deletes it on the server."""
    office = db.get_or_404(PostOffice, office_id)
    token = _office_token(office, token_id)
    plain = shown_once.reveal(NEW_TOKEN, token.id)
    return render(
        "postal/admin/api_token_shown.html", office=office, token=token, plain=plain, scopes=SCOPES
    )


@bp.route("/buu-cuc/<id:office_id>/khoa-api/<id:token_id>/thu-hoi", methods=["POST"])
@require(Permission.MANAGE)
def api_token_revoke(office_id: int, token_id: int):
    office = db.get_or_404(PostOffice, office_id)
    token = _office_token(office, token_id)
    revoke(token)
    flash(
        f"Đã thu hồi khóa “{token.name}” ({token.prefix}…). Hệ thống dùng khóa này không gọi "
        "được API nữa.",
        "success",
    )
    return go(url_for("postal_admin.api_tokens", office_id=office.id))
