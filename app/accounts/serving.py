"""The citizen a helper is serving right now, on this browser (a shared phone or PC).

Helpers (community team members, post-office clerks) see a citizen's details only while that
citizen is the one they are serving: "Xong, người tiếp theo" ends it, and from then on nothing
of that citizen opens again on this device, not through the back button, not by URL. The
session cookie holds only ids, never personal data, and they count only for the helper who
started them: anyone else signing in on this browser starts with nobody.
"""

from __future__ import annotations

from flask import session
from flask_login import current_user

KEY = "assisting"
# What a helper's session may remember between requests besides the sign-in itself.
# "oidc": the key to a sign-in with the identity provider on this browser, kept until it is ended
# there (app/accounts/signin.py).
_KEEP = ("_user_id", "_fresh", "_id", "sid", "oidc", "csrf_token", "seen")


def begin(citizen_id: int, consent_id: int | None = None) -> None:
    session[KEY] = {"helper": current_user.id, "citizen": citizen_id, "consent": consent_id}


def _value() -> dict:
    value = session.get(KEY) or {}
    helper = getattr(current_user, "id", None)
    return value if value.get("helper") == helper and helper is not None else {}


def citizen_id() -> int | None:
    return _value().get("citizen")


def consent_id() -> int | None:
    return _value().get("consent")


def end() -> None:
    """Forget the citizen, and anything else this session remembered about them."""
    for key in [k for k in session if k not in _KEEP]:
        session.pop(key, None)
