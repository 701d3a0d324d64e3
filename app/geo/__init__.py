"""Administrative units (2025 two-tier list) read from the vietnam-provinces package.

The list is national data that changes only by resolution of the National Assembly, so it is
read from the pinned package rather than copied into our database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from vietnam_provinces import Province, Ward

from app.core.text import fold, normalise_spaces


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province_code: int
    province_name: str

    @property
    def full_name(self) -> str:
        return f"{self.name}, {self.province_name}"


@lru_cache(maxsize=1)
def provinces() -> tuple[tuple[int, str], ...]:
    """All provinces as (code, name), sorted by name without diacritics."""
    items = [(int(p.code), normalise_spaces(p.name)) for p in Province.iter_all()]
    return tuple(sorted(items, key=lambda item: fold(item[1])))


@lru_cache(maxsize=64)
def communes(province_code: int) -> tuple[Commune, ...]:
    province_name = dict(provinces()).get(province_code)
    if province_name is None:
        return ()
    items = [
        Commune(str(int(w.code)), normalise_spaces(w.name), province_code, province_name)
        for w in Ward.iter_by_province(province_code)
    ]
    return tuple(sorted(items, key=lambda c: fold(c.name)))


@lru_cache(maxsize=1)
def _all_communes() -> dict[str, Commune]:
    return {c.code: c for code, _ in provinces() for c in communes(code)}


def commune(code: str | None) -> Commune | None:
    return _all_communes().get(code or "")


def commune_name(code: str) -> str:
    """The commune's name without its province ("Xã Mường Xén"); the code if it is unknown."""
    place = commune(code)
    return place.name if place else code


def address_line(street: str, village: str, commune_code: str) -> str:
    """One line, from the most specific part to the province."""
    place = commune(commune_code)
    parts = [street.strip(), village.strip(), place.full_name if place else ""]
    return ", ".join(p for p in parts if p)
