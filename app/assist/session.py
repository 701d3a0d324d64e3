"""The citizen a helper is serving right now, on this browser (a shared phone or PC).

Helpers (community team members, post-office clerks) see a citizen's details only while that
citizen is the one they are serving: "Xong, người tiếp theo" ends it, and from then on nothing
of that citizen opens again on this device, not through the back button, not by URL. The
session cookie holds only ids, never personal data.
"""

from __future__ import annotations

from flask import session

KEY = "assisting"


def begin(citizen_id: int, consent_id: int | None = None) -> None:
    session[KEY] = {"citizen": citizen_id, "consent": consent_id}


def citizen_id() -> int | None:
    value = session.get(KEY) or {}
    return value.get("citizen")


def consent_id() -> int | None:
    value = session.get(KEY) or {}
    return value.get("consent")


def end() -> None:
    """Forget the citizen, and anything else this session remembered about them."""
    for key in [k for k in session if k not in ("_user_id", "_fresh", "_id", "csrf_token")]:
        session.pop(key, None)
