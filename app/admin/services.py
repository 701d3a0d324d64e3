"""Administration logic: units, staff accounts, post offices (the
communes they serve, their pickup slot templates and closed days, their API tokens), community
digital technology teams, and the helpers' guide of each procedure.

Functions here change the session and flush; the views commit. Refusals are raised as
:class:`AdminError` with a polite Vietnamese message and the form field it belongs to.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Final

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app import geo
from app.accounts.models import User, unit_memberships
from app.assist.models import CommunityTeam
from app.catalogue.guide import GUIDE_MAX_LENGTH, normalise_guide
from app.catalogue.models import Procedure, Unit
from app.core.errors import Invalid
from app.core.roles import POSTAL_ROLES, Permission, Role, has_permission
from app.core.text import fold, normalise_spaces
from app.dossiers.models import Dossier, DossierSequence
from app.extensions import db
from app.postal import tokens
from app.postal.models import (
    ApiToken,
    PickupSlot,
    PostOffice,
    PostOfficeClosure,
    PostOfficeCommune,
    Shipment,
    SlotTemplateRow,
)
from app.postal.schedule import WEEKDAY_LABELS

# QCVN 102:2016/BTTTT code of an agency: three groups of digits and the tree letter + 2 digits.
UNIT_CODE_PATTERN: Final = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}", re.ASCII)
UNIT_KINDS: Final = {
    "commune_centre": "Trung tâm Phục vụ hành chính công cấp xã",
    "province_centre": "Trung tâm Phục vụ hành chính công cấp tỉnh",
}
# Accounts an administrator manages here. Citizens register themselves and never appear.
MANAGED_ROLES: Final = (
    Role.OFFICER,
    Role.SPECIALIST,
    Role.POSTAL,
    Role.POSTAL_HEAD,
    Role.COMMUNITY,
    Role.ADMIN,
)
ROLES_NEEDING_UNIT: Final = frozenset({Role.OFFICER, Role.SPECIALIST})

# No 0/O, 1/l/I: the password is read aloud or copied from a screen by hand.
_READABLE_LOWER: Final = "abcdefghijkmnpqrstuvwxyz"
_READABLE_UPPER: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_READABLE_DIGITS: Final = "23456789"
_READABLE: Final = _READABLE_LOWER + _READABLE_UPPER + _READABLE_DIGITS


class AdminError(Invalid):
    """A refusal to show next to ``field`` (or at the top of the page when ``field`` is "")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


# --- helpers ------------------------------------------------------------------------------------


def generate_password(length: int = 10) -> str:
    """A random one-time password from a readable alphabet, with a lower-case letter, an
    upper-case letter and a digit (so it passes any reasonable password rule)."""
    if length < 8:
        raise ValueError("a one-time password needs at least 8 characters")
    while True:
        password = "".join(secrets.choice(_READABLE) for _ in range(length))
        if (
            any(c in _READABLE_LOWER for c in password)
            and any(c in _READABLE_UPPER for c in password)
            and any(c in _READABLE_DIGITS for c in password)
        ):
            return password


# --- units --------------------------------------------------------------------------------------


def staff_counts() -> dict[int, int]:
    """Number of staff accounts per unit id (active or not)."""
    rows = db.session.execute(
        select(unit_memberships.c.unit_id, func.count())
        .join(User, User.id == unit_memberships.c.user_id)
        .where(User.role.in_(MANAGED_ROLES))
        .group_by(unit_memberships.c.unit_id)
    )
    return {unit_id: count for unit_id, count in rows}


def search_units(query: str = "") -> list[Unit]:
    """Units ordered by code; ``query`` matches code, name, commune or address, without caring
    about case or diacritics. Filtered in Python: a province has at most a few hundred units."""
    units = list(db.session.scalars(select(Unit).order_by(Unit.code)))
    key = fold(query)
    if not key:
        return units
    return [unit for unit in units if key in _unit_search_text(unit)]


def _unit_search_text(unit: Unit) -> str:
    place = geo.commune(unit.commune_code)
    return fold(f"{unit.code} {unit.name} {place.name if place else ''} {unit.address}")


def unit_dossier_count(unit: Unit) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Dossier)
            .where(or_(Dossier.receiving_unit_id == unit.id, Dossier.current_unit_id == unit.id))
        )
        or 0
    )


