"""Satisfaction and feedback rules. Pure: no Flask, no database.

* A rating link's token: 16 lower-case letters and digits (about 82 bits), so it survives any
  SMS alphabet and is never guessed; only its SHA-256 is stored.
* A feedback's reference code: ``PA-`` and 8 characters of Crockford's base 32 (no I, L, O,
  U: nothing to misread on a phone), 40 random bits: the sender's only key to the answer,
  and the public page shows nothing personal.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date

TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1: read aloud at a hall
TOKEN_LENGTH = 16
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PREFIX = "PA-"
CODE_PATTERN = re.compile(r"^PA-[0-9A-HJKMNP-TV-Z]{8}$")

SCORES: dict[int, str] = {
    5: "Rất hài lòng",
    4: "Hài lòng",
    3: "Bình thường",
    2: "Không hài lòng",
    1: "Rất không hài lòng",
}
# Why: a fixed list, so the reasons can be counted (the free text says the rest).
REASONS: dict[str, str] = {
    "fast": "Giải quyết nhanh, đúng hẹn",
    "late": "Trả kết quả trễ hẹn",
    "kind": "Cán bộ tận tình, lịch sự",
    "rude": "Thái độ cán bộ chưa tốt",
    "clear": "Hướng dẫn rõ ràng, dễ hiểu",
    "unclear": "Hướng dẫn khó hiểu, phải đi lại nhiều lần",
    "online": "Nộp trực tuyến thuận tiện",
    "post": "Bưu điện nhận, trả thuận tiện",
    "cost": "Chi phí, lệ phí chưa hợp lý",
}
LOW_SCORE = 2  # a rating at or below this, with a comment, goes to the unit's feedback queue
COMMENT_MAX = 500
FEEDBACK_MAX = 2000
ANSWER_MAX = 3000


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and all(ch in TOKEN_ALPHABET for ch in token)


def new_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def normalise_code(text: str) -> str:
    """A code as typed ("pa-7k3m 9x2q", O for 0, I or L for 1) in its canonical form."""
    raw = re.sub(r"[\s\-_.]", "", (text or "").upper())
    raw = raw[2:] if raw.startswith("PA") else raw
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return CODE_PREFIX + raw


def is_code(text: str) -> bool:
    return bool(CODE_PATTERN.match(text))


def is_low(score: int, comment: str) -> bool:
    return score <= LOW_SCORE and bool(comment.strip())


def is_overdue(due_on: date | None, answered: bool, today: date) -> bool:
    return due_on is not None and not answered and today > due_on
