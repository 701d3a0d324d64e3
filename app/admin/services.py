"""Administration logic: working-calendar overrides, post offices (the communes they serve, their
pickup slot templates and closed days, their API tokens), community digital technology teams.

Functions here change the session and flush; the views commit. Refusals are raised as
:class:`AdminError` with a polite Vietnamese message and the form field it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Final

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import geo
from app.accounts.models import User
from app.assist.affiliation import all_teams
from app.assist.models import CommunityTeam
from app.catalogue.models import CalendarOverride
from app.core.errors import Invalid
from app.core.roles import Permission, has_permission
from app.core.text import fold, normalise_spaces
from app.dossiers.deadlines import WorkingCalendar
from app.extensions import db
from app.postal import tokens
from app.postal.affiliation import all_post_offices
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

OVERRIDE_KINDS: Final = {"day_off": "Nghỉ bù / nghỉ thêm", "working_day": "Làm bù"}


class AdminError(Invalid):
    """A refusal to show next to ``field`` (or at the top of the page when ``field`` is "")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


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

# Vietnam Post identifies each post office (bưu cục) by a 6-digit code, e.g. 463100.
POST_OFFICE_CODE_PATTERN: Final = re.compile(r"\d{6}", re.ASCII)
SLOT_CAPACITY_MAX: Final = 50


def can_manage_post_office(user: User, office: PostOffice) -> bool:
    """Schedules and closed days: the administrator for any office, a post office head for
    their own office only."""
    if has_permission(user, Permission.MANAGE):
        return True
    return has_permission(user, Permission.POSTAL_MANAGE) and user.post_office_id == office.id


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

TEAM_NAME_PREFIX: Final = "Tổ công nghệ số cộng đồng"
MEETING_PLACE_PREFIX: Final = "Nhà văn hóa"


def default_team_name(village: str) -> str:
    return f"{TEAM_NAME_PREFIX} {normalise_spaces(village)}"


def default_meeting_place(village: str) -> str:
    return f"{MEETING_PLACE_PREFIX} {normalise_spaces(village)}"


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
