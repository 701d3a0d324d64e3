from datetime import date

import pytest

from app.core.identity import (
    MSG_ID_CENTURY,
    MSG_ID_LENGTH,
    MSG_ID_PROVINCE,
    MSG_ID_SEX,
    MSG_ID_YEAR,
    OLD_PROVINCE_CODES,
    IdNumberError,
    check_id_number,
    mask_id_number,
    mask_phone,
    normalise_phone,
)

# --- normalise_phone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0321234567", "0321234567"),
        ("0561234567", "0561234567"),
        ("0771234567", "0771234567"),
        ("0861234567", "0861234567"),
        ("0991234567", "0991234567"),
        ("091 234 5678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("  0912 345 678  ", "0912345678"),
        ("0912\u00a0345\u00a0678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84-912-345-678", "0912345678"),
        ("84912345678", "0912345678"),
        ("84 38 123 4567", "0381234567"),
    ],
)
def test_normalise_phone_valid(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "0112345678",  # 01x: old 11-digit prefixes, no longer mobile
        "0212345678",  # 02x: landline
        "0412345678",
        "0612345678",
        "0012345678",
        "091234567",  # 9 digits
        "09123456789",  # 11 digits
        "912345678",  # no leading 0 nor country code
        "+840912345678",  # country code and national 0 together
        "0084912345678",
        "+85912345678",
        "+8491234567",  # 8 digits after +84
        "84212345678",  # +84 landline
        "09123a5678",
        "(091) 234 5678",
        "０９１２３４５６７８",  # full-width digits
        "0912345678 ext 1",
    ],
)
def test_normalise_phone_invalid(raw: str) -> None:
    assert normalise_phone(raw) is None


# --- mask_phone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("0912345001", "0912***001"),
        ("+84 912 345 001", "0912***001"),
        ("0381234567", "0381***567"),
        ("12345678", "1234*678"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, expected: str) -> None:
    assert mask_phone(phone) == expected


# --- mask_id_number --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("079303000123", "********0123"),
        ("040205123456", "********3456"),
        (" 079303000123 ", "********0123"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_id_number(number: str, expected: str) -> None:
    assert mask_id_number(number) == expected


def test_mask_id_number_is_ascii() -> None:
    assert mask_id_number("079303000123").isascii()


# --- OLD_PROVINCE_CODES ----------------------------------------------------------------


def test_old_province_codes_are_the_63_old_provinces() -> None:
    assert len(OLD_PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in OLD_PROVINCE_CODES)
    assert min(OLD_PROVINCE_CODES) == "001"  # Hà Nội
    assert max(OLD_PROVINCE_CODES) == "096"  # Cà Mau
    # Nghệ An, Thanh Hóa, TP. Hồ Chí Minh, Hưng Yên
    assert {"040", "038", "079", "033"} <= OLD_PROVINCE_CODES


@pytest.mark.parametrize("code", sorted(OLD_PROVINCE_CODES))
def test_every_old_province_code_is_accepted(code: str) -> None:
    check_id_number(f"{code}090000001", date(1990, 5, 17), "male")


# --- check_id_number: valid ------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("079303000123", date(2003, 1, 1), "female"),  # DOMAIN.md §7 example
        ("079303000123", date(2003, 12, 31), "female"),
        ("001090000001", date(1990, 6, 1), "male"),
        ("040185654321", date(1985, 2, 28), "female"),
        ("038200000000", date(2000, 1, 1), "male"),
        ("096099999999", date(1999, 12, 31), "male"),
        ("033224000001", date(2024, 3, 3), "male"),
        ("040400000001", date(2100, 1, 1), "male"),
        ("040501000001", date(2101, 1, 1), "female"),
        ("040600000001", date(2200, 1, 1), "male"),
        ("040899000001", date(2399, 1, 1), "male"),
        ("040999000001", date(2399, 1, 1), "female"),
    ],
)
def test_check_id_number_valid(number: str, born: date, sex: str) -> None:
    assert check_id_number(number, born, sex) is None  # type: ignore[arg-type]


