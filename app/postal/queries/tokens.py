"""A post office's API tokens: the live token a request presents, and the office's list."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.postal.models import ApiToken, PostOffice
from app.postal.tokens import PREFIX, token_hash


def verify(plain: str) -> ApiToken | None:
    """The live token for ``plain`` (and its post office active), or None."""
    if not plain or not plain.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).filter_by(token_hash=token_hash(plain)))
    if token is None or token.revoked_at is not None or not token.post_office.is_active:
        return None
    return token


def office_tokens(office: PostOffice) -> list[ApiToken]:
    """Live tokens first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.post_office_id == office.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )
