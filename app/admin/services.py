"""Administration logic: units, staff accounts, working-calendar overrides, community digital
technology teams, and the helpers' guide of each procedure (post offices: app/postal/).

Functions here change the session and flush; the views commit. Refusals are raised as
:class:`AdminError` with a polite Vietnamese message and the form field it belongs to.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import geo
from app.accounts.models import User, unit_memberships
from app.assist.models import CommunityTeam
from app.catalogue.guide import GUIDE_MAX_LENGTH, normalise_guide
from app.catalogue.models import CalendarOverride, Procedure, Unit
from app.core.errors import Invalid
from app.core.roles import POSTAL_ROLES, Role
from app.core.text import fold, normalise_spaces
from app.dossiers.deadlines import WorkingCalendar
from app.dossiers.models import Dossier, DossierSequence
from app.extensions import db
from app.postal.models import PostOffice

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
OVERRIDE_KINDS: Final = {"day_off": "Nghỉ bù / nghỉ thêm", "working_day": "Làm bù"}

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


# --- calendar overrides -------------------------------------------------------------------------


def override_window(today: date) -> tuple[date, date]:
    """The dates an administrator manages: this year and next."""
    return date(today.year, 1, 1), date(today.year + 1, 12, 31)


def list_overrides(today: date) -> list[CalendarOverride]:
    first, last = override_window(today)
    return list(
        db.session.scalars(
            select(CalendarOverride)
            .where(CalendarOverride.day >= first, CalendarOverride.day <= last)
            .order_by(CalendarOverride.day)
        )
    )


def upsert_override(day: date, kind: str, note: str, today: date) -> tuple[CalendarOverride, bool]:
    """Record ``kind`` for ``day`` (one row per date). Returns the row and whether it is new."""
    first, last = override_window(today)
    if not first <= day <= last:
        raise AdminError(
            "day",
            f"Chỉ nhập ngày trong năm {first.year} hoặc năm {last.year} "
            f"(từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}).",
        )
    if kind not in OVERRIDE_KINDS:
        raise AdminError("kind", "Vui lòng chọn loại ngày.")
    row = db.session.scalar(select(CalendarOverride).filter_by(day=day))
    created = row is None
    if row is None:
        row = CalendarOverride(day=day)
        db.session.add(row)
    row.kind = kind
    row.note = normalise_spaces(note)[:200]
    db.session.flush()
    return row, created


def delete_override(row: CalendarOverride) -> None:
    db.session.delete(row)
    db.session.flush()


_WEEKDAYS: Final = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def weekday_name(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def official_day_label(day: date) -> str:
    """What the official calendar (without overrides) says about ``day``."""
    official = WorkingCalendar()
    name = official.holiday_name(day)
    if name:
        return f"Nghỉ lễ: {name}"
    if official.is_working_day(day):
        return "Làm bù theo lịch" if day.weekday() >= 5 else "Ngày làm việc"
    return "Nghỉ cuối tuần"


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


def upcoming_holidays(today: date, count: int = 10) -> list[Holiday]:
    """The next ``count`` official public holidays (observed days included) from ``today``,
    as the ``holidays`` package knows them, without the administrator's overrides."""
    official = WorkingCalendar()
    found: list[Holiday] = []
    day = today
    last = today + timedelta(days=3 * 366)
    while len(found) < count and day <= last:
        name = official.holiday_name(day)
        if name is not None:
            found.append(Holiday(day, name))
        day += timedelta(days=1)
    return found


# --- post offices -------------------------------------------------------------------------------


def all_post_offices() -> list[PostOffice]:
    return list(
        db.session.scalars(
            select(PostOffice).options(selectinload(PostOffice.communes)).order_by(PostOffice.code)
        )
    )


def _commune_label(code: str) -> str:
    place = geo.commune(code)
    return place.name if place else code


# --- community digital technology teams ---------------------------------------------------------

TEAM_NAME_PREFIX: Final = "Tổ công nghệ số cộng đồng"
MEETING_PLACE_PREFIX: Final = "Nhà văn hóa"


def default_team_name(village: str) -> str:
    return f"{TEAM_NAME_PREFIX} {normalise_spaces(village)}"


def default_meeting_place(village: str) -> str:
    return f"{MEETING_PLACE_PREFIX} {normalise_spaces(village)}"


