"""Text helpers for Vietnamese strings.

Pure functions, no dependency beyond the standard library.

* :func:`fold` builds a search key: case-insensitive and diacritic-insensitive, with
  whitespace collapsed, so that "Đăng ký  khai sinh" and "dang ky khai sinh" match.
* :func:`normalise_spaces` collapses runs of whitespace (some imported administrative
  unit names contain double spaces).
* :func:`strip_diacritics` removes the tone and vowel marks but keeps case and
  whitespace untouched (for the no-diacritics SMS variant, where line breaks matter).
"""

from __future__ import annotations

import unicodedata

# "đ" / "Đ" are letters of their own, not "d" + a combining mark, so NFD does not
# decompose them: map them explicitly.
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})


def normalise_spaces(text: str) -> str:
    """Collapse every run of whitespace (spaces, tabs, line breaks, no-break spaces)
    into a single ASCII space and strip both ends."""
    return " ".join(text.split())


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, keeping case and whitespace as they are.

    >>> strip_diacritics("Đăng ký Thường trú")
    'Dang ky Thuong tru'
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE))
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", without_marks)


def fold(text: str) -> str:
    """Search key: lower-case (Unicode case folding), no diacritics, single spaces.

    >>> fold("Đăng ký  khai sinh")
    'dang ky khai sinh'
    >>> fold("THƯỜNG TRÚ")
    'thuong tru'
    """
    # Fold case first: some upper-case letters lower to a letter plus a combining
    # mark (e.g. "İ"), which strip_diacritics then removes.
    return normalise_spaces(strip_diacritics(text.casefold()))
