"""Administration logic: post offices (the communes they serve, their pickup slot templates and
closed days, their API tokens). Issue 10: moving to postal.

Functions here change the session and flush; the views commit. Refusals are raised as
:class:`AdminError` with a polite Vietnamese message and the form field it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Final

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import geo
from app.accounts.models import User
from app.core.errors import Invalid
from app.core.roles import Permission, has_permission
from app.core.text import fold, normalise_spaces
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


class AdminError(Invalid):
    """A refusal to show next to ``field`` (or at the top of the page when ``field`` is "")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


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
