"""The search rules, without an app: folding, one-letter typos, suggestions, procedures done
elsewhere. Candidates are the names of the demo catalogue (app/catalogue/data/procedures.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.catalogue import search
from app.catalogue.schema import DEMO_CATALOGUE_PATH

NAMES = [p["name"] for p in json.loads(DEMO_CATALOGUE_PATH.read_text(encoding="utf-8"))]
BIRTH = "Đăng ký khai sinh"


def strict(query: str) -> list[str]:
    return search.rank_matches(query, [n for n in NAMES if search.matches(query, n)], str)


def test_words_fold_case_marks_and_d_stroke() -> None:
    assert search.words("ĐĂNG KÝ, Khai sinh (lần đầu)") == [
        "dang",
        "ky",
        "khai",
        "sinh",
        "lan",
        "dau",
    ]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("sinh", "sinh", True),
        ("snh", "sinh", True),  # a letter missing
        ("siinh", "sinh", True),  # one extra
        ("sinj", "sinh", True),  # one wrong
        ("khia", "khai", True),  # two swapped
        ("ab", "ba", True),
        ("sh", "sinh", False),  # two missing
        ("abcd", "badc", False),  # two swaps
        ("nghep", "nghiep", True),
        ("thuong", "truong", True),  # one letter replaced
        ("khai", "khong", False),
    ],
)
def test_within_one_edit(a, b, expected) -> None:
    assert search.within_one_edit(a, b) is expected
    assert search.within_one_edit(b, a) is expected


def test_short_words_and_first_letters_are_not_forgiven() -> None:
    assert search.word_score("ky", "ke") == 0  # both under four letters
    assert search.word_score("sinh", "dinh") == 0  # another syllable, not a typo
    assert search.word_score("chieu", "phieu") == 0
    assert search.word_score("snh", "sinh") == 0.75
    assert search.word_score("thuo", "thuong") == 0.9  # a prefix being typed
    assert search.word_score("1001193", "1001194") == 0  # codes are exact


def test_strict_search_ignores_diacritics_and_ranks_the_phrase_first() -> None:
    found = strict("dang ky khai sinh")
    assert found[0] == BIRTH
    assert "Đăng ký khai tử" not in found
    assert strict("ĐĂNG KÝ KHAI SINH") == found


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("khai snh", BIRTH),
        ("khia sinh", BIRTH),
        ("dang ky ket hn", "Đăng ký kết hôn"),
        ("tro cap that nghep", "Giải quyết hưởng trợ cấp thất nghiệp"),
        ("lam giay khai sinh", BIRTH),
        ("bang lai xe", "Đổi giấy phép lái xe"),
    ],
)
def test_one_typo_per_word_is_suggested(query, first) -> None:
    assert strict(query) == []  # the strict search finds nothing...
    suggestions = search.suggest(query, NAMES, str)
    assert 1 <= len(suggestions) <= 3
    assert suggestions[0] == first  # ...the suggestion does


@pytest.mark.parametrize("query", ["zzzz khong co", "ho chieu", "xyz", "qwerty asdf"])
def test_nothing_close_is_not_suggested(query) -> None:
    assert search.suggest(query, NAMES, str) == []


@pytest.mark.parametrize(
    "query", ["ho chieu", "Hộ chiếu", "cấp hộ chiếu cho con", "ho chiu", "passport", "PASSPORT"]
)
def test_passport_is_done_by_the_police(query) -> None:
    entry = search.elsewhere(query, NAMES)
    assert entry is not None
    assert entry.title == "Cấp hộ chiếu phổ thông"
    assert "Công an" in entry.where
    assert entry.url.startswith("https://dichvucong.gov.vn")


def test_a_procedure_the_catalogue_carries_is_not_sent_elsewhere() -> None:
    # The demo catalogue has "Cấp đổi thẻ căn cước" and "Đổi giấy phép lái xe".
    assert search.elsewhere("can cuoc", NAMES) is None
    assert search.elsewhere("giay phep lai xe", NAMES) is None
    # A province without them is told where they are done.
    assert "Công an" in search.elsewhere("can cuoc", ["Đăng ký khai sinh"]).where
    assert search.elsewhere("doi giay phep lai xe", []).title.endswith("giấy phép lái xe")


def test_elsewhere_names_match_as_a_phrase() -> None:
    # "biển số" is not in "biến động … sở hữu": the words are not side by side.
    assert search.elsewhere("bien dong so huu", []) is None
    assert search.elsewhere("bien so xe may", []).title == "Đăng ký, cấp biển số xe"
    assert search.elsewhere("", []) is None


def test_every_elsewhere_entry_is_complete_and_marks_what_to_check() -> None:
    raw = json.loads(search.ELSEWHERE_PATH.read_text(encoding="utf-8"))["procedures"]
    entries = search.load_elsewhere(Path(search.ELSEWHERE_PATH))
    assert len(entries) == len(raw) >= 4
    for entry, data in zip(entries, raw, strict=True):
        assert entry.title and entry.where and entry.link_text and entry.names
        assert entry.url.startswith("https://")
        assert data["check"], entry.title  # unconfirmed facts are named (DOMAIN.md [check])
        assert any(ch in entry.where for ch in "ôơưăâêđ")  # Vietnamese with its diacritics
