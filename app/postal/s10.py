"""UPU S10 item numbers (DOMAIN.md §6): 2 letters, 8-digit serial, check digit, country code.

Pure functions. ``EE123456785VN``: service indicator ``EE``, serial ``12345678``, check digit
``5``, country ``VN``. Which service letters Vietnam Post uses for administrative dossiers is not
known, so the prefix is configuration (``POSTAL_S10_PREFIX``).
"""

from __future__ import annotations

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_ITEM = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
_PREFIX = re.compile(r"^[A-Z]{2}$")


def check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial.

    S = Σ digit × weight (8 6 4 2 3 5 9 7); C = 11 − (S mod 11); 10 → 0, 11 → 5.

    >>> check_digit("12345678")
    5
    >>> check_digit("00000008")
    0
    """
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError(f"an S10 serial is 8 digits, got {serial!r}")
    total = sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True))
    c = 11 - total % 11
    return {10: 0, 11: 5}.get(c, c)


def item_number(prefix: str, serial: int, country: str = "VN") -> str:
    """Build the 13-character item number for ``serial`` (0 ≤ serial ≤ 99,999,999)."""
    if not _PREFIX.match(prefix) or not _PREFIX.match(country):
        raise ValueError("prefix and country are two capital letters")
    if not 0 <= serial <= 99_999_999:
        raise ValueError(f"serial out of range: {serial}")
    digits = f"{serial:08d}"
    return f"{prefix}{digits}{check_digit(digits)}{country}"


def is_valid(item: str) -> bool:
    """True for a well-formed item number whose check digit is right."""
    match = _ITEM.match((item or "").strip().upper())
    return bool(match) and check_digit(match.group(2)) == int(match.group(3))
