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


# A commune's name starts with its kind; a citizen types what follows ("muong xen").
_KINDS = ("xa ", "phuong ", "dac khu ")
LOOKUP_LIMIT = 10


def _bare(name: str) -> str:
    folded = fold(name)
    for kind in _KINDS:
        if folded.startswith(kind):
            return folded[len(kind) :]
    return folded


def find_communes(province_code: int, query: str, limit: int = LOOKUP_LIMIT) -> tuple[Commune, ...]:
    """The province's communes whose name holds ``query``, without regard to case, diacritics
    or the kind ("xã", "phường"): names starting with it first, then those with a word starting
    with it (the kind included: "phuong" finds the wards); at most ``limit``. An empty query
    finds nothing."""
    wanted = _bare(query)
    if not wanted:
        return ()

    def rank(place: Commune) -> int | None:
        bare = _bare(place.name)
        if bare.startswith(wanted):
            return 0
        return 1 if f" {wanted}" in f" {fold(place.name)}" else None

    ranked = [
        (r, i, c) for i, c in enumerate(communes(province_code)) if (r := rank(c)) is not None
    ]
    return tuple(c for _, _, c in sorted(ranked)[:limit])


@dataclass(frozen=True)
class Lookup:
    """What the compact commune picker lists: the communes matching what was typed, and the
    choice made so far (listed even when it does not match, so it is never lost)."""

    query: str
    matches: tuple[Commune, ...]
    current: Commune | None
    chosen: str  # the code selected in the list; "" while the citizen must still pick one


def lookup(province_code: int, query: str, selected: str | None) -> Lookup:
    place = commune(selected)
    current = place if place and place.province_code == province_code else None
    query = normalise_spaces(query)[:60]
    matches = find_communes(province_code, query)
    if len(matches) == 1:
        chosen = matches[0].code  # typing a whole name picks it
    elif current and (not query or not matches or current in matches):
        chosen = current.code
    else:
        chosen = ""
    return Lookup(query, matches, current, chosen)


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
