"""Who still uses a unit: its staff (accounts) and its dossiers (dossiers).

The units screens and the rules that keep a unit in use ask here. The domains that hold those
references are higher than the catalogue, so they tell it how to count them in their own
``init_app`` (registering twice replaces, so making the app again is harmless); until they do,
a unit counts as unused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Counters:
    staff: Callable[[], dict[int, int]] = lambda: {}
    dossiers: Callable[[int], int] = lambda unit_id: 0
    issued_codes: Callable[[int], bool] = lambda unit_id: False


_counters = _Counters()


def count_staff_with(staff_counts: Callable[[], dict[int, int]]) -> None:
    """``staff_counts()``: the number of staff accounts (active or not) per unit id."""
    _counters.staff = staff_counts


def count_dossiers_with(
    dossier_count: Callable[[int], int], issued_codes: Callable[[int], bool]
) -> None:
    """``dossier_count(unit_id)``: the dossiers a unit received or holds;
    ``issued_codes(unit_id)``: whether dossier codes were ever issued with the unit's code."""
    _counters.dossiers = dossier_count
    _counters.issued_codes = issued_codes


def staff_counts() -> dict[int, int]:
    return _counters.staff()


def staff_count(unit_id: int) -> int:
    return staff_counts().get(unit_id, 0)


def dossier_count(unit_id: int) -> int:
    return _counters.dossiers(unit_id)


def issued_codes(unit_id: int) -> bool:
    return _counters.issued_codes(unit_id)