def unit_issued_codes(unit: Unit) -> bool:
    """Whether dossier codes were ever issued with this unit's code."""
    return (
        db.session.scalar(select(DossierSequence.unit_id).filter_by(unit_id=unit.id).limit(1))
        is not None
    )


def unit_staff_count(unit: Unit) -> int:
    return staff_counts().get(unit.id, 0)


def _check_unit(
    unit: Unit | None,
    *,
    code: str,
    kind: str,
    commune_code: str,
    province_code: int,
    province_tree: str,
) -> None:
    if not UNIT_CODE_PATTERN.fullmatch(code):
        raise AdminError(
            "code",
            "Mã đơn vị chưa đúng mẫu QCVN 102:2016: 3 chữ số, 2 chữ số, 2 chữ số và một chữ cái "
            "in hoa kèm 2 chữ số, cách nhau bằng dấu chấm (ví dụ 000.00.15.H40).",
        )
    other = db.session.scalar(select(Unit).filter_by(code=code))
    if other is not None and other is not unit:
        raise AdminError("code", f"Mã {code} đã được dùng cho “{other.name}”.")
    if unit is not None and code != unit.code:
        if unit.code == province_centre_code(province_tree):
            raise AdminError(
                "code",
                "Không đổi được mã của Trung tâm cấp tỉnh: hồ sơ gửi về tỉnh được tiếp nhận "
                "theo mã này.",
            )
        if unit_dossier_count(unit) or unit_issued_codes(unit):
            raise AdminError(
                "code",
                "Không đổi được mã vì đơn vị đã có hồ sơ mang mã này. Mã hồ sơ đã cấp phải "
                "giữ nguyên.",
            )
    if kind not in UNIT_KINDS:
        raise AdminError("kind", "Vui lòng chọn loại đơn vị.")
    if kind == "commune_centre" and commune_code:
        place = geo.commune(commune_code)
        if place is None or place.province_code != province_code:
            raise AdminError("commune_code", "Xã, phường đã chọn không thuộc tỉnh này.")
        holder = db.session.scalar(select(Unit).filter_by(commune_code=commune_code))
        if holder is not None and holder is not unit:
            raise AdminError(
                "commune_code",
                f"Xã, phường này đã có trung tâm: “{holder.name}”. Một điểm tiếp nhận thêm của "
                "xã thì để trống ô này.",
            )
    elif commune_code:
        raise AdminError(
            "commune_code", "Trung tâm cấp tỉnh không gắn với một xã; hãy để trống ô này."
        )


def province_centre_code(province_tree: str) -> str:
    return f"000.00.00.{province_tree}"


def _default_parent_name(kind: str, commune_code: str, province_code: int) -> str:
    if kind == "commune_centre":
        place = geo.commune(commune_code)
        return f"UBND {place.name.upper()}" if place else ""
    province = dict(geo.provinces()).get(province_code, "")
    return f"UBND TỈNH {province.upper()}" if province else ""


def save_unit(
    unit: Unit | None,
    *,
    code: str,
    name: str,
    kind: str,
    commune_code: str = "",
    parent_name: str = "",
    address: str = "",
    province_code: int,
    province_tree: str,
) -> Unit:
    """Create (``unit`` None) or update a unit. Raises :class:`AdminError`."""
    code = code.strip().upper()
    name = normalise_spaces(name)
    commune_code = (commune_code or "").strip()
    if not name:
        raise AdminError("name", "Vui lòng nhập tên đơn vị.")
    _check_unit(
        unit,
        code=code,
        kind=kind,
        commune_code=commune_code,
        province_code=province_code,
        province_tree=province_tree,
    )
    if unit is None:
        unit = Unit(code=code)
        db.session.add(unit)
    unit.code = code
    unit.name = name
    unit.kind = kind
    unit.commune_code = commune_code or None
    unit.parent_name = normalise_spaces(parent_name) or _default_parent_name(
        kind, commune_code, province_code
    )
    unit.address = normalise_spaces(address)
    db.session.flush()
    return unit


