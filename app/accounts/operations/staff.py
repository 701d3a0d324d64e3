"""Staff accounts, made and changed by the administrator: a one-time password to hand over,
a new one on request, locking. A new password or a lock ends the person's sessions at once.
Flush only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.accounts import affiliations
from app.accounts.models import User
from app.accounts.operations import sessions, signin
from app.accounts.queries import units_by_id, user_by_phone
from app.accounts.staff import MANAGED_ROLES, ROLES_NEEDING_UNIT, generate_password
from app.catalogue.models import Unit
from app.core.errors import Invalid
from app.core.roles import Role
from app.core.text import normalise_spaces
from app.extensions import db


def _units(role: str, unit_ids: Iterable[int]) -> list[Unit]:
    ids = set(unit_ids)
    units = units_by_id(ids)
    if len(units) != len(ids):
        raise Invalid("Một đơn vị đã chọn không còn tồn tại. Hãy chọn lại.", "units")
    if role in ROLES_NEEDING_UNIT and not units:
        raise Invalid(
            "Cán bộ một cửa và chuyên viên phải thuộc ít nhất một đơn vị: họ chỉ thấy hồ sơ của "
            "đơn vị mình.",
            "units",
        )
    return units


def create_staff(
    *,
    phone: str,
    full_name: str,
    role: str,
    unit_ids: Iterable[int],
    affiliated: Mapping[str, int | None] | None = None,
) -> tuple[User, str]:
    """Create a staff account with a one-time password; returns the user and that password.

    ``phone`` must already be normalised (0XXXXXXXXX). ``affiliated``: the id chosen for each
    registered affiliation (app/accounts/affiliations.py), by field: ``{"post_office": 3}``.
    """
    if role not in MANAGED_ROLES:
        raise Invalid("Vui lòng chọn vai trò.", "role")
    existing = user_by_phone(phone)
    if existing is not None:
        kind = "tài khoản công dân" if existing.role == Role.CITIZEN else "tài khoản cán bộ"
        raise Invalid(
            f"Số điện thoại này đã có {kind} ({existing.full_name}). Mỗi số chỉ dùng cho một "
            "tài khoản; hãy dùng số khác.",
            "phone",
        )
    units = _units(role, unit_ids)
    user = User(
        phone=phone,
        full_name=normalise_spaces(full_name),
        role=role,
        is_active_account=True,
        units=units,
        **affiliations.checked(role, affiliated or {}, {}),
    )
    password = generate_password()
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user, password


def update_staff(
    user: User,
    actor: User,
    *,
    full_name: str,
    role: str,
    unit_ids: Iterable[int],
    active: bool,
    affiliated: Mapping[str, int | None] | None = None,
) -> User:
    if role not in MANAGED_ROLES:
        raise Invalid("Vui lòng chọn vai trò.", "role")
    if user.id == actor.id:
        if role != Role.ADMIN:
            raise Invalid(
                "Bạn không thể tự bỏ quyền quản trị của mình. Hãy nhờ một quản trị viên khác.",
                "role",
            )
        if not active:
            raise Invalid(
                "Bạn không thể tự khóa tài khoản của mình. Hãy nhờ một quản trị viên khác.",
                "active",
            )
    units = _units(role, unit_ids)
    current = {a.field: getattr(user, f"{a.field}_id") for a in affiliations.registered()}
    columns = affiliations.checked(role, affiliated or {}, current)
    user.full_name = normalise_spaces(full_name)
    user.role = role
    user.units = units
    for column, value in columns.items():
        setattr(user, column, value)
    if user.is_active_account and not active:
        sessions.end_all(user.id, sessions.LOCKED)
    user.is_active_account = active
    db.session.flush()
    return user


def reset_password(user: User) -> str:
    """Replace the password with a new one-time password and return it; whoever is signed in
    with the old one is signed out."""
    if user.role not in MANAGED_ROLES:
        raise Invalid("Chỉ cấp lại mật khẩu cho tài khoản cán bộ ở trang này.")
    password = generate_password()
    user.set_password(password)
    sessions.end_all(user.id, sessions.ADMIN_RESET)
    signin.forget(user.phone)  # the new password works at once, whatever was tried before
    db.session.flush()
    return password
