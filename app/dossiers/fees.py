"""What a dossier owes and how to pay it: the plain data (app/documents/fee.py) the payment
page, Mẫu 01 and the volunteer's guide show while the fee is due.

The amount and the reference were fixed at submission (``owe_fee``); the account is the
receiving unit's collection account as it is now, so a corrected account number reaches every
unpaid dossier's page and reprinted receipt. A dossier whose unit has no account, or whose
account a VietQR code cannot carry, is paid in cash: the instructions say where.
"""

from __future__ import annotations

from app.catalogue.models import FEE_TIMINGS
from app.core import vietqr
from app.documents.fee import FeeInstructions
from app.dossiers.models import Dossier
from app.dossiers.statuses import CLOSED_STATUSES, DossierStatus


def fee_is_due(dossier: Dossier) -> bool:
    """The citizen still has to pay: a fee is owed, unpaid, and the dossier is alive."""
    return (
        dossier.fee_state == "due"
        and dossier.fee_amount > 0
        and bool(dossier.payment_reference)
        and dossier.status not in CLOSED_STATUSES
        and dossier.status != DossierStatus.DRAFT
    )


def fee_instructions(dossier: Dossier) -> FeeInstructions | None:
    """How to pay ``dossier``'s fee, or None when nothing is due."""
    if not fee_is_due(dossier):
        return None
    unit = dossier.receiving_unit
    reference = dossier.payment_reference or ""
    cash = ", ".join(part for part in (unit.name, unit.address) if part)
    base = {
        "amount": dossier.fee_amount,
        "reference": reference,
        "timing": FEE_TIMINGS.get(dossier.procedure.fee_timing, ""),
        "cash_place": cash,
    }
    account = unit.collection_account
    if account is None:
        return FeeInstructions(**base)
    try:
        payload = vietqr.fee_payload(
            account.bank_bin, account.account_number, dossier.fee_amount, reference
        )
    except vietqr.PayloadError:
        # An account saved before the rules of app/catalogue/banks.py: cash only, not a 500.
        return FeeInstructions(**base)
    return FeeInstructions(
        **base,
        bank_name=account.bank_name,
        account_number=account.account_number,
        account_name=account.account_name,
        payload=payload,
    )
