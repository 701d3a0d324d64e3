import unicodedata

import pytest

from app.core.text import fold, normalise_spaces, strip_diacritics

LOWER_VOWELS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
LOWER_PLAIN = "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đăng ký  khai sinh", "dang ky khai sinh"),
        ("THƯỜNG TRÚ", "thuong tru"),
        ("  Nghệ   An  ", "nghe an"),
        ("Xã\tKỳ Sơn\n", "xa ky son"),
        ("Phường\u00a0Trường Vinh", "phuong truong vinh"),
        ("Đắk Lắk", "dak lak"),
        ("đặc khu Phú Quốc", "dac khu phu quoc"),
        ("Thừa Thiên Huế", "thua thien hue"),
        ("Quảng Ngãi", "quang ngai"),
        ("Bà Rịa - Vũng Tàu", "ba ria - vung tau"),
        ("already plain", "already plain"),
        ("", ""),
        ("   ", ""),
        ("1.000948", "1.000948"),
        (LOWER_VOWELS, LOWER_PLAIN),
        (LOWER_VOWELS.upper(), LOWER_PLAIN),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize("text", ["Hưng Yên", "Đăng ký thường trú", "Khánh Hòa", "Khánh Hoà"])
def test_fold_ignores_unicode_normal_form(text: str) -> None:
    # Text pasted from other systems may arrive decomposed (NFD) or composed (NFC).
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_fold_old_and_new_tone_placement_match() -> None:
    # "Hòa" (new style) and "Hoà" (old style) must find each other.
    assert fold("Thanh Hóa") == fold("Thanh Hoá") == "thanh hoa"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà  Nội", "Hà Nội"),
        ("  Nghệ An ", "Nghệ An"),
        ("Xã\t\tMường  Xén", "Xã Mường Xén"),
        ("a\u00a0\u00a0b", "a b"),
        ("line\n\nbreak", "line break"),
        ("", ""),
        (" \t\n ", ""),
        ("Đắk Lắk", "Đắk Lắk"),
    ],
)
def test_normalise_spaces(text: str, expected: str) -> None:
    assert normalise_spaces(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đăng ký khai sinh", "Dang ky khai sinh"),
        ("THƯỜNG TRÚ", "THUONG TRU"),
        ("đ Đ", "d D"),
        ("Hồ sơ đã được tiếp nhận.", "Ho so da duoc tiep nhan."),
        ("Mã hồ sơ:\n000.00.14.H40-260311-0001", "Ma ho so:\n000.00.14.H40-260311-0001"),
        ("two  spaces kept", "two  spaces kept"),
        (LOWER_VOWELS, LOWER_PLAIN),
        (LOWER_VOWELS.upper(), LOWER_PLAIN.upper()),
        ("", ""),
    ],
)
def test_strip_diacritics(text: str, expected: str) -> None:
    assert strip_diacritics(text) == expected


def test_strip_diacritics_output_is_ascii_for_vietnamese() -> None:
    assert strip_diacritics("Giấy tiếp nhận hồ sơ và hẹn trả kết quả").isascii()
