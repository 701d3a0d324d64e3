"""Amounts in Vietnamese words (app/core/money_words.py): pure, no app."""

from __future__ import annotations

import pytest

from app.core.money_words import amount_in_words, number_in_words, receipt_words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (1, "một"),
        (4, "bốn"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (31, "ba mươi mốt"),
        (44, "bốn mươi tư"),
        (55, "năm mươi lăm"),
        (99, "chín mươi chín"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (104, "một trăm linh bốn"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (500, "năm trăm"),
        (1_000, "một nghìn"),
        (1_001, "một nghìn không trăm linh một"),
        (1_010, "một nghìn không trăm mười"),
        (1_021, "một nghìn không trăm hai mươi mốt"),
        (7_000, "bảy nghìn"),
        (10_000, "mười nghìn"),
        (15_000, "mười lăm nghìn"),
        (20_000, "hai mươi nghìn"),
        (21_000, "hai mươi mốt nghìn"),
        (24_500, "hai mươi tư nghìn năm trăm"),
        (100_000, "một trăm nghìn"),
        (105_000, "một trăm linh năm nghìn"),
        (1_000_000, "một triệu"),
        (1_000_001, "một triệu không trăm linh một"),
        (1_005_000, "một triệu không trăm linh năm nghìn"),
        (2_021_000, "hai triệu không trăm hai mươi mốt nghìn"),
        (15_500_000, "mười lăm triệu năm trăm nghìn"),
        (1_000_000_000, "một tỷ"),
        (1_000_000_005, "một tỷ không trăm linh năm"),
        (3_250_000_000, "ba tỷ hai trăm năm mươi triệu"),
        (1_000_000_000_000, "một nghìn tỷ"),
        (21_000_000_000_015, "hai mươi mốt nghìn tỷ không trăm mười lăm"),
    ],
)
def test_number_in_words(n: int, words: str) -> None:
    assert number_in_words(n) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (105, "một trăm lẻ năm"),
        (2_008, "hai nghìn không trăm lẻ tám"),
        (301_000, "ba trăm lẻ một nghìn"),
    ],
)
def test_southern_le_instead_of_linh(n: int, words: str) -> None:
    assert number_in_words(n, zero_tens="lẻ") == words
    assert "lẻ" not in number_in_words(n)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (20_000, "Hai mươi nghìn đồng chẵn"),
        (10_000, "Mười nghìn đồng chẵn"),
        (7_000, "Bảy nghìn đồng chẵn"),
        (15_000, "Mười lăm nghìn đồng chẵn"),
        (125_000, "Một trăm hai mươi lăm nghìn đồng chẵn"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng chẵn"),
        (2_000_000_000, "Hai tỷ đồng chẵn"),
        (7_500, "Bảy nghìn năm trăm đồng"),
        (15_250, "Mười lăm nghìn hai trăm năm mươi đồng"),
        (1, "Một đồng"),
        (0, "Không đồng"),
    ],
)
def test_receipt_words(amount: int, words: str) -> None:
    assert receipt_words(amount) == words


def test_amount_in_words_has_the_currency_and_a_capital() -> None:
    assert amount_in_words(135_000) == "Một trăm ba mươi lăm nghìn đồng"
    assert amount_in_words(0) == "Không đồng"


@pytest.mark.parametrize("bad", [-1, 1.5, "20000", True, None])
def test_refuses_what_is_not_a_whole_non_negative_number(bad: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        number_in_words(bad)  # type: ignore[arg-type]


def test_refuses_an_unknown_zero_tens_word() -> None:
    with pytest.raises(ValueError):
        number_in_words(105, zero_tens="không")
