"""Administration pages: units, staff accounts and their units, working-calendar overrides,
community digital technology teams, and the helpers' guide of each procedure (post offices:
app/postal/views/admin.py).

Every route needs Permission.MANAGE. Every change is a POST with a CSRF token; success flashes
a message and redirects (303), an invalid form comes back with 422 and what was typed.
"""

from __future__ import annotations

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
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import geo
from app.accounts.models import User
from app.admin import services
from app.admin.forms import (
    HelperGuideForm,
    OverrideForm,
    StaffCreateForm,
    StaffEditForm,
    TeamForm,
    UnitForm,
)
from app.admin.services import (
    MANAGED_ROLES,
    OVERRIDE_KINDS,
    UNIT_KINDS,
    AdminError,
)
from app.assist.models import CommunityTeam
from app.catalogue.guide import default_steps, written_steps
from app.catalogue.models import CalendarOverride, Unit
from app.core import admin as admin_cards
from app.core import clock
from app.core.htmx import render
from app.core.paging import page_number, paginate
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import ROLE_LABELS, Permission, Role
from app.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")

# The one-time password waits here between the POST that made it and the page that shows it.
ONE_TIME_PASSWORD_KEY = "admin_one_time_password"


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
    return render("admin/index.html", cards=admin_cards.cards())


# --- units --------------------------------------------------------------------------------------


@bp.route("/don-vi")
@require(Permission.MANAGE)
def units():
    query = request.args.get("q", "").strip()[:100]
    page = paginate(services.search_units(query), page_number())
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
            return go(url_for("admin.units", q=saved.code))
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
        return go(url_for("admin.unit_edit", unit_id=unit_id))
    db.session.commit()
    flash(f"Đã xóa đơn vị “{name}” ({code}).", "success")
    return go(url_for("admin.units"))


# --- staff accounts -----------------------------------------------------------------------------


def _all_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.code)))


