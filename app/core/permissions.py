"""Roles, and the one way a route declares who may call it.

Every view is wrapped by ``public`` or ``require``; tests/core/test_route_permissions.py walks
the URL map and fails for any endpoint without a declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user


class Role(StrEnum):
    CITIZEN = "citizen"
    OFFICER = "officer"
    POSTAL = "postal"
    COMMUNITY = "community"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CITIZEN: "Công dân",
    Role.OFFICER: "Cán bộ một cửa",
    Role.POSTAL: "Nhân viên bưu điện",
    Role.COMMUNITY: "Tổ công nghệ số cộng đồng",
    Role.ADMIN: "Quản trị",
}

STAFF_ROLES = frozenset({Role.OFFICER, Role.POSTAL, Role.ADMIN})
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


def require(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Allow only signed-in users holding one of ``roles`` (any role when none is given).

    Anonymous users are sent to the login page; a signed-in user with the wrong role gets 403.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=_return_path()), 303)
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, f"roles:{','.join(roles) or 'any'}")
        return wrapped

    return decorator
