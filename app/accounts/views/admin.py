"""The administration's home page (each domain's cards, app/core/admin.py) and the staff accounts
an administrator manages. Every route needs Permission.MANAGE; every change is a POST with a
CSRF token, success flashes and redirects (303), an invalid form comes back with 422.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts import operations, queries, shown_once
from app.accounts.forms import StaffCreateForm, StaffEditForm, StaffForm
from app.accounts.models import User
from app.accounts.staff import MANAGED_ROLES
from app.catalogue.queries import all_units
from app.core import admin as admin_cards
from app.core.htmx import render
from app.core.paging import page_number
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import ROLE_LABELS, Permission
from app.core.transaction import domain_errors, form_status

bp = Blueprint("accounts_admin", __name__, url_prefix="/quan-tri")

# What a staff member's one-time password is held as until its page shows it (shown_once.py).
ONE_TIME_PASSWORD = "staff_password"


@bp.route("/")
@require(Permission.MANAGE)
def index():
    return render("accounts/admin/index.html", cards=admin_cards.cards())


@bp.route("/can-bo")
@require(Permission.MANAGE)
def staff():
    query = request.args.get("q", "").strip()[:100]
    role = request.args.get("vai-tro", "")
    if role not in MANAGED_ROLES:
        role = ""
    return render(
        "accounts/admin/staff.html",
        "accounts/admin/_staff_results.html",
        listing=queries.staff_page(query, role, page_number()),
        query=query,
        role=role,
        roles=[(r.value, ROLE_LABELS[r]) for r in MANAGED_ROLES],
    )


def _form_page(form: StaffForm, user: User | None, **context: Any) -> Response:
    """The staff form, the chosen units first."""
    selected = set(form.units.data or [])
    units = sorted(all_units(), key=lambda u: (u.id not in selected, u.code))
    return render(
        "accounts/admin/staff_form.html",
        "accounts/admin/_staff_form.html",
        form_status(form),
        form=form,
        user=user,
        units=units,
        selected=selected,
        **context,
    )


def _show_password(user: User, password: str) -> Response:
    shown_once.hold(ONE_TIME_PASSWORD, user.id, password)
    return go(url_for("accounts_admin.staff_password", user_id=user.id))


@bp.route("/can-bo/moi", methods=["GET", "POST"])
@require(Permission.MANAGE)
def staff_new():
    form = StaffCreateForm.with_choices()
    if request.method == "GET":
        form.for_team(request.args.get("to", ""))
    if form.validate_on_submit():
        with domain_errors(form):
            user, password = operations.create_staff(
                phone=form.phone.data,
                full_name=form.full_name.data,
                role=form.role.data,
                unit_ids=form.units.data or [],
                affiliated=form.affiliated(),
            )
            flash(f"Đã tạo tài khoản cho {user.full_name}.", "success")
            return _show_password(user, password)
    return _form_page(form, None)


@bp.route("/can-bo/<id:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def staff_edit(user_id: int):
    user = queries.get_staff(user_id) or abort(404)
    form = StaffEditForm.with_choices()
    if request.method == "GET":
        form.fill(user)
    if form.validate_on_submit():
        with domain_errors(form):
            operations.update_staff(
                user,
                current_user._get_current_object(),  # type: ignore[attr-defined]
                full_name=form.full_name.data,
                role=form.role.data,
                unit_ids=form.units.data or [],
                active=bool(form.active.data),
                affiliated=form.affiliated(),
            )
            state = "" if user.is_active_account else " Tài khoản đang bị khóa."
            flash(f"Đã lưu thay đổi cho {user.full_name}.{state}", "success")
            return go(url_for("accounts_admin.staff"))
    return _form_page(form, user, is_self=user.id == current_user.id)


@bp.route("/can-bo/<id:user_id>/cap-lai-mat-khau", methods=["POST"])
@require(Permission.MANAGE)
def staff_reset_password(user_id: int):
    user = queries.get_staff(user_id) or abort(404)
    password = operations.reset_password(user)
    flash(f"Đã cấp mật khẩu mới cho {user.full_name}. Mật khẩu cũ không dùng được nữa.", "success")
    return _show_password(user, password)


@bp.route("/can-bo/<id:user_id>/mat-khau")
@require(Permission.MANAGE)
def staff_password(user_id: int):
    """Shows the one-time password once: showing it deletes it on the server."""
    user = queries.get_staff(user_id) or abort(404)
    password = shown_once.reveal(ONE_TIME_PASSWORD, user.id)
    return render("accounts/admin/staff_password.html", user=user, password=password)
