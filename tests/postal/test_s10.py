"""S10 item numbers: the examples of DOMAIN.md §6 and the edge cases of the check digit."""

from __future__ import annotations

import pytest

from app.postal.s10 import WEIGHTS, check_digit, is_valid, item_number


@pytest.mark.parametrize(
    ("serial", "digit"),
    [("12345678", 5), ("28704377", 5), ("00000008", 0)],
)
def test_domain_examples(serial: str, digit: int) -> None:
    assert check_digit(serial) == digit


def test_the_weighted_sum_of_the_first_example_is_204() -> None:
    assert sum(int(d) * w for d, w in zip("12345678", WEIGHTS, strict=True)) == 204


def test_remainder_zero_gives_five_and_remainder_one_gives_zero() -> None:
    # S mod 11 = 0 -> C = 11 -> 5; S mod 11 = 1 -> C = 10 -> 0 (first such serial found).
    assert check_digit("00000000") == 5
    serial_mod_1 = next(
        f"{n:08d}"
        for n in range(1, 10_000)
        if sum(int(d) * w for d, w in zip(f"{n:08d}", WEIGHTS, strict=True)) % 11 == 1
    )
    assert check_digit(serial_mod_1) == 0


def test_item_number_and_validation() -> None:
    assert item_number("EE", 12345678) == "EE123456785VN"
    assert is_valid("EE123456785VN")
    assert is_valid(" ee123456785vn ")
    assert not is_valid("EE123456784VN")  # wrong check digit
    assert not is_valid("E1123456785VN")
    assert not is_valid("EE12345678VN")
    assert not is_valid("")


@pytest.mark.parametrize("bad", ["1234567", "123456789", "1234567a"])
def test_serial_must_be_eight_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


@pytest.mark.parametrize(
    ("prefix", "serial"), [("E", 1), ("ee", 1), ("EE", -1), ("EE", 100_000_000)]
)
def test_item_number_rejects_bad_input(prefix: str, serial: int) -> None:
    with pytest.raises(ValueError):
        item_number(prefix, serial)


def test_every_generated_number_validates() -> None:
    assert all(is_valid(item_number("RR", n)) for n in range(0, 100_000_000, 999_983))