def delete_unit(unit: Unit, province_tree: str) -> None:
    """Delete a unit nobody works in and no dossier ever went through."""
    if unit.code == province_centre_code(province_tree):
        raise AdminError(
            "",
            "Không thể xóa Trung tâm cấp tỉnh: mọi hồ sơ không thuộc một xã được tiếp nhận tại "
            "đây.",
        )
    dossiers = unit_dossier_count(unit)
    if dossiers or unit_issued_codes(unit):
        raise AdminError(
            "",
            f"Không thể xóa “{unit.name}” vì đơn vị đã tiếp nhận hoặc đang giữ hồ sơ"
            f"{f' ({dossiers} hồ sơ)' if dossiers else ''}. Hồ sơ phải được lưu giữ cùng đơn vị "
            "đã xử lý; bạn có thể sửa tên, địa chỉ của đơn vị nếu cần.",
        )
    staff = unit_staff_count(unit)
    if staff:
        raise AdminError(
            "",
            f"Không thể xóa “{unit.name}” vì còn {staff} cán bộ thuộc đơn vị. Hãy chuyển các "
            "cán bộ này sang đơn vị khác trước, rồi xóa lại.",
        )
    try:
        with db.session.begin_nested():
            db.session.delete(unit)
            db.session.flush()
    except IntegrityError as error:  # a reference this module does not know about yet
        raise AdminError(
            "", f"Không thể xóa “{unit.name}” vì đơn vị vẫn đang được dữ liệu khác sử dụng."
        ) from error


# --- staff accounts -----------------------------------------------------------------------------


def search_staff(query: str = "", role: str = "") -> list[User]:
    """Staff accounts (never citizens), by role then name; ``query`` matches name or phone."""
    roles = [role] if role in MANAGED_ROLES else list(MANAGED_ROLES)
    users = list(
        db.session.scalars(select(User).where(User.role.in_(roles)).order_by(User.full_name))
    )
    order = {r: i for i, r in enumerate(MANAGED_ROLES)}
    users.sort(key=lambda u: (not u.is_active_account, order[Role(u.role)], fold(u.full_name)))
    key = fold(query)
    digits = "".join(ch for ch in query if ch.isdigit())
    if not key:
        return users
    return [
        u for u in users if key in fold(u.full_name) or (len(digits) >= 3 and digits in u.phone)
    ]


def get_staff(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or user.role not in MANAGED_ROLES:
        return None
    return user


def _units_by_id(unit_ids: Iterable[int]) -> list[Unit]:
    ids = sorted(set(unit_ids))
    if not ids:
        return []
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code)))
    if len(units) != len(ids):
        raise AdminError("units", "Một đơn vị đã chọn không còn tồn tại. Hãy chọn lại.")
    return units


def _check_staff_units(role: str, units: list[Unit]) -> None:
    if role in ROLES_NEEDING_UNIT and not units:
        raise AdminError(
            "units",
            "Cán bộ một cửa và chuyên viên phải thuộc ít nhất một đơn vị: họ chỉ thấy hồ sơ của "
            "đơn vị mình.",
        )


def _staff_post_office(role: str, post_office_id: int | None) -> PostOffice | None:
    """The post office of a staff account: required for postal roles, refused for the others
    (a worker sees and collects only the dossiers of the communes their office serves)."""
    office = db.session.get(PostOffice, post_office_id) if post_office_id is not None else None
    if post_office_id is not None and office is None:
        raise AdminError("post_office", "Bưu cục đã chọn không còn tồn tại. Hãy chọn lại.")
    if role in POSTAL_ROLES and office is None:
        raise AdminError(
            "post_office",
            "Nhân viên bưu điện và trưởng bưu cục phải thuộc một bưu cục: họ chỉ làm việc với "
            "hồ sơ của các xã do bưu cục mình phục vụ.",
        )
    if role not in POSTAL_ROLES and office is not None:
        raise AdminError(
            "post_office",
            "Chỉ nhân viên bưu điện và trưởng bưu cục mới thuộc một bưu cục. Với vai trò này, "
            "hãy để trống ô “Bưu cục”.",
        )
    return office


