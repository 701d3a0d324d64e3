"""Where signing in (or registering) lands: the ``next`` page, or what it stood for.

A ``next`` may name an action that was asked for while signed out, e.g. "Nộp hồ sơ" on a
procedure's page (``/thu-tuc/<code>/nop-ho-so?client_token=…``). That action is a POST and is
never replayed: the sign-in's own POST (CSRF-checked, the person's password or code just
proven) carries the intent out through the domain that owns it and lands on its result (the
new draft). The domains that own such actions are higher than accounts, so they register here
in their own ``init_app`` (registering twice replaces, so making the app again is harmless).
"""

from __future__ import annotations

from collections.abc import Callable

from app.accounts.models import User

# (the person just signed in, the safe local ``next``) → where to land, or None: not mine.
Intent = Callable[[User, str], "str | None"]

_intents: dict[str, Intent] = {}


def carry_out_with(name: str, intent: Intent) -> None:
    _intents[name] = intent


def land(user: User, target: str) -> str:
    """``target``, or the page an intent it names leads to once carried out."""
    for intent in _intents.values():
        landed = intent(user, target)
        if landed is not None:
            return landed
    return target