def _with_choices(form: Any) -> Any:
    """The post offices and the community teams a staff account may belong to."""
    form.post_office.choices = [("", "— Không thuộc bưu cục nào —")] + [
        (
            str(office.id),
            f"{office.name} ({office.code})" + ("" if office.is_active else " – ngừng hoạt động"),
        )
        for office in services.all_post_offices()
    ]
    form.team.choices = [("", "— Không thuộc tổ nào —")] + [
        (
            str(team.id),
            f"{team.name} ({services.commune_name(team.commune_code)})"
            + ("" if team.is_active else " – ngừng hoạt động"),
        )
        for team in services.all_teams()
    ]
    return form


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
    page = paginate(services.search_staff(query, role), page_number())
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
    form = _with_choices(StaffCreateForm())
    team_arg = request.args.get("to", "")
    if request.method == "GET" and team_arg.isascii() and team_arg.isdigit():
        # "Add a member" on a team's page: the role and the team are already chosen.
        form.role.data = Role.COMMUNITY.value
        form.team.data = int(team_arg)
    if form.validate_on_submit():
        try:
            user, password = services.create_staff(
                phone=form.phone.data,
                full_name=form.full_name.data,
                role=form.role.data,
                unit_ids=form.units.data or [],
                post_office_id=form.post_office.data,
                team_id=form.team.data,
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            session[ONE_TIME_PASSWORD_KEY] = {"user_id": user.id, "password": password}
            flash(f"Đã tạo tài khoản cho {user.full_name}.", "success")
            return go(url_for("admin.staff_password", user_id=user.id))
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
    form = _with_choices(StaffEditForm())
    if request.method == "GET":
        form.full_name.data = user.full_name
        form.role.data = user.role
        form.units.data = sorted(user.unit_ids)
        form.post_office.data = user.post_office_id
        form.team.data = user.team_id
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
                post_office_id=form.post_office.data,
                team_id=form.team.data,
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            state = "" if user.is_active_account else " Tài khoản đang bị khóa."
            flash(f"Đã lưu thay đổi cho {user.full_name}.{state}", "success")
            return go(url_for("admin.staff"))
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
    return go(url_for("admin.staff_password", user_id=user.id))


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
            return go(url_for("admin.calendar"))
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
    return go(url_for("admin.calendar"))


# --- community digital technology teams ---------------------------------------------------------


@bp.route("/to-cong-nghe")
@require(Permission.MANAGE)
def teams():
    query = request.args.get("q", "").strip()[:100]
    page = paginate(services.search_teams(query), page_number())
    return render(
        "admin/teams.html",
        "admin/_teams_results.html",
        listing=page,
        query=query,
        member_counts=services.team_member_counts(),
        commune_name=services.commune_name,
    )


def _team_form(team: CommunityTeam | None) -> TeamForm:
    form = TeamForm()
    province = current_app.config["PROVINCE_CODE"]
    form.commune_code.choices = [("", "— Chọn xã, phường —")] + [
        (c.code, c.name) for c in geo.communes(province)
    ]
    if request.method == "GET" and team is not None:
        form.commune_code.data = team.commune_code
        form.village.data = team.village
        form.name.data = team.name
        form.meeting_place.data = team.meeting_place
        form.active.data = team.is_active
    return form


def _team_page(team: CommunityTeam | None) -> Response:
    form = _team_form(team)
    if form.validate_on_submit():
        was_active = team.is_active if team is not None else True
        try:
            saved = services.save_team(
                team,
                name=form.name.data or "",
                commune_code=form.commune_code.data or "",
                village=form.village.data or "",
                meeting_place=form.meeting_place.data or "",
                active=bool(form.active.data),
                province_code=current_app.config["PROVINCE_CODE"],
            )
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            verb = "Đã thêm" if team is None else "Đã lưu"
            flash(f"{verb} “{saved.name}” ({saved.village}).", "success")
            members = len(saved.members)
            if was_active and not saved.is_active and members:
                flash(
                    f"Tổ đã ngừng hoạt động; {members} thành viên vẫn giữ tài khoản. Nếu họ "
                    "không còn giúp người dân, hãy khóa tài khoản ở trang Tài khoản cán bộ.",
                    "success",
                )
            return go(url_for("admin.team_edit", team_id=saved.id))
    status = 422 if form.errors else 200
    return render(
        "admin/team_form.html",
        "admin/_team_form.html",
        status,
        form=form,
        team=team,
        members=services.team_members(team) if team is not None else [],
        commune_name=services.commune_name,
    )


@bp.route("/to-cong-nghe/moi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def team_new():
    return _team_page(None)


@bp.route("/to-cong-nghe/<int:team_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def team_edit(team_id: int):
    return _team_page(db.get_or_404(CommunityTeam, team_id))


# --- the helpers' guide of each procedure -------------------------------------------------------


@bp.route("/thu-tuc")
@require(Permission.MANAGE)
def procedure_guides():
    query = request.args.get("q", "").strip()[:100]
    page = paginate(services.search_procedures(query), page_number())
    return render(
        "admin/procedure_guides.html",
        "admin/_procedure_guides_results.html",
        listing=page,
        query=query,
        steps=written_steps,
    )


@bp.route("/thu-tuc/<code>/huong-dan", methods=["GET", "POST"])
@require(Permission.MANAGE)
def procedure_guide(code: str):
    procedure = services.get_procedure(code) or abort(404)
    form = HelperGuideForm()
    if request.method == "GET":
        form.helper_guide.data = procedure.helper_guide
    if form.validate_on_submit():
        try:
            services.save_helper_guide(procedure, form.helper_guide.data or "")
        except AdminError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            if procedure.helper_guide:
                flash(f"Đã lưu hướng dẫn hỗ trợ cho thủ tục “{procedure.name}”.", "success")
            else:
                flash(
                    f"Thủ tục “{procedure.name}” không có hướng dẫn riêng: trang thủ tục hiện "
                    "hướng dẫn chung, lập từ danh sách giấy tờ.",
                    "success",
                )
            return go(url_for("admin.procedure_guides", q=procedure.code))
    status = 422 if form.errors else 200
    return render(
        "admin/procedure_guide.html",
        "admin/_procedure_guide_form.html",
        status,
        form=form,
        procedure=procedure,
        default=default_steps(procedure.documents),
    )