def _staff_team(role: str, team_id: int | None, current: int | None = None) -> CommunityTeam | None:
    """The community team of a staff account: required for team members, refused for the other
    roles (a member helps people in their own village, and the team's numbers count by team).
    A team that stopped working takes no new member; one already in it may stay."""
    team = db.session.get(CommunityTeam, team_id) if team_id is not None else None
    if team_id is not None and team is None:
        raise AdminError("team", "Tổ đã chọn không còn tồn tại. Hãy chọn lại.")
    if role == Role.COMMUNITY and team is None:
        raise AdminError(
            "team",
            "Thành viên Tổ công nghệ số cộng đồng phải thuộc một tổ: hồ sơ họ giúp người dân "
            "nộp được ghi tên tổ và nơi hỗ trợ. Nếu chưa có tổ của thôn, bản này, hãy thêm tổ "
            "ở trang “Tổ công nghệ số cộng đồng” trước.",
        )
    if role != Role.COMMUNITY and team is not None:
        raise AdminError(
            "team",
            "Chỉ thành viên Tổ công nghệ số cộng đồng mới thuộc một tổ. Với vai trò này, hãy để "
            "trống ô “Tổ công nghệ số cộng đồng”.",
        )
    if team is not None and not team.is_active and team.id != current:
        raise AdminError(
            "team",
            f"“{team.name}” đã ngừng hoạt động nên không nhận thêm thành viên. Hãy chọn tổ "
            "khác, hoặc cho tổ hoạt động lại trước.",
        )
    return team


def create_staff(
    *,
    phone: str,
    full_name: str,
    role: str,
    unit_ids: Iterable[int],
    post_office_id: int | None = None,
    team_id: int | None = None,
) -> tuple[User, str]:
    """Create a staff account with a one-time password; returns the user and that password.

    ``phone`` must already be normalised (0XXXXXXXXX).
    """
    if role not in MANAGED_ROLES:
        raise AdminError("role", "Vui lòng chọn vai trò.")
    existing = db.session.scalar(select(User).filter_by(phone=phone))
    if existing is not None:
        kind = "tài khoản công dân" if existing.role == Role.CITIZEN else "tài khoản cán bộ"
        raise AdminError(
            "phone",
            f"Số điện thoại này đã có {kind} ({existing.full_name}). Mỗi số chỉ dùng cho một "
            "tài khoản; hãy dùng số khác.",
        )
    units = _units_by_id(unit_ids)
    _check_staff_units(role, units)
    office = _staff_post_office(role, post_office_id)
    team = _staff_team(role, team_id)
    user = User(
        phone=phone,
        full_name=normalise_spaces(full_name),
        role=role,
        is_active_account=True,
        units=units,
        post_office_id=office.id if office else None,
        team_id=team.id if team else None,
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
    post_office_id: int | None = None,
    team_id: int | None = None,
) -> User:
    if role not in MANAGED_ROLES:
        raise AdminError("role", "Vui lòng chọn vai trò.")
    if user.id == actor.id:
        if role != Role.ADMIN:
            raise AdminError(
                "role",
                "Bạn không thể tự bỏ quyền quản trị của mình. Hãy nhờ một quản trị viên khác.",
            )
        if not active:
            raise AdminError(
                "active",
                "Bạn không thể tự khóa tài khoản của mình. Hãy nhờ một quản trị viên khác.",
            )
    units = _units_by_id(unit_ids)
    _check_staff_units(role, units)
    office = _staff_post_office(role, post_office_id)
    team = _staff_team(role, team_id, current=user.team_id)
    user.full_name = normalise_spaces(full_name)
    user.role = role
    user.units = units
    user.post_office_id = office.id if office else None
    user.team_id = team.id if team else None
    user.is_active_account = active
    db.session.flush()
    return user


def reset_password(user: User) -> str:
    """Replace the password with a new one-time password and return it."""
    if user.role not in MANAGED_ROLES:
        raise AdminError("", "Chỉ cấp lại mật khẩu cho tài khoản cán bộ ở trang này.")
    password = generate_password()
    user.set_password(password)
    db.session.flush()
    return password


# --- post offices -------------------------------------------------------------------------------

# Vietnam Post identifies each post office (bưu cục) by a 6-digit code, e.g. 463100.
POST_OFFICE_CODE_PATTERN: Final = re.compile(r"\d{6}", re.ASCII)
SLOT_CAPACITY_MAX: Final = 50


def can_manage_post_office(user: User, office: PostOffice) -> bool:
    """Schedules and closed days: the administrator for any office, a post office head for
    their own office only."""
    if has_permission(user, Permission.MANAGE):
        return True
    return has_permission(user, Permission.POSTAL_MANAGE) and user.post_office_id == office.id


def all_post_offices() -> list[PostOffice]:
    return list(
        db.session.scalars(
            select(PostOffice).options(selectinload(PostOffice.communes)).order_by(PostOffice.code)
        )
    )


