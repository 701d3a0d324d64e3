"""Staff accounts' rules that need no database: the roles an administrator manages, who must
belong to a unit, and the one-time password an administrator hands over.

Pure: no Flask, no database.
"""

from __future__ import annotations

import secrets
from typing import Final

from app.core.roles import Role

# Accounts an administrator manages. Citizens register themselves and never appear.
MANAGED_ROLES: Final = (
    Role.OFFICER,
    Role.SPECIALIST,
    Role.POSTAL,
    Role.POSTAL_HEAD,
    Role.COMMUNITY,
    Role.ADMIN,
)
ROLES_NEEDING_UNIT: Final = frozenset({Role.OFFICER, Role.SPECIALIST})

# No 0/O, 1/l/I: the password is read aloud or copied from a screen by hand.
_READABLE_LOWER: Final = "abcdefghijkmnpqrstuvwxyz"
_READABLE_UPPER: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_READABLE_DIGITS: Final = "23456789"
_READABLE: Final = _READABLE_LOWER + _READABLE_UPPER + _READABLE_DIGITS


def generate_password(length: int = 10) -> str:
    """A random one-time password from a readable alphabet, with a lower-case letter, an
    upper-case letter and a digit (so it passes any reasonable password rule)."""
    if length < 8:
        raise ValueError("a one-time password needs at least 8 characters")
    while True:
        password = "".join(secrets.choice(_READABLE) for _ in range(length))
        if (
            any(c in _READABLE_LOWER for c in password)
            and any(c in _READABLE_UPPER for c in password)
            and any(c in _READABLE_DIGITS for c in password)
        ):
            return password
