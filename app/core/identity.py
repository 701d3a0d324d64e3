"""Identity helpers: Vietnamese mobile numbers and personal ID numbers (DOMAIN.md §7).

Pure functions, no Flask or database imports.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final, Literal

# --- Mobile numbers ----------------------------------------------------------------

# Separators people type inside phone numbers: whitespace (incl. no-break space), dots,
# dashes.
_PHONE_SEPARATORS: Final = re.compile(r"[\s.\-]+")
# After removing separators: "0" + 9 digits, "+84" + 9 digits or "84" + 9 digits, where
# the first of the 9 digits (the second digit of the national form) is 3, 5, 7, 8 or 9.
_PHONE_PATTERN: Final = re.compile(r"(?:0|\+84|84)([35789][0-9]{8})", re.ASCII)


def normalise_phone(raw: str) -> str | None:
    """Return the canonical national form "0XXXXXXXXX" of a Vietnamese mobile number,
    or ``None`` when ``raw`` is not one.

    Accepted: 10 digits starting with 03, 05, 07, 08 or 09; or the same number in
    international form, "+84" or "84" followed by the 9 digits without the leading 0.
    Spaces, dots and dashes are ignored.
    """
    compact = _PHONE_SEPARATORS.sub("", raw)
    match = _PHONE_PATTERN.fullmatch(compact)
    if match is None:
        return None
    return "0" + match.group(1)


def mask_phone(phone: str) -> str:
    """Mask a phone number for display: first 4 and last 3 digits visible.

    ``"0912345001"`` -> ``"0912***001"``. The number is normalised first when it is a
    valid mobile number; anything too short to keep 7 visible digits safely (fewer
    than 8 characters) is masked entirely.
    """
    value = normalise_phone(phone) or phone.strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 7) + value[-3:]


# --- Personal ID numbers (căn cước / CCCD) -------------------------------------------

Sex = Literal["male", "female"]

# Province-of-registration codes used by the 12-digit personal ID number: the codes of
# the 63 provinces that existed before the 1 July 2025 reorganisation (the statistical
# province codes with a leading zero, as listed in the annex of Circular 07/2016/TT-BCA).
# Numbers issued before the merger keep these codes, so they must NOT be checked
# against the 34 new provinces. The gaps in the numbering (003, 005, ...) are not
# province codes. If a genuine number is ever refused because of this set, the
# documented fallback is to accept every code from 001 to 096.
OLD_PROVINCE_CODES: Final[frozenset[str]] = frozenset(
    {
        "001",  # Hà Nội
        "002",  # Hà Giang
        "004",  # Cao Bằng
        "006",  # Bắc Kạn
        "008",  # Tuyên Quang
        "010",  # Lào Cai
        "011",  # Điện Biên
        "012",  # Lai Châu
        "014",  # Sơn La
        "015",  # Yên Bái
        "017",  # Hòa Bình
        "019",  # Thái Nguyên
        "020",  # Lạng Sơn
        "022",  # Quảng Ninh
        "024",  # Bắc Giang
        "025",  # Phú Thọ
        "026",  # Vĩnh Phúc
        "027",  # Bắc Ninh
        "030",  # Hải Dương
        "031",  # Hải Phòng
        "033",  # Hưng Yên
        "034",  # Thái Bình
        "035",  # Hà Nam
        "036",  # Nam Định
        "037",  # Ninh Bình
        "038",  # Thanh Hóa
        "040",  # Nghệ An
        "042",  # Hà Tĩnh
        "044",  # Quảng Bình
        "045",  # Quảng Trị
        "046",  # Thừa Thiên Huế
        "048",  # Đà Nẵng
        "049",  # Quảng Nam
        "051",  # Quảng Ngãi
        "052",  # Bình Định
        "054",  # Phú Yên
        "056",  # Khánh Hòa
        "058",  # Ninh Thuận
        "060",  # Bình Thuận
        "062",  # Kon Tum
        "064",  # Gia Lai
        "066",  # Đắk Lắk
        "067",  # Đắk Nông
        "068",  # Lâm Đồng
        "070",  # Bình Phước
        "072",  # Tây Ninh
        "074",  # Bình Dương
        "075",  # Đồng Nai
        "077",  # Bà Rịa - Vũng Tàu
        "079",  # TP. Hồ Chí Minh
        "080",  # Long An
        "082",  # Tiền Giang
        "083",  # Bến Tre
        "084",  # Trà Vinh
        "086",  # Vĩnh Long
        "087",  # Đồng Tháp
        "089",  # An Giang
        "091",  # Kiên Giang
        "092",  # Cần Thơ
        "093",  # Hậu Giang
        "094",  # Sóc Trăng
        "095",  # Bạc Liêu
        "096",  # Cà Mau
    }
)

_ID_PATTERN: Final = re.compile(r"[0-9]{12}", re.ASCII)

# The 4th digit encodes century and sex: 2k = male, 2k + 1 = female, born in the
# century starting in 1900 + 100 k (0/1 = 1900s, 2/3 = 2000s, ..., 8/9 = 2300s).
_FIRST_CENTURY: Final = 1900


class IdNumberError(ValueError):
    """A personal ID number that is malformed or disagrees with the stated identity.

    ``message`` is a polite Vietnamese sentence to show the user as is; ``code`` names
    the failed check for programs: "length", "province", "sex", "century" or "year".
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


