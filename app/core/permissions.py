"""The one way a route declares who may call it (roles and permissions: app/core/roles.py).

Every view is wrapped by ``public`` or ``require``; tests/core/test_route_permissions.py walks
the URL map and fails for any endpoint without a declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user

from app.core.roles import Permission, has_permission

ACCESS_ATTRIBUTE = "access_rule"


def _return_path() -> str:
    """Where to come back after signing in: this page, or for a form post the page it was on."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    return referrer.path if referrer.netloc in ("", request.host) and referrer.path else "/"


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as callable by anyone, signed in or not."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def require(*permissions: Permission) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Allow only signed-in users whose role grants one of ``permissions``.

    With no permission given, any signed-in user may call the view (it then checks ownership
    itself, e.g. a citizen's own dossier). Anonymous users are sent to the login page; a
    signed-in user without the permission gets 403.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=_return_path()), 303)
            if permissions and not any(has_permission(current_user, p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, f"permission:{','.join(permissions) or 'signed-in'}")
        return wrapped

    return decorator
