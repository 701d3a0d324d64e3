"""What a staff account belongs to besides its units: a post office, a community team…

The domains that own those (higher than accounts) register in their ``init_app``, for a set of
roles, the staff form's field they fill (the user's column is ``<field>_id``), the choices of
that field and the check of a chosen id, so accounts import none of them. Registering a field
again replaces it (making the app again is harmless); the checks run in registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol


class Check(Protocol):
    def __call__(self, chosen: int | None, *, required: bool, current: int | None) -> int | None:
        """The id to keep (None for none) when the role ``required`` one; ``current`` is the id
        the account has now (None for a new one). Raises app.core.errors.Invalid on the field."""


@dataclass(frozen=True)
class Affiliation:
    field: str  # the staff form's field, e.g. "post_office"; the user's column "post_office_id"
    roles: frozenset[str]  # the roles that must belong to one; the others must not
    # (id, label) of each choice, the empty choice first
    choices: Callable[[], list[tuple[str, str]]]
    check: Check


_registered: dict[str, Affiliation] = {}


def register(affiliation: Affiliation) -> None:
    _registered[affiliation.field] = affiliation


def registered() -> list[Affiliation]:
    return list(_registered.values())


def checked(
    role: str, chosen: Mapping[str, int | None], current: Mapping[str, int | None]
) -> dict[str, int | None]:
    """The user's columns (``post_office_id``…) for ``role`` and the ids chosen by field."""
    return {
        f"{a.field}_id": a.check(
            chosen.get(a.field), required=role in a.roles, current=current.get(a.field)
        )
        for a in registered()
    }
