"""Amounts of money in Vietnamese words, as written on receipts and invoices.

Pure: no Flask, no database. Numbers are read in groups of three digits ("nghìn", "triệu",
"tỷ", and "tỷ" again for larger groups: "một nghìn tỷ"). After the first group every group is
read in full ("một nghìn không trăm mười lăm", "hai triệu không trăm hai mươi mốt nghìn"); a
zero tens digit before a unit is "linh" (Northern usage, the default; "lẻ" in the South);
1 after "mươi" is "mốt", 4 after "mươi" is "tư", 5 after a tens digit is "lăm", and 10 is
"mười".

Written here rather than taken from num2words 0.5.14 (lang "vi"), which reads 1015 as
"một nghìn lẻ mười lăm" and 2021000 as "hai triệu hai mươi mốt nghìn".
"""

from __future__ import annotations

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu")
_ZERO_TENS = ("linh", "lẻ")
_BILLION = 1_000_000_000


def _units_word(units: int, tens: int) -> str:
    if units == 1 and tens >= 2:
        return "mốt"
    if units == 4 and tens >= 2:
        return "tư"
    if units == 5 and tens >= 1:
        return "lăm"
    return _DIGITS[units]


def _hundreds(n: int, full: bool, zero_tens: str) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads a zero hundreds digit ("không trăm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append(zero_tens)
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        words.append(_units_word(units, tens))
    return words


def _words(n: int, full: bool, zero_tens: str) -> list[str]:
    if n >= _BILLION:
        high, low = divmod(n, _BILLION)
        return [
            *_words(high, full, zero_tens),
            "tỷ",
            *(_words(low, True, zero_tens) if low else []),
        ]
    words: list[str] = []
    for power in (2, 1, 0):
        group = n // 1000**power % 1000
        if group:
            words += _hundreds(group, full or bool(words), zero_tens)
            if _GROUPS[power]:
                words.append(_GROUPS[power])
    return words


def number_in_words(n: int, *, zero_tens: str = "linh") -> str:
    """A whole number in lower-case words.

    >>> number_in_words(135000)
    'một trăm ba mươi lăm nghìn'
    >>> number_in_words(1015)
    'một nghìn không trăm mười lăm'
    >>> number_in_words(105, zero_tens="lẻ")
    'một trăm lẻ năm'
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("an amount in words is a whole number")
    if n < 0:
        raise ValueError("a negative amount has no reading on a receipt")
    if zero_tens not in _ZERO_TENS:
        raise ValueError(f"zero_tens is one of {_ZERO_TENS}")
    if n == 0:
        return "không"
    return " ".join(_words(n, False, zero_tens))


def amount_in_words(amount: int, *, zero_tens: str = "linh") -> str:
    """``Một trăm ba mươi lăm nghìn đồng``: capitalised, with the currency."""
    text = number_in_words(amount, zero_tens=zero_tens)
    return f"{text[0].upper()}{text[1:]} đồng"


def receipt_words(amount: int, *, zero_tens: str = "linh") -> str:
    """The "Bằng chữ" line of a fee receipt: ``Hai mươi nghìn đồng chẵn``.

    "chẵn" (even) closes a round amount (a whole number of thousands, as fees are), so nothing
    can be written after it; any other amount ends with "đồng".

    >>> receipt_words(20000)
    'Hai mươi nghìn đồng chẵn'
    >>> receipt_words(7500)
    'Bảy nghìn năm trăm đồng'
    >>> receipt_words(15250)
    'Mười lăm nghìn hai trăm năm mươi đồng'
    """
    text = amount_in_words(amount, zero_tens=zero_tens)
    return f"{text} chẵn" if amount and amount % 1000 == 0 else text
