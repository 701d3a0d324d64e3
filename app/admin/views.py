"""Administration pages: working-calendar overrides, post offices (communes served, pickup slot
templates, closed days, API tokens), community digital technology teams. (Units and the
helpers' guides are the catalogue's, staff accounts and the home page the accounts'.)

Every route needs Permission.MANAGE, except an office's schedule (slot templates and closed
days), which a post office head (Permission.POSTAL_MANAGE) may also manage for their own office;
any other office answers 404 to them. Every change is a POST with a CSRF token; success flashes
a message and redirects (303), an invalid form comes back with 422 and what was typed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.admin import services
from app.admin.forms import (
    ApiTokenForm,
    ClosureForm,
    PostOfficeForm,
    SlotTemplateForm,
)
from app.admin.services import (
    AdminError,
)
from app.core import clock
from app.core.htmx import render
from app.core.paging import page_number, paginate
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission, has_permission
from app.extensions import db
from app.postal import services as postal_services
from app.postal import tokens as postal_tokens
from app.postal.models import ApiToken, PostOffice, PostOfficeClosure, SlotTemplateRow
from app.postal.schedule import WEEKDAY_LABELS
from app.postal.services import PostalError
from app.postal.tokens import SCOPES

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")

# A new API token waits here between the POST that made it and the page that shows it: shown
# on one page, then gone (only its hash is stored).
ONE_TIME_TOKEN_KEY = "admin_one_time_api_token"


def _show_error(form: Any, error: AdminError | PostalError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


# --- post offices -------------------------------------------------------------------------------


@bp.route("/buu-cuc")
@require(Permission.MANAGE)
def post_offices():
    query = request.args.get("q", "").strip()[:100]
    page = paginate(services.search_post_offices(query), page_number())
    return render(
        "admin/post_offices.html",
        "admin/_post_offices_results.html",
        listing=page,
        query=query,
        staff_counts=services.post_office_staff_counts(),
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


def _post_office_page(office: PostOffice | None) -> Response:
    form = _post_office_form(office)
    province = current_app.config["PROVINCE_CODE"]
    if form.validate_on_submit():
        try:
            saved, moved = services.save_post_office(
                office,
                code=form.code.data,
                name=form.name.data,
                address=form.address.data or "",
                phone=form.phone.data or "",
                active=bool(form.active.data),
                commune_codes=form.communes.data or [],
                move_communes=bool(form.move_communes.data),
                province_code=province,
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            verb = "Đã thêm" if office is None else "Đã lưu"
            flash(f"{verb} bưu cục “{saved.name}” ({saved.code}).", "success")
            if moved:
                flash(
                    "Đã chuyển sang bưu cục này: "
                    + "; ".join(f"{m.commune_name} (trước đây do “{m.from_office}”)" for m in moved)
                    + ". Lịch đã hẹn với bưu cục cũ vẫn giữ nguyên.",
                    "success",
                )
            return go(url_for("admin.post_office_edit", office_id=saved.id))
    status = 422 if form.errors else 200
    overview = None
    if office is not None:
        overview = {
            "communes": services.served_commune_names(office),
            "staff": services.post_office_staff(office),
            "closures": services.upcoming_closures(office, clock.today()),
            "tokens": sum(1 for t in services.office_tokens(office) if t.revoked_at is None),
        }
    return render(
        "admin/post_office_form.html",
        "admin/_post_office_form.html",
        status,
        form=form,
        office=office,
        overview=overview,
        groups=services.commune_groups(office, province),
        selected=set(form.communes.data or []),
        weekdays=WEEKDAY_LABELS,
    )


@bp.route("/buu-cuc/moi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def post_office_new():
    return _post_office_page(None)


@bp.route("/buu-cuc/<int:office_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def post_office_edit(office_id: int):
    return _post_office_page(db.get_or_404(PostOffice, office_id))


# --- an office's schedule: pickup slot templates and closed days --------------------------------


def _managed_office(office_id: int) -> PostOffice:
    office = db.get_or_404(PostOffice, office_id)
    if not services.can_manage_post_office(_actor(), office):
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
        "admin/post_office_schedule.html",
        fragment,
        status,
        office=office,
        template_form=template_form or SlotTemplateForm(formdata=None),
        closure_form=closure_form or ClosureForm(formdata=None),
        closures=services.upcoming_closures(office, today),
        weekdays=WEEKDAY_LABELS,
        tomorrow=today + timedelta(days=1),
        is_admin=has_permission(current_user, Permission.MANAGE),
    )


@bp.route("/buu-cuc/<int:office_id>/lich")
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def post_office_schedule(office_id: int):
    return _schedule_page(_managed_office(office_id))


def _weekday(value: str | None) -> int:
    return int(value) if value and value.isascii() and value.isdigit() else -1


@bp.route("/buu-cuc/<int:office_id>/lich/khung-gio", methods=["POST"])
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def slot_template_add(office_id: int):
    office = _managed_office(office_id)
    form = SlotTemplateForm()
    if form.validate_on_submit():
        try:
            row = services.add_slot_template(
                office,
                weekday=_weekday(form.weekday.data),
                start=form.start.data,
                end=form.end.data,
                capacity=form.capacity.data,
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(
                f"Đã thêm khung giờ {WEEKDAY_LABELS[row.weekday]} {row.start:%H:%M}–"
                f"{row.end:%H:%M}, {row.capacity} lượt. Người dân hẹn được từ các ngày tới.",
                "success",
            )
            return go(url_for("admin.post_office_schedule", office_id=office.id))
    return _schedule_page(
        office, template_form=form, fragment="admin/_slot_template_form.html", status=422
    )


@bp.route("/buu-cuc/<int:office_id>/lich/khung-gio/<int:row_id>/xoa", methods=["POST"])
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def slot_template_delete(office_id: int, row_id: int):
    office = _managed_office(office_id)
    row = db.session.get(SlotTemplateRow, row_id)
    if row is None or row.post_office_id != office.id:
        abort(404)
    label = f"{WEEKDAY_LABELS[row.weekday]} {row.start:%H:%M}–{row.end:%H:%M}"
    services.remove_slot_template(row, clock.today())
    db.session.commit()
    flash(
        f"Đã xóa khung giờ {label}. Những lịch người dân đã hẹn trong khung giờ này vẫn giữ "
        "nguyên; các ngày chưa ai hẹn không còn được đề nghị.",
        "success",
    )
    return go(url_for("admin.post_office_schedule", office_id=office.id))


@bp.route("/buu-cuc/<int:office_id>/lich/ngay-nghi", methods=["POST"])
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def closure_add(office_id: int):
    office = _managed_office(office_id)
    form = ClosureForm()
    if form.validate_on_submit():
        try:
            closure = postal_services.close_day(office, form.day.data, form.note.data or "")
        except PostalError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(
                f"Bưu cục nghỉ ngày {closure.day:%d/%m/%Y}: người dân không hẹn được lịch nhận "
                "hồ sơ ngày này.",
                "success",
            )
            return go(url_for("admin.post_office_schedule", office_id=office.id))
    return _schedule_page(
        office, closure_form=form, fragment="admin/_closure_form.html", status=422
    )


@bp.route("/buu-cuc/<int:office_id>/lich/ngay-nghi/<int:closure_id>/xoa", methods=["POST"])
@require(Permission.MANAGE, Permission.POSTAL_MANAGE)
def closure_delete(office_id: int, closure_id: int):
    office = _managed_office(office_id)
    closure = db.session.get(PostOfficeClosure, closure_id)
    if closure is None or closure.post_office_id != office.id:
        abort(404)
    day = closure.day
    postal_services.reopen_day(closure)
    db.session.commit()
    flash(
        f"Đã mở lại ngày {day:%d/%m/%Y}: người dân lại hẹn được lịch nhận hồ sơ ngày này.",
        "success",
    )
    return go(url_for("admin.post_office_schedule", office_id=office.id))


# --- an office's API tokens ---------------------------------------------------------------------


def _office_token(office: PostOffice, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.post_office_id != office.id:
        abort(404)
    return token


@bp.route("/buu-cuc/<int:office_id>/khoa-api", methods=["GET", "POST"])
@require(Permission.MANAGE)
def api_tokens(office_id: int):
    office = db.get_or_404(PostOffice, office_id)
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            token, plain = services.issue_api_token(
                office, name=form.name.data, scopes=form.scopes.data or [], actor=_actor()
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            session[ONE_TIME_TOKEN_KEY] = {"token_id": token.id, "token": plain}
            flash(f"Đã tạo khóa “{token.name}” cho {office.name}.", "success")
            return go(url_for("admin.api_token_shown", office_id=office.id, token_id=token.id))
    status = 422 if form.errors else 200
    return render(
        "admin/api_tokens.html",
        "admin/_api_token_form.html",
        status,
        office=office,
        form=form,
        tokens=services.office_tokens(office),
        scopes=SCOPES,
    )


@bp.route("/buu-cuc/<int:office_id>/khoa-api/<int:token_id>")
@require(Permission.MANAGE)
def api_token_shown(office_id: int, token_id: int):
    """Shows a new token once: reading it removes it from the session."""
    office = db.get_or_404(PostOffice, office_id)
    token = _office_token(office, token_id)
    plain = None
    waiting = session.get(ONE_TIME_TOKEN_KEY)
    if isinstance(waiting, dict) and waiting.get("token_id") == token.id:
        plain = session.pop(ONE_TIME_TOKEN_KEY)["token"]
    return render(
        "admin/api_token_shown.html", office=office, token=token, plain=plain, scopes=SCOPES
    )


@bp.route("/buu-cuc/<int:office_id>/khoa-api/<int:token_id>/thu-hoi", methods=["POST"])
@require(Permission.MANAGE)
def api_token_revoke(office_id: int, token_id: int):
    office = db.get_or_404(PostOffice, office_id)
    token = _office_token(office, token_id)
    postal_tokens.revoke(token)
    db.session.commit()
    flash(
        f"Đã thu hồi khóa “{token.name}” ({token.prefix}…). Hệ thống dùng khóa này không gọi "
        "được API nữa.",
        "success",
    )
    return go(url_for("admin.api_tokens", office_id=office.id))