MSG_ID_LENGTH: Final = "Số định danh cá nhân phải gồm đúng 12 chữ số."
MSG_ID_PROVINCE: Final = (
    "Ba chữ số đầu của số định danh cá nhân không phải là mã tỉnh hợp lệ. Vui lòng kiểm tra lại."
)
MSG_ID_SEX: Final = (
    "Chữ số thứ tư của số định danh cá nhân không khớp với giới tính đã khai. "
    "Vui lòng kiểm tra lại số định danh hoặc giới tính."
)
MSG_ID_CENTURY: Final = (
    "Chữ số thứ tư của số định danh cá nhân không khớp với thế kỷ của năm sinh đã khai. "
    "Vui lòng kiểm tra lại số định danh hoặc ngày sinh."
)
MSG_ID_YEAR: Final = (
    "Chữ số thứ năm và thứ sáu của số định danh cá nhân không khớp với năm sinh đã khai. "
    "Vui lòng kiểm tra lại số định danh hoặc ngày sinh."
)


def check_id_number(number: str, date_of_birth: date, sex: Sex) -> None:
    """Check a 12-digit personal ID number against the stated date of birth and sex.

    Structure: 3-digit old province code, 1 digit century and sex, 2 digits year of
    birth, 6 random digits; there is no check digit. ``number`` must be exactly 12
    ASCII digits (callers strip user input first). Returns ``None`` when the number is
    plausible, raises :class:`IdNumberError` with a Vietnamese message otherwise.
    ``sex`` must be "male" or "female": anything else is a programming error
    (plain ``ValueError``).
    """
    if sex not in ("male", "female"):
        raise ValueError(f"sex must be 'male' or 'female', got {sex!r}")
    if _ID_PATTERN.fullmatch(number) is None:
        raise IdNumberError(MSG_ID_LENGTH, "length")
    if number[:3] not in OLD_PROVINCE_CODES:
        raise IdNumberError(MSG_ID_PROVINCE, "province")

    century_sex = int(number[3])
    is_female = century_sex % 2 == 1
    if is_female != (sex == "female"):
        raise IdNumberError(MSG_ID_SEX, "sex")
    century_start = _FIRST_CENTURY + 100 * (century_sex // 2)
    if date_of_birth.year // 100 != century_start // 100:
        raise IdNumberError(MSG_ID_CENTURY, "century")
    if number[4:6] != f"{date_of_birth.year % 100:02d}":
        raise IdNumberError(MSG_ID_YEAR, "year")


def mask_id_number(number: str) -> str:
    """Mask an ID number for printing: only the last 4 characters stay visible.

    ``"079303000123"`` -> ``"********0123"``. ASCII "*" is used so the result renders
    in any PDF font. Values of 4 characters or fewer are masked entirely.
    """
    value = number.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]
