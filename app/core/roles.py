"""Roles and what they may do: who may call a route or take a workflow action.

Pure: no Flask, no database. ``app.core.permissions`` puts these rules on routes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


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
    # The pages of a community team member (app/assist); the counter's are POSTAL_WORK's, so a
    # volunteer never reaches the post-office counter, nor a postal clerk the village's pages.
    HELP_AS_VOLUNTEER = "help_as_volunteer"


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
    Role.COMMUNITY: frozenset({Permission.APPLY_ON_BEHALF, Permission.HELP_AS_VOLUNTEER}),
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
