"""What one incoming transfer means: the dossier it pays, or why a person must look at it.

The bank tells us an amount and a content; the content may carry payment references
(app/core/payref.py finds them). The references lead to candidate dossiers; :func:`decide`
compares the amount with what the one candidate still owes. Only an exact amount for exactly
one dossier that owes it, paid into that dossier's unit's own collection account, is booked
automatically; everything else goes to the reconciliation queue with the reason (a problem of
``app.payments.models.PROBLEM_LABELS``), so an officer resolves it with a note.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Fee states of a dossier (app/dossiers/statuses.py FEE_STATE_LABELS) with nothing left owed.
SETTLED = frozenset({"paid", "exempt"})


@dataclass(frozen=True)
class Candidate:
    """A dossier a reference in the content names, as far as matching needs it."""

    dossier_id: int
    reference: str
    unit_id: int | None
    fee_amount: int
    fee_state: str
    paid: int = 0  # already paid for it and not refunded
    closed: bool = False  # refused, withdrawn, stopped, returned
    # The collection account of the dossier's unit ("" when the unit has none).
    account_number: str = ""

    @property
    def outstanding(self) -> int:
        return max(self.fee_amount - self.paid, 0)


@dataclass(frozen=True)
class Outcome:
    state: str  # "matched" | "review" (app/payments/models.py TRANSFER_STATES)
    problem: str = ""  # PROBLEM_LABELS key; "" when matched
    dossier_id: int | None = None  # the dossier paid, or the one named when it needs a person
    unit_id: int | None = None

    @property
    def matched(self) -> bool:
        return self.state == "matched"


def _review(problem: str, candidate: Candidate | None = None) -> Outcome:
    if candidate is None:
        return Outcome("review", problem)
    return Outcome("review", problem, candidate.dossier_id, candidate.unit_id)


def _digits(account_number: str) -> str:
    return "".join(char for char in account_number if char.isalnum()).upper()


def decide(
    references: Sequence[str],
    amount: int,
    candidates: Sequence[Candidate],
    account_number: str = "",
) -> Outcome:
    """The outcome of a transfer of ``amount`` đồng into ``account_number`` whose content held
    ``references`` (in order), given the dossiers those references name (``candidates``, in
    any order; references naming no dossier have none)."""
    named = {c.reference: c for c in candidates if c.reference in references}
    dossiers = {c.dossier_id: c for c in named.values()}
    if not dossiers:
        return _review("unknown")
    if len(dossiers) > 1:
        return _review("ambiguous")
    (candidate,) = dossiers.values()
    if (
        account_number
        and candidate.account_number
        and _digits(account_number) != _digits(candidate.account_number)
    ):
        return _review("account", candidate)
    if candidate.closed or candidate.fee_amount <= 0 or candidate.fee_state == "":
        return _review("not_due", candidate)
    if candidate.fee_state in SETTLED or candidate.outstanding == 0:
        return _review("settled", candidate)
    if amount < candidate.outstanding:
        return _review("underpaid", candidate)
    if amount > candidate.outstanding:
        return _review("overpaid", candidate)
    return Outcome("matched", "", candidate.dossier_id, candidate.unit_id)
