"""What one transfer means (app/payments/matching.py): pure, no app, no database."""

from __future__ import annotations

import pytest

from app.core import payref
from app.payments.matching import Candidate, Outcome, decide

REF_A = payref.new_reference("7K3P9QX")
REF_B = payref.new_reference("H40TRY2")
ACCOUNT = "0071000888999"


def owing(reference: str = REF_A, dossier_id: int = 11, **fields) -> Candidate:  # type: ignore[no-untyped-def]
    values = {
        "dossier_id": dossier_id,
        "reference": reference,
        "unit_id": 5,
        "fee_amount": 20_000,
        "fee_state": "due",
        "account_number": ACCOUNT,
    }
    values.update(fields)
    return Candidate(**values)


@pytest.mark.parametrize(
    ("amount", "candidate", "expected"),
    [
        (20_000, owing(), Outcome("matched", "", 11, 5)),
        (19_999, owing(), Outcome("review", "underpaid", 11, 5)),
        (10_000, owing(), Outcome("review", "underpaid", 11, 5)),
        (20_001, owing(), Outcome("review", "overpaid", 11, 5)),
        (40_000, owing(), Outcome("review", "overpaid", 11, 5)),
        # Half paid before (at the counter, or an earlier transfer): the rest is exact.
        (8_000, owing(paid=12_000), Outcome("matched", "", 11, 5)),
        (20_000, owing(paid=12_000), Outcome("review", "overpaid", 11, 5)),
        # A fee paid already, or waived: a second transfer is money to give back.
        (20_000, owing(fee_state="paid", paid=20_000), Outcome("review", "settled", 11, 5)),
        (20_000, owing(fee_state="exempt"), Outcome("review", "settled", 11, 5)),
        (20_000, owing(paid=20_000), Outcome("review", "settled", 11, 5)),
        # Nothing owed any more: a free procedure, a closed dossier.
        (20_000, owing(fee_state="", fee_amount=0), Outcome("review", "not_due", 11, 5)),
        (20_000, owing(closed=True), Outcome("review", "not_due", 11, 5)),
        # Into another unit's account: that unit must hand it back or over.
        (
            20_000,
            owing(account_number="1903 5555 0001"),
            Outcome("review", "account", 11, 5),
        ),
        # The unit has no collection account on file: the reference decides.
        (20_000, owing(account_number=""), Outcome("matched", "", 11, 5)),
    ],
)
def test_one_candidate(amount: int, candidate: Candidate, expected: Outcome) -> None:
    assert decide([REF_A], amount, [candidate], ACCOUNT) == expected


def test_the_account_number_as_banks_print_it_is_the_same_account() -> None:
    assert decide([REF_A], 20_000, [owing()], "0071 000 888 999").matched
    assert decide([REF_A], 20_000, [owing()], "").matched  # a statement without its account


@pytest.mark.parametrize(
    ("references", "candidates", "problem"),
    [
        ([], [], "unknown"),
        ([REF_A], [], "unknown"),  # a valid reference that no dossier has
        ([REF_B], [owing(REF_A)], "unknown"),  # candidates not named are ignored
        ([REF_A, REF_B], [owing(REF_A, 11), owing(REF_B, 12)], "ambiguous"),
    ],
)
def test_no_dossier_or_two_need_a_person(
    references: list[str], candidates: list[Candidate], problem: str
) -> None:
    outcome = decide(references, 20_000, candidates, ACCOUNT)
    assert outcome == Outcome("review", problem)
    assert not outcome.matched


def test_a_reference_named_twice_or_beside_an_unknown_one_is_one_dossier() -> None:
    assert decide([REF_A, REF_A], 20_000, [owing()], ACCOUNT).matched
    assert decide([REF_B, REF_A], 20_000, [owing(REF_A)], ACCOUNT).matched


def test_from_noisy_content_to_the_outcome() -> None:
    """The references payref finds in contents as banks pass them on, then the decision."""
    contents = [
        f"MBVCB.12345678.{REF_A}.NGUYEN THI HOA chuyen tien",
        f"IBFT {REF_A.lower()} nop le phi thuong tru",
        f"{REF_A[:2]} {REF_A[2:6]} {REF_A[6:]} Nguyễn Thị Hoa nộp phí",
        f"TKThe :0071000888999, tai VCB. {REF_A}-Hoa",
    ]
    for content in contents:
        found = payref.find_references(content)
        assert decide(found, 20_000, [owing()], ACCOUNT).matched, content
    typo = REF_A[:-1] + ("0" if REF_A[-1] != "0" else "1")  # wrong check character
    assert decide(payref.find_references(f"ND {typo}"), 20_000, [owing()], ACCOUNT).problem == (
        "unknown"
    )
