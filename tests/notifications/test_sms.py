"""SMS segment counting and the no-diacritics variant (DOMAIN.md §9)."""

from __future__ import annotations

import unicodedata

import pytest

from app.notifications.sms import (
    ascii_variant,
    encoding,
    is_gsm7,
    pick_variant,
    put_back,
    sms_segments,
    with_secret,
)

EXTENSION = "^{}\\[~]|€"


@pytest.mark.parametrize(
    ("length", "segments"),
    [(0, 0), (1, 1), (160, 1), (161, 2), (305, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_boundaries(length: int, segments: int) -> None:
    assert sms_segments("a" * length) == segments


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (70, 1), (71, 2), (133, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_boundaries(length: int, segments: int) -> None:
    assert sms_segments("ồ" * length) == segments


def test_one_vietnamese_letter_makes_the_whole_text_ucs2() -> None:
    assert sms_segments("a" * 69 + "ư") == 1
    assert sms_segments("a" * 70 + "ư") == 2
    assert sms_segments("a" * 100) == 1
    assert sms_segments("a" * 99 + "đ") == 2


@pytest.mark.parametrize("char", list(EXTENSION))
def test_extension_characters_count_double(char: str) -> None:
    assert is_gsm7(char)
    assert sms_segments("a" * 158 + char) == 1  # 160 septets
    assert sms_segments("a" * 159 + char) == 2  # 161 septets
    assert sms_segments(char * 80) == 1
    assert sms_segments(char * 81) == 2


def test_an_escape_sequence_is_never_split_across_parts() -> None:
    # 306 septets would be 2 parts, but the € cannot straddle the first part's end.
    assert sms_segments("a" * 152 + "€" + "a" * 152) == 3
    assert sms_segments("a" * 151 + "€" + "a" * 153) == 2


def test_ucs2_counts_utf16_code_units() -> None:
    emoji = "\U0001f600"  # outside the BMP: a surrogate pair, two code units
    assert sms_segments(emoji * 35) == 1
    assert sms_segments(emoji * 36) == 2
    assert sms_segments("ồ" * 69 + emoji) == 2  # 71 code units
    # A surrogate pair moves whole to the next part.
    assert sms_segments("ồ" * 66 + emoji + "ồ" * 66) == 3


def test_gsm7_detection() -> None:
    assert not is_gsm7("Hồ sơ")
    assert encoding("Hồ sơ") == "UCS-2"
    assert is_gsm7("Ho so 000.12.34.H40-261123-0001: da co ket qua. Tra cuu: https://x.vn/a?b=1")
    assert encoding("Ho so") == "GSM-7"
    # Some accented Latin letters are in the GSM alphabet; Vietnamese ones are not.
    assert is_gsm7("éèàùìòÄÖÜñ@£$¥\n")
    for letter in "ảạăắâấđêếôốơớưứýỳ":
        assert not is_gsm7(letter), letter
    assert not is_gsm7("\u201cquoted\u201d")  # typographic quotes


LOWER = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
LOWER_PLAIN = "a" * 18 + "e" * 12 + "i" * 6 + "o" * 18 + "u" * 12 + "y" * 6 + "d"


def test_ascii_variant_of_every_vietnamese_letter() -> None:
    assert len(LOWER) == len(LOWER_PLAIN)
    assert ascii_variant(LOWER) == LOWER_PLAIN
    assert ascii_variant(LOWER.upper()) == LOWER_PLAIN.upper()
    assert ascii_variant("Đ") == "D"
    assert is_gsm7(ascii_variant(LOWER + LOWER.upper()))


def test_ascii_variant_of_decomposed_text_and_sentences() -> None:
    decomposed = unicodedata.normalize("NFD", "Hồ sơ đã được tiếp nhận")
    assert ascii_variant(decomposed) == "Ho so da duoc tiep nhan"
    assert ascii_variant("Đăng ký khai sinh\nXóm 3") == "Dang ky khai sinh\nXom 3"
    # Typography a word processor puts in a template has a plain GSM-7 form.
    fancy = "Hẹn \u201cngày mai\u201d \u2013 Bộ phận Một cửa\u2026"
    assert ascii_variant(fancy) == 'Hen "ngay mai" - Bo phan Mot cua...'
    assert is_gsm7(ascii_variant(fancy))


def test_pick_variant_auto_keeps_vietnamese_when_it_fits_one_segment() -> None:
    short = "Hồ sơ 000.12.34.H40-261123-0001 đã có kết quả."
    assert sms_segments(short) == 1
    assert pick_variant(short, "auto") == short


def test_pick_variant_auto_drops_diacritics_when_vietnamese_takes_two_segments() -> None:
    long = "Hồ sơ 000.12.34.H40-261123-0001 đã được tiếp nhận. Hẹn trả kết quả ngày 25/11/2026."
    assert sms_segments(long) == 2
    chosen = pick_variant(long, "auto")
    assert chosen == ascii_variant(long)
    assert is_gsm7(chosen) and sms_segments(chosen) == 1


def test_pick_variant_forced_alphabets() -> None:
    text = "Hồ sơ đã có kết quả."
    assert pick_variant(text, "unicode") == text
    assert pick_variant(text * 5, "unicode") == text * 5
    assert pick_variant(text, "ascii") == "Ho so da co ket qua."
    with pytest.raises(ValueError, match="alphabet"):
        pick_variant(text, "latin1")


# --- a one-time code in the text ---------------------------------------------------------------

CODE_TEXT = (
    "Mã đặt lại mật khẩu Một Cửa: {secret}. Không đưa mã cho người khác. Hết hạn sau 10 phút."
)


@pytest.mark.parametrize("alphabet", ["auto", "ascii", "unicode"])
def test_a_secret_is_stored_masked_and_sent_whole(alphabet: str) -> None:
    sent, stored = with_secret(CODE_TEXT, "024680", alphabet)
    assert "024680" in sent and "024680" not in stored
    assert stored.count("••••••") == 1 and len(stored) == len(sent)
    assert put_back(stored, "024680") == sent
    # The variant is the one the real text gets: too long for one Unicode SMS, so "auto" drops
    # the diacritics.
    real = CODE_TEXT.replace("{secret}", "024680")
    assert sent == pick_variant(real, alphabet)
    assert sent.startswith("Ma dat lai" if alphabet != "unicode" else "Mã đặt lại")


def test_a_secret_needs_its_one_place_in_the_text() -> None:
    with pytest.raises(ValueError):
        with_secret("Mã đặt lại mật khẩu.", "024680")
    with pytest.raises(ValueError):
        with_secret("Mã {secret} và {secret}.", "024680")
    with pytest.raises(ValueError):
        with_secret("Mã {secret}.", "")
    with pytest.raises(ValueError):
        with_secret("Mã • {secret}.", "024680")
