"""Issuing and revoking a post office's API tokens (app/postal/tokens.py says what they are)."""

from __future__ import annotations

from collections.abc import Iterable

from app.accounts.models import User
from app.core import clock
from app.core.text import normalise_spaces
from app.extensions import db
from app.postal.errors import PostalError
from app.postal.models import ApiToken, PostOffice
from app.postal.tokens import SCOPES, new_token, token_hash


def issue(
    office: PostOffice, name: str, scopes: list[str], created_by: User | None
) -> tuple[ApiToken, str]:
    """A new token; the plain text is returned once and never stored."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"scopes must be a non-empty subset of {sorted(SCOPES)}")
    plain = new_token()
    token = ApiToken(
        post_office_id=office.id,
        name=" ".join(name.split())[:100] or "Hệ thống bưu chính",
        prefix=plain[:11],
        token_hash=token_hash(plain),
        scopes=sorted(scopes),
        created_by_id=created_by.id if created_by else None,
        created_at=clock.now(),
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def issue_api_token(
    office: PostOffice, *, name: str, scopes: Iterable[str], actor: User
) -> tuple[ApiToken, str]:
    """The administrator's request for a token: a name and known scopes, or a refusal."""
    name = normalise_spaces(name or "")
    if not name:
        raise PostalError(
            "Vui lòng đặt tên cho khóa, ví dụ “Hệ thống bưu chính Vietnam Post”.", "name"
        )
    chosen = sorted(set(scopes))
    if any(scope not in SCOPES for scope in chosen):
        raise PostalError("Quyền đã chọn không hợp lệ. Hãy chọn lại.", "scopes")
    if not chosen:
        raise PostalError("Vui lòng chọn ít nhất một quyền cho khóa.", "scopes")
    return issue(office, name, chosen, actor)


def revoke(token: ApiToken) -> None:
    token.revoked_at = token.revoked_at or clock.now()
    db.session.flush()
