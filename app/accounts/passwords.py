"""What makes a password acceptable, and what to tell someone whose password is not.

At least :data:`MIN_LENGTH` characters; not the person's own phone number, ID number, birth
date or name; not one of the passwords people use most (zxcvbn's lists, and Vietnamese
favourites it does not know); and hard enough to guess by zxcvbn's estimate, told the person's
own details so that "Hoa1990@0912345678" counts as the guess it is.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from zxcvbn import zxcvbn

from app.core.text import fold

MIN_LENGTH: Final = 10
MAX_LENGTH: Final = 128
# zxcvbn's own ceiling (its matching grows fast with length); the rest is length, and counts.
_ESTIMATED: Final = 72
# zxcvbn's score: 3 is "safely unguessable: moderate protection from offline slow-hash
# scenario" (about 10^8 guesses and more); online guessing is also slowed by signin.py.
MIN_SCORE: Final = 3

# Passwords Vietnamese people choose most, which zxcvbn's English lists do not hold (its
# lists already have 123456789, qwerty, iloveyou, password…). Compared without diacritics,
# case, spaces or punctuation.
VIETNAMESE_FAVOURITES: Final = frozenset(
    {
        "matkhau",
        "matkhau1",
        "matkhau12",
        "matkhau123",
        "matkhau1234",
        "matkhaucuatoi",
        "matkhaumoi",
        "12345678910",
        "1234567890",
        "0123456789",
        "123456789a",
        "anhyeuem",
        "anhyeuem123",
        "emyeuanh",
        "emyeuanh123",
        "yeuem",
        "yeuanh",
        "vietnam",
        "vietnam123",
        "vietnamvodich",
        "hanoi",
        "hanoi123",
        "saigon",
        "hochiminh",
        "tphcm",
        "nghean",
        "motcua",
        "motcua123",
        "dichvucong",
        "xinchao",
        "xinchao123",
        "conmeo",
        "concho",
        "doremon",
        "tinhyeu",
        "hanhphuc",
        "giadinh",
        "quehuong",
        "bome",
        "baby",
        "zxcvbnm",
        "qwertyuiop",
        "asdfghjkl",
    }
)

TOO_SHORT: Final = (
    f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự. Dễ nhớ nhất là ghép vài từ không liên quan với "
    "nhau, thêm một con số."
)
TOO_LONG: Final = f"Mật khẩu dài tối đa {MAX_LENGTH} ký tự."
PERSONAL: Final = (
    "Mật khẩu không được chứa số điện thoại, số định danh, ngày sinh hay họ tên của bạn: "
    "người khác dễ đoán ra. Hãy chọn mật khẩu khác."
)
COMMON: Final = (
    "Mật khẩu này nằm trong số những mật khẩu bị dùng nhiều nhất nên rất dễ bị đoán. Hãy chọn "
    "mật khẩu khác."
)
WEAK: Final = (
    "Mật khẩu này còn dễ đoán (dãy số, chữ lặp lại, từ quen thuộc, hàng phím liền nhau…). Hãy "
    "ghép ba, bốn từ không liên quan với nhau, thêm số hoặc ký hiệu."
)


def _bare(text: str) -> str:
    """Lower case, no diacritics, letters and digits only: "Mật khẩu@123" → "matkhau123"."""
    return re.sub(r"[\W_]+", "", fold(text))


def _personal_pieces(
    phone: str, full_name: str, id_number: str, date_of_birth: date | None
) -> list[str]:
    """What of a person's own details a password must not contain (compared bare)."""
    pieces = []
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) >= 9:
        pieces.append(digits[-9:])  # 0912345678 and +84 912345678 alike
    if id_number:
        pieces.append(_bare(id_number))
    if date_of_birth:
        pieces += [
            date_of_birth.strftime("%d%m%Y"),
            date_of_birth.strftime("%Y%m%d"),
            date_of_birth.strftime("%d%m%y"),
        ]
    name = _bare(full_name)
    if len(name) >= 6:
        pieces.append(name)
    return [piece for piece in pieces if piece]


def _hints(phone: str, full_name: str, id_number: str, date_of_birth: date | None) -> list[str]:
    """What zxcvbn is told of the person: each piece of their details is a likely guess."""
    words = fold(full_name).split()
    hints = [*words, "".join(words), phone, phone[-9:], id_number]
    if date_of_birth:
        hints += [str(date_of_birth.year), date_of_birth.strftime("%d%m")]
    return [hint for hint in hints if hint] + sorted(VIETNAMESE_FAVOURITES)


def problem(
    password: str,
    *,
    phone: str = "",
    full_name: str = "",
    id_number: str = "",
    date_of_birth: date | None = None,
) -> str | None:
    """What is wrong with ``password`` for this person, in Vietnamese, or None if it will do."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    bare = _bare(password)
    if any(piece in bare for piece in _personal_pieces(phone, full_name, id_number, date_of_birth)):
        return PERSONAL
    if bare in VIETNAMESE_FAVOURITES:
        return COMMON
    estimate = zxcvbn(
        password[:_ESTIMATED],
        user_inputs=_hints(phone, full_name, id_number, date_of_birth),
        max_length=_ESTIMATED,
    )
    if estimate["score"] < MIN_SCORE:
        common = "common" in (estimate["feedback"].get("warning") or "")
        return COMMON if common else WEAK
    return None
