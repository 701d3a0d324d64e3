"""Administration pages: units, staff accounts and their units, working-calendar overrides.

Every route needs Permission.MANAGE. Every change is a POST with a CSRF token; success flashes a
message and redirects (303), an invalid form comes back with 422 and what was typed.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from app import geo
from app.accounts.models import User
from app.admin import services
from app.admin.forms import OverrideForm, StaffCreateForm, StaffEditForm, UnitForm
from app.admin.services import (
    MANAGED_ROLES,
    OVERRIDE_KINDS,
    UNIT_KINDS,
    AdminError,
)
from app.catalogue.models import CalendarOverride, Unit
from app.core import clock
from app.core.htmx import is_htmx, render
from app.core.permissions import ROLE_LABELS, Permission, require
from app.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")

# The one-time password waits here between the POST that made it and the page that shows it.
ONE_TIME_PASSWORD_KEY = "admin_one_time_password"


def _go(target: str) -> Response:
    """303 for a plain form; for htmx a full navigation (HX-Redirect) so the flash shows."""
    if not is_htmx():
        return redirect(target, 303)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = target
    return response


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("trang", "1")))
    except ValueError:
        return 1


def _show_error(form: Any, error: AdminError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


# --- overview -----------------------------------------------------------------------------------


@bp.route("/")
@require(Permission.MANAGE)
def index():
    today = clock.today()
    first, last = services.override_window(today)
    counts = {
        "units": db.session.scalar(select(func.count()).select_from(Unit)),
        "staff": db.session.scalar(
            select(func.count()).select_from(User).where(User.role.in_(MANAGED_ROLES))
        ),
        "inactive": db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role.in_(MANAGED_ROLES), User.is_active_account.is_(False))
        ),
        "overrides": db.session.scalar(
            select(func.count())
            .select_from(CalendarOverride)
            .where(CalendarOverride.day >= first, CalendarOverride.day <= last)
        ),
    }
    return render("admin/index.html", counts=counts, first=first, last=last)


# --- units --------------------------------------------------------------------------------------


@bp.route("/don-vi")
@require(Permission.MANAGE)
def units():
    query = request.args.get("q", "").strip()[:100]
    page = services.paginate(services.search_units(query), _page_number())
    return render(
        "admin/units.html",
        "admin/_units_results.html",
        listing=page,
        query=query,
        staff_counts=services.staff_counts(),
        kinds=UNIT_KINDS,
    )


def _unit_form(unit: Unit | None) -> UnitForm:
    form = UnitForm()
    province = current_app.config["PROVINCE_CODE"]
    form.commune_code.choices = [("", "— Không gắn với xã (trung tâm cấp tỉnh) —")] + [
        (c.code, c.name) for c in geo.communes(province)
    ]
    if request.method == "GET" and unit is not None:
        form.code.data = unit.code
        form.name.data = unit.name
        form.kind.data = unit.kind
        form.commune_code.data = unit.commune_code or ""
        form.parent_name.data = unit.parent_name
        form.address.data = unit.address
    return form


def _unit_page(unit: Unit | None) -> Response:
    form = _unit_form(unit)
    if form.validate_on_submit():
        try:
            saved = services.save_unit(
                unit,
                code=form.code.data,
                name=form.name.data,
                kind=form.kind.data,
                commune_code=form.commune_code.data or "",
                parent_name=form.parent_name.data or "",
                address=form.address.data or "",
                province_code=current_app.config["PROVINCE_CODE"],
                province_tree=current_app.config["PROVINCE_TREE"],
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            verb = "Đã thêm" if unit is None else "Đã lưu"
            flash(f"{verb} đơn vị “{saved.name}” ({saved.code}).", "success")
            return _go(url_for("admin.units", q=saved.code))
    status = 422 if form.errors else 200
    usage = None
    if unit is not None:
        usage = {
            "staff": services.unit_staff_count(unit),
            "dossiers": services.unit_dossier_count(unit),
            "issued": services.unit_issued_codes(unit),
            "province_centre": unit.code
            == services.province_centre_code(current_app.config["PROVINCE_TREE"]),
        }
    return render(
        "admin/unit_form.html", "admin/_unit_form.html", status, form=form, unit=unit, usage=usage
    )


@bp.route("/don-vi/moi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def unit_new():
    return _unit_page(None)


@bp.route("/don-vi/<int:unit_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def unit_edit(unit_id: int):
    return _unit_page(db.get_or_404(Unit, unit_id))


@bp.route("/don-vi/<int:unit_id>/xoa", methods=["POST"])
@require(Permission.MANAGE)
def unit_delete(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    name, code = unit.name, unit.code
    try:
        services.delete_unit(unit, current_app.config["PROVINCE_TREE"])
    except AdminError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _go(url_for("admin.unit_edit", unit_id=unit_id))
    db.session.commit()
    flash(f"Đã xóa đơn vị “{name}” ({code}).", "success")
    return _go(url_for("admin.units"))


# --- staff accounts -----------------------------------------------------------------------------


def _all_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.code)))


def _staff_form_context(form: Any, user: User | None) -> dict[str, Any]:
    selected = set(form.units.data or [])
    units = sorted(_all_units(), key=lambda u: (u.id not in selected, u.code))
    return {"form": form, "user": user, "units": units, "selected": selected}


@bp.route("/can-bo")
@require(Permission.MANAGE)
def staff():
    query = request.args.get("q", "").strip()[:100]
    role = request.args.get("vai-tro", "")
    if role not in MANAGED_ROLES:
        role = ""
    page = services.paginate(services.search_staff(query, role), _page_number())
    return render(
        "admin/staff.html",
        "admin/_staff_results.html",
        listing=page,
        query=query,
        role=role,
        roles=[(r.value, ROLE_LABELS[r]) for r in MANAGED_ROLES],
    )


@bp.route("/can-bo/moi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def staff_new():
    form = StaffCreateForm()
    if form.validate_on_submit():
        try:
            user, password = services.create_staff(
                phone=form.phone.data,
                full_name=form.full_name.data,
                role=form.role.data,
                unit_ids=form.units.data or [],
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            session[ONE_TIME_PASSWORD_KEY] = {"user_id": user.id, "password": password}
            flash(f"Đã tạo tài khoản cho {user.full_name}.", "success")
            return _go(url_for("admin.staff_password", user_id=user.id))
    status = 422 if form.errors else 200
    return render(
        "admin/staff_form.html",
        "admin/_staff_form.html",
        status,
        **_staff_form_context(form, None),
    )


@bp.route("/can-bo/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def staff_edit(user_id: int):
    user = services.get_staff(user_id) or abort(404)
    form = StaffEditForm()
    if request.method == "GET":
        form.full_name.data = user.full_name
        form.role.data = user.role
        form.units.data = sorted(user.unit_ids)
        form.active.data = user.is_active_account
    if form.validate_on_submit():
        try:
            services.update_staff(
                user,
                _actor(),
                full_name=form.full_name.data,
                role=form.role.data,
                unit_ids=form.units.data or [],
                active=bool(form.active.data),
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            state = "" if user.is_active_account else " Tài khoản đang bị khóa."
            flash(f"Đã lưu thay đổi cho {user.full_name}.{state}", "success")
            return _go(url_for("admin.staff"))
    status = 422 if form.errors else 200
    return render(
        "admin/staff_form.html",
        "admin/_staff_form.html",
        status,
        is_self=user.id == current_user.id,
        **_staff_form_context(form, user),
    )


@bp.route("/can-bo/<int:user_id>/cap-lai-mat-khau", methods=["POST"])
@require(Permission.MANAGE)
def staff_reset_password(user_id: int):
    user = services.get_staff(user_id) or abort(404)
    password = services.reset_password(user)
    db.session.commit()
    session[ONE_TIME_PASSWORD_KEY] = {"user_id": user.id, "password": password}
    flash(f"Đã cấp mật khẩu mới cho {user.full_name}. Mật khẩu cũ không dùng được nữa.", "success")
    return _go(url_for("admin.staff_password", user_id=user.id))


@bp.route("/can-bo/<int:user_id>/mat-khau")
@require(Permission.MANAGE)
def staff_password(user_id: int):
    """Shows the one-time password once: reading it removes it from the session."""
    user = services.get_staff(user_id) or abort(404)
    password = None
    waiting = session.get(ONE_TIME_PASSWORD_KEY)
    if isinstance(waiting, dict) and waiting.get("user_id") == user.id:
        password = session.pop(ONE_TIME_PASSWORD_KEY)["password"]
    return render("admin/staff_password.html", user=user, password=password)


# --- calendar overrides -------------------------------------------------------------------------


@bp.route("/ngay-nghi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def calendar():
    today = clock.today()
    form = OverrideForm()
    if request.method == "GET":
        form.kind.data = "day_off"
    if form.validate_on_submit():
        try:
            row, created = services.upsert_override(
                form.day.data, form.kind.data, form.note.data or "", today
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            verb = "Đã thêm" if created else "Đã cập nhật"
            flash(f"{verb} ngày {row.day:%d/%m/%Y}: {OVERRIDE_KINDS[row.kind]}.", "success")
            return _go(url_for("admin.calendar"))
    status = 422 if form.errors else 200
    first, last = services.override_window(today)
    return render(
        "admin/calendar.html",
        "admin/_override_form.html",
        status,
        form=form,
        overrides=services.list_overrides(today),
        holidays=services.upcoming_holidays(today),
        kinds=OVERRIDE_KINDS,
        official=services.official_day_label,
        weekday=services.weekday_name,
        first=first,
        last=last,
    )


@bp.route("/ngay-nghi/<int:override_id>/xoa", methods=["POST"])
@require(Permission.MANAGE)
def calendar_delete(override_id: int):
    row = db.get_or_404(CalendarOverride, override_id)
    day = row.day
    services.delete_override(row)
    db.session.commit()
    flash(f"Đã xóa ngày {day:%d/%m/%Y} khỏi danh sách; ngày này theo lịch chính thức.", "success")
    return _go(url_for("admin.calendar"))
