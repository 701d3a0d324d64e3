"""Payment references: generated, checked and found in what banks pass on (app/core/payref.py)."""

from __future__ import annotations

import itertools

import pytest

from app.core import payref


def test_a_reference_is_ten_letters_and_digits_and_checks() -> None:
    reference = payref.new_reference()
    assert len(reference) == 10 and reference.isalnum() and reference.startswith("MC")
    assert payref.is_valid(reference)


def test_the_check_character_of_a_known_body() -> None:
    # Luhn mod 32 worked by hand for body "0000001": the 1 doubled is 2, check (32-2)%32 = 30 -> Y.
    assert payref.check_character("0000001") == "Y"
    assert payref.new_reference("0000001") == "MC0000001Y"


@pytest.mark.parametrize("position", range(2, 10))
def test_every_single_character_typo_is_caught(position: int) -> None:
    reference = payref.new_reference("7K3P9QX")
    for char in payref.ALPHABET:
        if char != reference[position]:
            typo = reference[:position] + char + reference[position + 1 :]
            assert not payref.is_valid(typo), typo


def test_swapping_two_different_neighbours_is_caught() -> None:
    reference = payref.new_reference("7K3P9QX")
    for position in range(2, 9):
        a, b = reference[position], reference[position + 1]
        if a != b:
            swapped = reference[:position] + b + a + reference[position + 2 :]
            assert not payref.is_valid(swapped), swapped


@pytest.mark.parametrize(
    "content",
    [
        "{ref}",
        "{lower}",
        "MBVCB.3278841.{ref}.CT tu 0011004123456 NGUYEN VAN AN toi 113366668888",
        "IBFT {ref} thanh toan phi",
        "{spaced} chuyen tien",
        "TKThe :0123, tai VCB. {ref}-nop phi ho so",
        "{ref}NGUYEN THI HOA",
    ],
)
def test_the_reference_is_found_whatever_the_bank_does_to_the_content(content: str) -> None:
    reference = payref.new_reference("7K3P9QX")
    text = content.format(
        ref=reference,
        lower=reference.lower(),
        spaced=" ".join(reference[i : i + 3] for i in range(0, 10, 3)),
    )
    assert reference in payref.find_references(text)


def test_look_alike_letters_read_as_digits() -> None:
    reference = payref.new_reference("1010000")
    typed = "MC" + reference[2:].replace("1", "l").replace("0", "O")
    assert payref.find_references(f"nop phi {typed}") == [reference]


def test_nothing_is_found_in_content_without_a_valid_reference() -> None:
    reference = payref.new_reference("7K3P9QX")
    broken = reference[:-1] + ("A" if reference[-1] != "A" else "B")
    assert payref.find_references(f"thanh toan {broken} ho so H12.34-250101-0001") == []
    assert payref.find_references("") == []


def test_two_references_in_one_transfer_are_both_found_once_each() -> None:
    first, second = payref.new_reference("AAAAAAA"), payref.new_reference("BBBBBBB")
    found = payref.find_references(f"{first} {second} {first}")
    assert found == [first, second]


def test_references_are_random_enough_not_to_repeat() -> None:
    seen = {payref.new_reference() for _ in range(5000)}
    assert len(seen) == 5000
    assert all(payref.is_valid(reference) for reference in itertools.islice(seen, 200))