def search_post_offices(query: str = "") -> list[PostOffice]:
    """Post offices by code; ``query`` matches code, name, address or a commune served,
    without caring about case or diacritics (a province has at most a few hundred)."""
    offices = all_post_offices()
    key = fold(query)
    if not key:
        return offices
    return [office for office in offices if key in _post_office_search_text(office)]


def _post_office_search_text(office: PostOffice) -> str:
    places = " ".join(_commune_label(code) for code in office.commune_codes)
    return fold(f"{office.code} {office.name} {office.address} {places}")


def _commune_label(code: str) -> str:
    place = geo.commune(code)
    return place.name if place else code


def served_commune_names(office: PostOffice) -> list[str]:
    """The communes ``office`` serves, by name without diacritics."""
    names = [_commune_label(code) for code in office.commune_codes]
    return sorted(names, key=fold)


def post_office_staff_counts() -> dict[int, int]:
    """Number of staff accounts (active or not) per post office id."""
    rows = db.session.execute(
        select(User.post_office_id, func.count())
        .where(User.post_office_id.is_not(None))
        .group_by(User.post_office_id)
    )
    return {office_id: count for office_id, count in rows}


def post_office_staff(office: PostOffice) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.post_office_id == office.id)
            .order_by(User.is_active_account.desc(), User.full_name)
        )
    )


def commune_holders() -> dict[str, PostOffice]:
    """The office serving each commune that has one."""
    rows = db.session.scalars(
        select(PostOfficeCommune).options(joinedload(PostOfficeCommune.post_office))
    )
    return {row.commune_code: row.post_office for row in rows}


@dataclass(frozen=True)
class CommuneChoice:
    code: str
    name: str
    holder: PostOffice | None


def commune_groups(
    office: PostOffice | None, province_code: int
) -> list[tuple[str, list[CommuneChoice]]]:
    """The province's communes for the check boxes of a post office form, in three groups
    (served by this office, by none, by another office), each in alphabetical order. The
    groups follow what is saved, so a box ticked by hand does not jump on a 422 page."""
    holders = commune_holders()
    groups: dict[str, list[CommuneChoice]] = {"mine": [], "free": [], "other": []}
    for place in geo.communes(province_code):
        holder = holders.get(place.code)
        if holder is None:
            kind = "free"
        elif office is not None and holder.id == office.id:
            kind = "mine"
        else:
            kind = "other"
        groups[kind].append(CommuneChoice(place.code, place.name, holder))
    titles = {
        "mine": "Bưu cục này đang phục vụ",
        "free": "Chưa có bưu cục phục vụ",
        "other": "Đang do bưu cục khác phục vụ",
    }
    return [(titles[kind], items) for kind, items in groups.items() if items]


def upcoming_closures(office: PostOffice, today: date) -> list[PostOfficeClosure]:
    return list(
        db.session.scalars(
            select(PostOfficeClosure)
            .where(PostOfficeClosure.post_office_id == office.id, PostOfficeClosure.day >= today)
            .order_by(PostOfficeClosure.day)
        )
    )


