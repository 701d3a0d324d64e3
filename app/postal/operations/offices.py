"""Post offices as the administrator keeps them: code, name, address, phone, and the communes
each one serves (one office per commune; moving a commune to another office is explicit)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import geo
from app.core.text import fold, normalise_spaces
from app.extensions import db
from app.postal.errors import PostalError
from app.postal.models import PostOffice, PostOfficeCommune
from app.postal.queries.offices import commune_label

# Vietnam Post identifies each post office (bưu cục) by a 6-digit code, e.g. 463100.
POST_OFFICE_CODE_PATTERN: Final = re.compile(r"\d{6}", re.ASCII)


def _normalise_office_phone(phone: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if digits and not (digits.isascii() and digits.isdigit() and 8 <= len(digits) <= 12):
        raise PostalError(
            "Số điện thoại chỉ gồm chữ số (từ 8 đến 12 số), ví dụ 0238 3844 123. Có thể để "
            "trống nếu bưu cục chưa có số liên hệ.",
            "phone",
        )
    return digits


@dataclass(frozen=True)
class MovedCommune:
    commune_name: str
    from_office: str


def _check_post_office_code(office: PostOffice | None, code: str) -> None:
    if not POST_OFFICE_CODE_PATTERN.fullmatch(code):
        raise PostalError(
            "Mã bưu cục gồm đúng 6 chữ số theo mã của Bưu điện Việt Nam, ví dụ 463100.", "code"
        )
    other = db.session.scalar(select(PostOffice).filter_by(code=code))
    if other is not None and other is not office:
        raise PostalError(f"Mã {code} đã được dùng cho “{other.name}”.", "code")


def _taken_communes(
    office: PostOffice | None, codes: list[str], province_code: int
) -> dict[str, PostOfficeCommune]:
    """The chosen communes another office serves now (refused unless moved explicitly)."""
    in_province = {c.code for c in geo.communes(province_code)}
    if any(code not in in_province for code in codes):
        raise PostalError("Một xã, phường đã chọn không thuộc tỉnh này. Hãy chọn lại.", "communes")
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
    for code in sorted(taken, key=lambda c: fold(commune_label(c))):
        by_office.setdefault(taken[code].post_office.name, []).append(commune_label(code))
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
        raise PostalError("Vui lòng nhập tên bưu cục.", "name")
    _check_post_office_code(office, code)
    phone = _normalise_office_phone(phone)
    codes = sorted({c.strip() for c in commune_codes if c and c.strip()})
    taken = _taken_communes(office, codes, province_code)
    if taken and not move_communes:
        raise PostalError(_conflict_message(taken), "communes")
    if office is None:
        office = PostOffice(code=code)
        db.session.add(office)
    office.code = code
    office.name = name
    office.address = normalise_spaces(address or "")
    office.phone = phone
    office.is_active = active
    moved = [
        MovedCommune(commune_label(c), taken[c].post_office.name)
        for c in sorted(taken, key=lambda c: fold(commune_label(c)))
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
        raise PostalError(
            "Một xã, phường đã chọn vừa được gán cho bưu cục khác, hoặc mã bưu cục vừa được "
            "dùng. Hãy tải lại trang và thử lại.",
            "communes",
        ) from error
    return office, moved
