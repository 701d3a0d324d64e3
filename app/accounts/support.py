"""The footer's help line: whom a person on this page should call."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user


def support_phone(unit: Any = None) -> str:
    """The number of ``unit`` (the dossier's receiving unit on a dossier's pages), else of the
    signed-in staff member's unit, else the province's ``SUPPORT_PHONE`` ("" if none)."""
    own = getattr(unit, "support_phone", "") or ""
    if own:
        return own
    if current_user.is_authenticated:
        for staff_unit in getattr(current_user, "units", ()):
            if staff_unit.support_phone:
                return str(staff_unit.support_phone)
    return str(current_app.config.get("SUPPORT_PHONE") or "")
