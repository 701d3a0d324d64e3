"""The commune search behind the compact picker: pure, on the national list."""

from __future__ import annotations

import pytest

from app import geo

NGHE_AN = 40


@pytest.mark.parametrize(
    "query, first",
    [
        ("Mường Xén", "Xã Mường Xén"),
        ("muong xen", "Xã Mường Xén"),  # without diacritics
        ("MƯỜNG XÉN", "Xã Mường Xén"),
        ("xã mường xén", "Xã Mường Xén"),  # the kind typed too
        ("  Mường   Xén ", "Xã Mường Xén"),
        ("truong vinh", "Phường Trường Vinh"),
    ],
)
def test_finds_a_commune_however_it_is_typed(query, first) -> None:
    assert geo.find_communes(NGHE_AN, query)[0].name == first


def test_names_starting_with_the_query_come_first_and_at_most_ten() -> None:
    found = geo.find_communes(NGHE_AN, "vinh")
    names = [c.name for c in found]
    assert names[:3] == ["Phường Vinh Hưng", "Phường Vinh Lộc", "Phường Vinh Phú"]
    assert "Phường Trường Vinh" in names  # a later word starts with it
    assert len(geo.find_communes(NGHE_AN, "xã")) == geo.LOOKUP_LIMIT


@pytest.mark.parametrize("query", ["", "   ", "không có xã này"])
def test_nothing_found(query) -> None:
    assert geo.find_communes(NGHE_AN, query) == ()


def test_lookup_keeps_the_choice_and_picks_a_single_match() -> None:
    xen = geo.find_communes(NGHE_AN, "Mường Xén")[0]
    kept = geo.lookup(NGHE_AN, "", xen.code)
    assert (kept.current, kept.chosen, kept.matches) == (xen, xen.code, ())
    # Several matches: the citizen picks one; the earlier choice stays listed.
    several = geo.lookup(NGHE_AN, "vinh", xen.code)
    assert several.current == xen and several.chosen == "" and len(several.matches) == 6
    single = geo.lookup(NGHE_AN, "truong vinh", xen.code)
    assert single.chosen == single.matches[0].code != xen.code
    # Another province: the choice does not belong there and is dropped.
    assert geo.lookup(42, "", xen.code).current is None
