"""Bearer tokens for /api/v1/ (what they are: app/postal/tokens.py; checked by its queries).

Why the API's routes are ``@public`` to app/core/permissions.py: that system guards browser
sessions. ``@require`` reads the login cookie and sends anyone without it to the login page,
which is meaningless for the operator's servers: they send ``Authorization: Bearer <token>``
and no cookie. So the routes are public *to the session system* and ``@token_required(scope)``
is their real guard: no token, an unknown or revoked one (or an inactive post office) → 401
``unauthorized`` with ``WWW-Authenticate: Bearer``; a token without the scope → 403
``insufficient_scope``. The view receives the token, and so its post office, as its first
argument. Nothing here reads ``current_user`` or the session, and the blueprint is exempt from
CSRF because no cookie authenticates it (a forged cross-site request has no token).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import g, request

from app.api.errors import ApiError
from app.core import clock
from app.postal import tokens
from app.postal.models import ApiToken
from app.postal.queries.tokens import verify

REALM = "motcua-api"
# last_used_at is written at most this often, so a busy token does not rewrite its row (and
# hold that row's lock) on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _challenge(error: str = "", scope: str = "") -> dict[str, str]:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return {"WWW-Authenticate": "Bearer " + ", ".join(parts)}


def _presented() -> str:
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def token_required(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let the view run only for a live token with ``scope``; the view gets it first."""
    if scope not in tokens.SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            presented = _presented()
            token = verify(presented) if presented else None
            if token is None:
                raise ApiError(
                    "unauthorized",
                    "Thiếu mã truy cập, hoặc mã truy cập không hợp lệ hay đã bị thu hồi.",
                    headers=_challenge("invalid_token" if presented else ""),
                )
            g.api_token_prefix = token.prefix
            if scope not in (token.scopes or []):
                raise ApiError(
                    "insufficient_scope",
                    f"Mã truy cập này chưa được cấp quyền “{scope}” ({tokens.SCOPES[scope]}).",
                    headers=_challenge("insufficient_scope", scope),
                )
            return view(token, *args, **kwargs)

        wrapped.api_scope = scope  # type: ignore[attr-defined]
        return wrapped

    return decorator


def touch(token: ApiToken) -> None:
    """Note that the token was used (call last, just before the commit: its row is locked
    from then until the commit, so every request takes that lock after its other ones)."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