# --- check_id_number: errors -----------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "",
        "07930300012",  # 11 digits
        "0793030001234",  # 13 digits
        "07930300012a",
        " 079303000123",
        "079 303 000 123",
        "079-303-000-123",
        "０７９３０３０００１２３",  # full-width digits
        "٠٧٩٣٠٣٠٠٠١٢٣",  # Arabic-Indic digits
    ],
)
def test_check_id_number_length(number: str) -> None:
    with pytest.raises(IdNumberError) as exc_info:
        check_id_number(number, date(2003, 1, 1), "female")
    assert exc_info.value.code == "length"
    assert exc_info.value.message == "Số định danh cá nhân phải gồm đúng 12 chữ số."
    assert exc_info.value.message == MSG_ID_LENGTH


@pytest.mark.parametrize("province", ["000", "003", "005", "028", "097", "099", "100", "999"])
def test_check_id_number_province(province: str) -> None:
    with pytest.raises(IdNumberError) as exc_info:
        check_id_number(f"{province}303000123", date(2003, 1, 1), "female")
    assert exc_info.value.code == "province"
    assert exc_info.value.message == MSG_ID_PROVINCE


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("079303000123", date(2003, 1, 1), "male"),  # 3 = female
        ("079203000123", date(2003, 1, 1), "female"),  # 2 = male
        ("001090000001", date(1990, 1, 1), "female"),  # 0 = male
        ("001190000001", date(1990, 1, 1), "male"),  # 1 = female
        ("040500000001", date(2100, 1, 1), "male"),  # 5 = female
        ("040800000001", date(2300, 1, 1), "female"),  # 8 = male
    ],
)
def test_check_id_number_sex(number: str, born: date, sex: str) -> None:
    with pytest.raises(IdNumberError) as exc_info:
        check_id_number(number, born, sex)  # type: ignore[arg-type]
    assert exc_info.value.code == "sex"
    assert exc_info.value.message == MSG_ID_SEX


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("079103000123", date(2003, 1, 1), "female"),  # 1 = 1900s, born 2003
        ("079303000123", date(1903, 1, 1), "female"),  # 3 = 2000s, born 1903
        ("001090000001", date(2090, 1, 1), "male"),  # 0 = 1900s, born 2090
        ("040400000001", date(2000, 1, 1), "male"),  # 4 = 2100s, born 2000
        ("001099000001", date(1899, 1, 1), "male"),  # before the scheme's first century
    ],
)
def test_check_id_number_century(number: str, born: date, sex: str) -> None:
    with pytest.raises(IdNumberError) as exc_info:
        check_id_number(number, born, sex)  # type: ignore[arg-type]
    assert exc_info.value.code == "century"
    assert exc_info.value.message == MSG_ID_CENTURY


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("079303000123", date(2004, 1, 1), "female"),
        ("079303000123", date(2030, 1, 1), "female"),
        ("001090000001", date(1909, 1, 1), "male"),
        ("001000000001", date(1910, 1, 1), "male"),
    ],
)
def test_check_id_number_year(number: str, born: date, sex: str) -> None:
    with pytest.raises(IdNumberError) as exc_info:
        check_id_number(number, born, sex)  # type: ignore[arg-type]
    assert exc_info.value.code == "year"
    assert exc_info.value.message == MSG_ID_YEAR


def test_id_number_error_is_a_value_error_with_the_message() -> None:
    with pytest.raises(ValueError, match="12 chữ số") as exc_info:
        check_id_number("123", date(2003, 1, 1), "female")
    assert isinstance(exc_info.value, IdNumberError)
    assert str(exc_info.value) == exc_info.value.message


@pytest.mark.parametrize(
    "message", [MSG_ID_LENGTH, MSG_ID_PROVINCE, MSG_ID_SEX, MSG_ID_CENTURY, MSG_ID_YEAR]
)
def test_id_messages_are_vietnamese_sentences(message: str) -> None:
    assert "số định danh cá nhân" in message.lower()
    assert message.endswith(".")
    assert not message.isascii()


@pytest.mark.parametrize("sex", ["", "Male", "nam", "nữ", "other"])
def test_check_id_number_rejects_unknown_sex_as_programming_error(sex: str) -> None:
    with pytest.raises(ValueError) as exc_info:
        check_id_number("079303000123", date(2003, 1, 1), sex)  # type: ignore[arg-type]
    assert not isinstance(exc_info.value, IdNumberError)
