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
    SPECIALIST = "specialist"
    POSTAL = "postal"
    POSTAL_HEAD = "postal_head"
    COMMUNITY = "community"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CITIZEN: "Công dân",
    Role.OFFICER: "Cán bộ một cửa",
    Role.SPECIALIST: "Chuyên viên, lãnh đạo xử lý",
    Role.POSTAL: "Nhân viên bưu điện",
    Role.POSTAL_HEAD: "Trưởng bưu cục",
    Role.COMMUNITY: "Tổ công nghệ số cộng đồng",
    Role.ADMIN: "Quản trị",
}

STAFF_ROLES = frozenset({Role.OFFICER, Role.SPECIALIST, Role.POSTAL, Role.POSTAL_HEAD, Role.ADMIN})
# Roles that work for a post office (User.post_office_id says which).
POSTAL_ROLES = frozenset({Role.POSTAL, Role.POSTAL_HEAD})


class Permission(StrEnum):
    """What a route or a workflow action needs. Roles grant permissions in ROLE_PERMISSIONS."""

    APPLY = "apply"  # start, fill, submit, complete and withdraw one's own applications
    VIEW_UNIT_DOSSIERS = "view_unit_dossiers"  # back-office queues and dossier pages (own units)
    RECEIVE = "receive"  # accept, ask for more, refuse a submitted dossier
    PROCESS = "process"  # assign, forward, ask for more, apologise, stop
    APPROVE = "approve"  # approve and record the result
    RETURN_RESULT = "return_result"  # hand the result over and close the dossier
    VIEW_REGISTER = "view_register"  # Mẫu 07, the register, and its CSV export
    MANAGE = "manage"  # units, staff accounts, calendar overrides, post offices, API tokens
    # The public postal service (Decision 45/2016), for the worker's own post office.
    POSTAL_WORK = "postal_work"  # pickups, deliveries, hand-overs, the counter, own cash
    POSTAL_MANAGE = "postal_manage"  # slot templates, closed days, assigning workers, office cash
    # Fill and submit an application for a citizen who is present and consents (the post-office
    # counter, a community digital technology team at the village hall).
    APPLY_ON_BEHALF = "apply_on_behalf"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CITIZEN: frozenset({Permission.APPLY}),
    Role.OFFICER: frozenset(
        {
            Permission.VIEW_UNIT_DOSSIERS,
            Permission.RECEIVE,
            Permission.PROCESS,
            Permission.APPROVE,
            Permission.RETURN_RESULT,
            Permission.VIEW_REGISTER,
        }
    ),
    Role.SPECIALIST: frozenset(
        {Permission.VIEW_UNIT_DOSSIERS, Permission.PROCESS, Permission.APPROVE}
    ),
    Role.POSTAL: frozenset({Permission.POSTAL_WORK, Permission.APPLY_ON_BEHALF}),
    Role.POSTAL_HEAD: frozenset(
        {Permission.POSTAL_WORK, Permission.POSTAL_MANAGE, Permission.APPLY_ON_BEHALF}
    ),
    Role.COMMUNITY: frozenset({Permission.APPLY_ON_BEHALF}),
    Role.ADMIN: frozenset({Permission.MANAGE}),
}


def has_permission(user: Any, permission: Permission) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        role = Role(user.role)
    except ValueError:
        return False
    return permission in ROLE_PERMISSIONS[role]


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
