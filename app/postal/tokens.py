"""API tokens of post offices for /api/v1/. Only a SHA-256 of each token is stored.

A token is ``mc_`` + 40 random URL-safe characters: long enough that a hash without salt is
safe (nobody can guess it), so it can be looked up by its hash in one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from app.accounts.models import User
from app.core import clock
from app.extensions import db
from app.postal.models import ApiToken, PostOffice

# What a token may do: read the office's pickups and deliveries, report tracking events.
SCOPES = {
    "read": "Đọc danh sách nhận hồ sơ và giao kết quả",
    "events": "Gửi sự kiện bưu gửi (đang giao, đã giao, giao không thành công…)",
}
PREFIX = "mc_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(
    office: PostOffice, name: str, scopes: list[str], created_by: User | None
) -> tuple[ApiToken, str]:
    """A new token; the plain text is returned once and never stored."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"scopes must be a non-empty subset of {sorted(SCOPES)}")
    plain = PREFIX + secrets.token_urlsafe(30)
    token = ApiToken(
        post_office_id=office.id,
        name=" ".join(name.split())[:100] or "Hệ thống bưu chính",
        prefix=plain[:11],
        token_hash=_hash(plain),
        scopes=sorted(scopes),
        created_by_id=created_by.id if created_by else None,
        created_at=clock.now(),
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def verify(plain: str) -> ApiToken | None:
    """The live token for ``plain`` (and its post office active), or None."""
    if not plain or not plain.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).filter_by(token_hash=_hash(plain)))
    if token is None or token.revoked_at is not None or not token.post_office.is_active:
        return None
    return token


def revoke(token: ApiToken) -> None:
    token.revoked_at = token.revoked_at or clock.now()
    db.session.flush()
