"""Finding a procedure the way people type: without diacritics, with a letter missing or wrong.

Pure: no Flask, no SQLAlchemy. The catalogue is small (tens of procedures), so candidates are
ranked here in Python after one query.

* :func:`matches` is the strict search: every folded query word occurs in the folded text.
* :func:`suggest` ranks near misses ("khai snh" → "Đăng ký khai sinh") when nothing matches.
* :func:`elsewhere` finds national procedures done by another office ("ho chieu" → Công an).

Words are compared after :func:`app.core.text.fold` (lower case, no marks, "đ" → "d"); two words
count as the same with one edit (a letter missing, extra, wrong, or two swapped) when the longer
one has at least four letters and both start with the same letter, so "snh" ~ "sinh" but
"ky" !~ "ke". Vietnamese syllables are short and many differ by their first letter only
("sinh"/"dinh", "chieu"/"phieu"), and typos there are rare: the first letter must agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from app.core.text import fold

T = TypeVar("T")

ELSEWHERE_PATH = Path(__file__).parent / "data" / "elsewhere.json"
FUZZY_MIN_LENGTH = 4  # the longer word needs this many letters before one edit is forgiven
SUGGESTION_SHARE = 0.5  # share of the query's letters a suggestion must account for
MAX_SUGGESTIONS = 3

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Folded words, punctuation dropped: "Đăng ký, khai sinh" → ["dang", "ky", "khai", "sinh"]."""
    return _WORD.findall(fold(text))


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by at most one insertion, deletion, substitution or swap
    of two neighbouring letters (optimal string alignment distance ≤ 1)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):  # one letter inserted
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:  # one letter replaced
        return True
    swapped = a[start] == b[start + 1] and a[start + 1] == b[start]
    return swapped and a[start + 2 :] == b[start + 2 :]


def word_score(typed: str, word: str) -> float:
    """How well a typed word stands for a word of the text: 1 the same, 0.9 a prefix of three
    letters or more, 0.75 one edit away (same first letter), else 0. Numbers must be exact."""
    if typed == word:
        return 1.0
    if typed.isalpha() and word.isalpha():
        if len(typed) >= 3 and word.startswith(typed):
            return 0.9
        long_enough = max(len(typed), len(word)) >= FUZZY_MIN_LENGTH
        if long_enough and typed[0] == word[0] and within_one_edit(typed, word):
            return 0.75
    return 0.0


def closeness(query: str, text: str) -> float:
    """Share of the query's letters that find a word in ``text`` (each word weighted by its length
    times its :func:`word_score`): 1.0 when every word is there as typed."""
    typed = words(query)
    candidates = set(words(text))
    total = sum(len(w) for w in typed)
    if not total or not candidates:
        return 0.0
    found = sum(len(w) * max(word_score(w, c) for c in candidates) for w in typed)
    return found / total


def matches(query: str, text: str) -> bool:
    """The strict search: each folded query word occurs somewhere in the folded text."""
    haystack = fold(text)
    return all(word in haystack for word in fold(query).split())


def rank_matches(query: str, items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """Items whose name holds the whole folded query as a phrase first, then by folded name."""
    phrase = fold(query)
    return sorted(items, key=lambda item: (phrase not in fold(name(item)), fold(name(item))))


def suggest(query: str, items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The best 1–3 near misses: items whose name accounts for at least half of the query, the
    closest first, then the shortest name (the plain procedure before the bundles)."""
    scored = [(closeness(query, name(item)), item) for item in items]
    kept = [(score, item) for score, item in scored if score >= SUGGESTION_SHARE]
    kept.sort(key=lambda pair: (-pair[0], len(words(name(pair[1]))), fold(name(pair[1]))))
    return [item for _, item in kept[:MAX_SUGGESTIONS]]


# --- national procedures done by another office -----------------------------------------------


@dataclass(frozen=True)
class Elsewhere:
    """A procedure this one-stop centre does not handle, and where a citizen goes instead."""

    title: str
    names: tuple[str, ...]
    where: str
    url: str
    link_text: str


def load_elsewhere(path: Path = ELSEWHERE_PATH) -> tuple[Elsewhere, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Elsewhere(
            title=entry["title"],
            names=tuple(entry["names"]),
            where=entry["where"],
            url=entry["url"],
            link_text=entry["link_text"],
        )
        for entry in raw["procedures"]
    )


@cache
def elsewhere_list() -> tuple[Elsewhere, ...]:
    """The shipped list (app/catalogue/data/elsewhere.json), read once per process."""
    return load_elsewhere()


def _names_in_query(name: str, typed: Sequence[str]) -> bool:
    """The words of ``name`` stand side by side in ``typed``, in order (one typo forgiven per
    word, as above): "cap ho chieu cho con" holds "hộ chiếu"; "biến động … sở hữu" has no
    "biển số"."""
    wanted = words(name)
    size = len(wanted)
    return bool(wanted) and any(
        all(word_score(t, w) >= 0.75 for t, w in zip(typed[i : i + size], wanted, strict=True))
        for i in range(len(typed) - size + 1)
    )


def elsewhere(
    query: str, local_names: Iterable[str] = (), entries: Sequence[Elsewhere] | None = None
) -> Elsewhere | None:
    """The first national procedure one of whose names the query contains, or None. An entry
    the local catalogue carries (one of its names is in a procedure of ``local_names``) is
    skipped: the province's own procedure comes first."""
    typed = words(query)
    if not typed:
        return None
    local = [words(name) for name in local_names]
    for entry in elsewhere_list() if entries is None else entries:
        if not any(_names_in_query(name, typed) for name in entry.names):
            continue
        if not any(_names_in_query(name, carried) for name in entry.names for carried in local):
            return entry
    return None
