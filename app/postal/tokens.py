"""What a post office's API token for /api/v1/ is: its scopes, its form, and the hash stored
for it (issued in app/postal/operations/tokens.py, checked in app/postal/queries/tokens.py).

A token is ``mc_`` + 40 random URL-safe characters: long enough that a hash without salt is
safe (nobody can guess it), so it can be looked up by its hash in one indexed query. Only that
SHA-256 is stored; the token itself is shown once.
"""

from __future__ import annotations

import hashlib
import secrets

# What a token may do: read the office's pickups and deliveries, report tracking events.
SCOPES = {
    "read": "Đọc danh sách nhận hồ sơ và giao kết quả",
    "events": "Gửi sự kiện bưu gửi (đang giao, đã giao, giao không thành công…)",
}
PREFIX = "mc_"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(30)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
