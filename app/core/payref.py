"""Payment references: what a citizen writes in a bank transfer's content so the money finds
its dossier.

Banks and wallets strip or rewrite punctuation and add their own prefixes to the content
(DOMAIN.md §12), so the dossier code (``H12.34-250101-0001``) does not survive. A reference is
``MC`` followed by eight characters of Crockford's base 32 (digits and letters without I, L, O,
U, so nothing reads as another character), the last one a check character (Luhn mod 32): a
typo in one character, or two neighbours swapped, is caught. It is matched case-insensitively,
inside any text, with or without spaces.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "MC"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
BODY_LENGTH = 7
LENGTH = len(PREFIX) + BODY_LENGTH + 1  # 10 characters in all
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Letters people and OCR confuse with digits read as those digits (Crockford's decoding).
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def check_character(body: str) -> str:
    """The Luhn mod 32 check character of ``body`` (characters of ALPHABET)."""
    total = 0
    factor = 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_reference(token: str | None = None) -> str:
    """A fresh random reference (``token``: seven ALPHABET characters, for tests)."""
    body = token if token is not None else "".join(secrets.choice(ALPHABET) for _ in range(7))
    if len(body) != BODY_LENGTH or any(char not in _VALUE for char in body):
        raise ValueError(f"a reference body is {BODY_LENGTH} characters of {ALPHABET}")
    return PREFIX + body + check_character(body)


def normalise(text: str) -> str:
    """``text`` as a reference would be compared: upper case, I/L/O read as 1/1/0."""
    return text.upper().translate(_READ_AS)


def is_valid(reference: str) -> bool:
    """``reference`` (already normalised) is well formed and its check character agrees."""
    if len(reference) != LENGTH or not reference.startswith(PREFIX):
        return False
    body, check = reference[len(PREFIX) : -1], reference[-1]
    if any(char not in _VALUE for char in body + check):
        return False
    return check_character(body) == check


def find_references(content: str) -> list[str]:
    """The valid references found anywhere in a transfer's ``content``, in order, each once.

    Words are tried first (``MBVCB.1234.MCABC...``); then the content with every space and
    punctuation mark removed, for a reference a person typed with spaces (``MC 7K3P 9QX2``)
    or a bank broke across its own separators.
    """
    found: list[str] = []
    upper = content.upper()
    words = re.split(r"[^0-9A-Z]+", upper)
    compact = "".join(words)
    for text in (*words, compact):
        for start in range(len(text) - LENGTH + 1):
            if not text.startswith(PREFIX, start):
                continue
            candidate = PREFIX + normalise(text[start + len(PREFIX) : start + LENGTH])
            if is_valid(candidate) and candidate not in found:
                found.append(candidate)
    return found