def _normalise_office_phone(phone: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if digits and not (digits.isascii() and digits.isdigit() and 8 <= len(digits) <= 12):
        raise AdminError(
            "phone",
            "Số điện thoại chỉ gồm chữ số (từ 8 đến 12 số), ví dụ 0238 3844 123. Có thể để "
            "trống nếu bưu cục chưa có số liên hệ.",
        )
    return digits


@dataclass(frozen=True)
class MovedCommune:
    commune_name: str
    from_office: str


def _check_post_office_code(office: PostOffice | None, code: str) -> None:
    if not POST_OFFICE_CODE_PATTERN.fullmatch(code):
        raise AdminError(
            "code", "Mã bưu cục gồm đúng 6 chữ số theo mã của Bưu điện Việt Nam, ví dụ 463100."
        )
    other = db.session.scalar(select(PostOffice).filter_by(code=code))
    if other is not None and other is not office:
        raise AdminError("code", f"Mã {code} đã được dùng cho “{other.name}”.")


def _taken_communes(
    office: PostOffice | None, codes: list[str], province_code: int
) -> dict[str, PostOfficeCommune]:
    """The chosen communes another office serves now (refused unless moved explicitly)."""
    in_province = {c.code for c in geo.communes(province_code)}
    if any(code not in in_province for code in codes):
        raise AdminError("communes", "Một xã, phường đã chọn không thuộc tỉnh này. Hãy chọn lại.")
    if not codes:
        return {}
    rows = db.session.scalars(
        select(PostOfficeCommune).where(PostOfficeCommune.commune_code.in_(codes))
    )
    return {
        row.commune_code: row for row in rows if office is None or row.post_office_id != office.id
    }


def _conflict_message(taken: dict[str, PostOfficeCommune]) -> str:
    by_office: dict[str, list[str]] = {}
    for code in sorted(taken, key=lambda c: fold(_commune_label(c))):
        by_office.setdefault(taken[code].post_office.name, []).append(_commune_label(code))
    parts = [f"{', '.join(names)} do “{name}” phục vụ" for name, names in by_office.items()]
    return (
        f"Mỗi xã, phường chỉ do một bưu cục phục vụ: {'; '.join(parts)}. Bỏ chọn những xã này, "
        "hoặc đánh dấu ô “Chuyển sang bưu cục này” nếu muốn chuyển chúng sang bưu cục này."
    )


def save_post_office(
    office: PostOffice | None,
    *,
    code: str,
    name: str,
    address: str = "",
    phone: str = "",
    active: bool = True,
    commune_codes: Iterable[str] = (),
    move_communes: bool = False,
    province_code: int,
) -> tuple[PostOffice, list[MovedCommune]]:
    """Create (``office`` None) or update a post office and the communes it serves.

    A commune is served by at most one office; one served by another office is refused unless
    ``move_communes`` is set, and then it moves here. Returns the office and what moved.
    Bookings already made with the former office stay with it (it still comes on that day).
    """
    code = (code or "").strip()
    name = normalise_spaces(name or "")
    if not name:
        raise AdminError("name", "Vui lòng nhập tên bưu cục.")
    _check_post_office_code(office, code)
    phone = _normalise_office_phone(phone)
    codes = sorted({c.strip() for c in commune_codes if c and c.strip()})
    taken = _taken_communes(office, codes, province_code)
    if taken and not move_communes:
        raise AdminError("communes", _conflict_message(taken))
    if office is None:
        office = PostOffice(code=code)
        db.session.add(office)
    office.code = code
    office.name = name
    office.address = normalise_spaces(address or "")
    office.phone = phone
    office.is_active = active
    moved = [
        MovedCommune(_commune_label(c), taken[c].post_office.name)
        for c in sorted(taken, key=lambda c: fold(_commune_label(c)))
    ]
    chosen = set(codes)
    for row in list(office.communes):
        if row.commune_code not in chosen:
            office.communes.remove(row)  # delete-orphan: the commune has no office now
    have = {row.commune_code for row in office.communes}
    for commune_code in codes:
        if commune_code in taken:
            taken[commune_code].post_office = office
        elif commune_code not in have:
            office.communes.append(PostOfficeCommune(commune_code=commune_code))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # another administrator saved at the same moment
        raise AdminError(
            "communes",
            "Một xã, phường đã chọn vừa được gán cho bưu cục khác, hoặc mã bưu cục vừa được "
            "dùng. Hãy tải lại trang và thử lại.",
        ) from error
    return office, moved


# --- pickup slot templates and closed days ------------------------------------------------------


def add_slot_template(
    office: PostOffice, *, weekday: int, start: time, end: time, capacity: int
) -> SlotTemplateRow:
    """A weekly pickup window. New dated slots come from it the next time slots are made."""
    if not 0 <= weekday <= 6:
        raise AdminError("weekday", "Vui lòng chọn thứ trong tuần.")
    if end <= start:
        raise AdminError(
            "end",
            f"Giờ kết thúc phải sau giờ bắt đầu ({start:%H:%M}). Khung giờ không qua nửa đêm.",
        )
    if not 1 <= capacity <= SLOT_CAPACITY_MAX:
        raise AdminError(
            "capacity", f"Số lượt nhận trong khung giờ phải từ 1 đến {SLOT_CAPACITY_MAX}."
        )
    same = db.session.scalar(
        select(SlotTemplateRow).filter_by(
            post_office_id=office.id, weekday=weekday, start=start, end=end
        )
    )
    if same is not None:
        raise AdminError(
            "start",
            f"{WEEKDAY_LABELS[weekday]} đã có khung giờ {start:%H:%M}–{end:%H:%M} "
            f"({same.capacity} lượt). Muốn đổi số lượt, hãy xóa khung giờ đó rồi thêm lại.",
        )
    row = SlotTemplateRow(
        post_office_id=office.id, weekday=weekday, start=start, end=end, capacity=capacity
    )
    db.session.add(row)
    db.session.flush()
    return row


def remove_slot_template(row: SlotTemplateRow, today: date) -> int:
    """Remove a weekly window, and the dated slots already made from it from tomorrow on that
    nobody booked, so citizens are no longer offered it. Slots with a booking (or any pickup
    recorded against them) stay: the worker still comes. Returns how many slots went."""
    office_id, weekday, start, end = row.post_office_id, row.weekday, row.start, row.end
    db.session.delete(row)
    db.session.flush()
    twin = db.session.scalar(
        select(SlotTemplateRow.id).filter_by(
            post_office_id=office_id, weekday=weekday, start=start, end=end
        )
    )
    if twin is not None:
        return 0
    unbooked = db.session.scalars(
        select(PickupSlot).where(
            PickupSlot.post_office_id == office_id,
            PickupSlot.day > today,
            PickupSlot.start == start,
            PickupSlot.end == end,
            PickupSlot.booked == 0,
            ~exists().where(Shipment.slot_id == PickupSlot.id),
        )
    )
    ids = [slot.id for slot in unbooked if slot.day.weekday() == weekday]
    if ids:
        db.session.execute(
            delete(PickupSlot)
            .where(PickupSlot.id.in_(ids), PickupSlot.booked == 0)
            .execution_options(synchronize_session=False)
        )
        db.session.flush()
    return len(ids)


# --- API tokens ---------------------------------------------------------------------------------


def office_tokens(office: PostOffice) -> list[ApiToken]:
    """Live tokens first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.post_office_id == office.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def issue_api_token(
    office: PostOffice, *, name: str, scopes: Iterable[str], actor: User
) -> tuple[ApiToken, str]:
    """A new token for ``office``; the plain text is returned once and only its hash kept."""
    name = normalise_spaces(name or "")
    if not name:
        raise AdminError(
            "name", "Vui lòng đặt tên cho khóa, ví dụ “Hệ thống bưu chính Vietnam Post”."
        )
    chosen = sorted(set(scopes))
    if any(scope not in tokens.SCOPES for scope in chosen):
        raise AdminError("scopes", "Quyền đã chọn không hợp lệ. Hãy chọn lại.")
    if not chosen:
        raise AdminError("scopes", "Vui lòng chọn ít nhất một quyền cho khóa.")
    return tokens.issue(office, name, chosen, actor)


# --- community digital technology teams ---------------------------------------------------------


def all_teams() -> list[CommunityTeam]:
    """Every team, active ones first, then by commune and village without diacritics."""
    teams = list(db.session.scalars(select(CommunityTeam)))
    teams.sort(
        key=lambda t: (not t.is_active, fold(_commune_label(t.commune_code)), fold(t.village))
    )
    return teams


def commune_name(code: str) -> str:
    return _commune_label(code)


# --- the helpers' guide of each procedure -------------------------------------------------------


def search_procedures(query: str = "") -> list[Procedure]:
    """Every procedure (inactive ones too: a guide may be written before it opens), by name;
    ``query`` matches name, code or field without caring about case or diacritics."""
    procedures = list(db.session.scalars(select(Procedure).order_by(Procedure.name)))
    procedures.sort(key=lambda p: (not p.is_active, fold(p.name)))
    key = fold(query)
    if not key:
        return procedures
    return [p for p in procedures if key in fold(f"{p.name} {p.code} {p.field}")]


def get_procedure(code: str) -> Procedure | None:
    return db.session.scalar(select(Procedure).filter_by(code=code))


def save_helper_guide(procedure: Procedure, text: str) -> Procedure:
    """Store the guide as one step per line; empty means the page shows the default guide."""
    guide = normalise_guide(text)
    if len(guide) > GUIDE_MAX_LENGTH:
        raise AdminError(
            "helper_guide",
            f"Hướng dẫn dài {len(guide)} ký tự, tối đa {GUIDE_MAX_LENGTH} ký tự. Hãy viết gọn "
            "lại: mỗi dòng một việc cần làm.",
        )
    procedure.helper_guide = guide
    db.session.flush()
    return procedure
