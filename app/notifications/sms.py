"""SMS length rules (DOMAIN.md §9). Pure: no Flask, no database.

A message that fits the GSM 03.38 default alphabet goes out in 7-bit septets: 160 per single
message, 153 per part once concatenated (the rest of each part carries the concatenation
header). The characters of the extension table (``€ [ ] { } ^ ~ | \\`` and form feed) take two
septets each (an escape and the character). Any other character, and every Vietnamese letter
with a diacritic is one, switches the whole message to UCS-2: 70 UTF-16 code units single,
67 per part.

Phones never split an escape sequence nor a surrogate pair across two parts, so parts are
packed greedily and such a character moves whole to the next part.
"""

from __future__ import annotations

from typing import Literal

from app.core.text import strip_diacritics

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# GSM 03.38 default alphabet (the escape 0x1B itself is not a character one can send).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# GSM 03.38 extension table: two septets each.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

# Typography that has no GSM-7 form but an obvious plain one.
_PLAIN_PUNCTUATION = str.maketrans(
    {
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",  # no-break space
    }
)

Alphabet = Literal["auto", "unicode", "ascii"]
ALPHABETS: tuple[str, ...] = ("auto", "unicode", "ascii")


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 default alphabet or its extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _pack(units: list[int], single: int, part: int) -> int:
    """Number of segments for characters of the given widths (septets or code units)."""
    total = sum(units)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for width in units:
        if used + width > part:
            segments, used = segments + 1, 0
        used += width
    return segments


def sms_segments(text: str) -> int:
    """How many SMS the text takes (0 for an empty text)."""
    if is_gsm7(text):
        septets = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        return _pack(septets, GSM7_SINGLE, GSM7_PART)
    # UTF-16 code units: a character outside the Basic Multilingual Plane takes two.
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return _pack(units, UCS2_SINGLE, UCS2_PART)


def encoding(text: str) -> str:
    """``"GSM-7"`` or ``"UCS-2"``: how the text would be sent."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def ascii_variant(text: str) -> str:
    """The no-diacritics variant: "Hồ sơ đã được tiếp nhận" → "Ho so da duoc tiep nhan".

    Also turns typographic dashes, quotes and the ellipsis into their plain forms so that a
    template written in a word processor still fits GSM-7.
    """
    return strip_diacritics(text.translate(_PLAIN_PUNCTUATION))


def pick_variant(text: str, alphabet: str = "auto") -> str:
    """The text to send for the configured alphabet (config ``SMS_ALPHABET``).

    ``"unicode"``: always as written; ``"ascii"``: always without diacritics; ``"auto"``: as
    written if it fits one segment, else without diacritics (cheaper, and more often one SMS).
    """
    if alphabet == "unicode":
        return text
    if alphabet == "ascii":
        return ascii_variant(text)
    if alphabet != "auto":
        raise ValueError(f"unknown SMS alphabet {alphabet!r}; expected one of {ALPHABETS}")
    return text if sms_segments(text) <= 1 else ascii_variant(text)


# Where a one-time code goes in the text of :func:`app.notifications.outbox.notify_phone`, and
# what the outbox stores in its place: one visible mark per character, so the stored body is as
# long as the sent one.
SECRET = "{secret}"
SECRET_MASK = "•"


def with_secret(text: str, secret: str, alphabet: str = "auto") -> tuple[str, str]:
    """``(sent, stored)`` for a text with :data:`SECRET` in it once: what the phone gets (the
    variant :func:`pick_variant` chooses for the real text), and the same with the secret
    masked. :func:`put_back` turns the second into the first."""
    if text.count(SECRET) != 1 or SECRET_MASK in text:
        raise ValueError(f"the text must hold {SECRET} once and no {SECRET_MASK}")
    real = text.replace(SECRET, secret)
    sent = pick_variant(real, alphabet)
    written = text if sent == real else ascii_variant(text)
    stored = written.replace(SECRET, SECRET_MASK * len(secret))
    if not secret or put_back(stored, secret) != sent:
        raise ValueError("a secret is plain letters or digits, never empty")
    return sent, stored


def put_back(stored: str, secret: str) -> str:
    """The text to send: the stored text with its mask replaced by ``secret``."""
    return stored.replace(SECRET_MASK * len(secret), secret, 1)