def all_teams() -> list[CommunityTeam]:
    """Every team, active ones first, then by commune and village without diacritics."""
    teams = list(db.session.scalars(select(CommunityTeam)))
    teams.sort(
        key=lambda t: (not t.is_active, fold(_commune_label(t.commune_code)), fold(t.village))
    )
    return teams


def search_teams(query: str = "") -> list[CommunityTeam]:
    """Teams; ``query`` matches name, village, meeting place or commune, without caring about
    case or diacritics (a province has a few thousand villages at most)."""
    teams = all_teams()
    key = fold(query)
    if not key:
        return teams
    return [team for team in teams if key in _team_search_text(team)]


def _team_search_text(team: CommunityTeam) -> str:
    return fold(
        f"{team.name} {team.village} {team.meeting_place} {_commune_label(team.commune_code)}"
    )


def team_member_counts() -> dict[int, int]:
    """Number of accounts (active or not) per team id."""
    rows = db.session.execute(
        select(User.team_id, func.count()).where(User.team_id.is_not(None)).group_by(User.team_id)
    )
    return {team_id: count for team_id, count in rows}


def team_members(team: CommunityTeam) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.team_id == team.id)
            .order_by(User.is_active_account.desc(), User.full_name)
        )
    )


def commune_name(code: str) -> str:
    return _commune_label(code)


def _active_twin(
    team: CommunityTeam | None, commune_code: str, village: str
) -> CommunityTeam | None:
    """Another active team of the same village of the same commune (spelling aside)."""
    key = fold(village)
    rows = db.session.scalars(
        select(CommunityTeam).where(
            CommunityTeam.commune_code == commune_code, CommunityTeam.is_active.is_(True)
        )
    )
    return next(
        (row for row in rows if row is not team and fold(row.village) == key),
        None,
    )


def save_team(
    team: CommunityTeam | None,
    *,
    name: str,
    commune_code: str,
    village: str,
    meeting_place: str = "",
    active: bool = True,
    province_code: int,
) -> CommunityTeam:
    """Create (``team`` None) or update a community team. Raises :class:`AdminError`.

    A name or meeting place left empty gets the usual one for the village; one that was the
    usual one for the former village follows a renamed village. A village of a commune has at
    most one active team (DOMAIN.md §1); an inactive one may stay beside it, for the record.
    """
    village = normalise_spaces(village or "")
    commune_code = (commune_code or "").strip()
    if not commune_code:
        raise AdminError("commune_code", "Vui lòng chọn xã, phường của tổ.")
    place = geo.commune(commune_code)
    if place is None or place.province_code != province_code:
        raise AdminError("commune_code", "Xã, phường đã chọn không thuộc tỉnh này. Hãy chọn lại.")
    if not village:
        raise AdminError("village", "Vui lòng nhập tên thôn, bản hoặc tổ dân phố.")
    name = normalise_spaces(name or "")
    meeting_place = normalise_spaces(meeting_place or "")
    if team is not None and fold(team.village) != fold(village):
        if name == team.name == default_team_name(team.village):
            name = ""
        if meeting_place == team.meeting_place == default_meeting_place(team.village):
            meeting_place = ""
    name = name or default_team_name(village)
    meeting_place = meeting_place or default_meeting_place(village)
    if len(name) > 200:
        raise AdminError("name", "Tên tổ tối đa 200 ký tự.")
    if len(meeting_place) > 200:
        raise AdminError("meeting_place", "Nơi hỗ trợ tối đa 200 ký tự.")
    if active:
        twin = _active_twin(team, commune_code, village)
        if twin is not None:
            raise AdminError(
                "village",
                f"{village} ({place.name}) đã có tổ đang hoạt động: “{twin.name}”. Mỗi thôn, "
                "bản, tổ dân phố chỉ có một Tổ công nghệ số cộng đồng đang hoạt động; hãy sửa "
                "tổ đó, hoặc cho tổ đó ngừng hoạt động trước.",
            )
    if team is None:
        team = CommunityTeam()
        db.session.add(team)
    team.name = name
    team.commune_code = commune_code
    team.village = village
    team.meeting_place = meeting_place
    team.is_active = active
    db.session.flush()
    return team


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
