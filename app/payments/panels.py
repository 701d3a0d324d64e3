"""The payments' part of a dossier's pages (registered in app/payments/__init__.py): the
officer's fee panel (what is owed, the payments with their receipts, cash at the counter and
the exemption); for the owner, what is owed, the way to pay it and the receipts of what they
paid; on the journey's check step, what this way of sending costs."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from app.core.roles import Permission, has_permission
from app.dossiers.fees import fee_instructions
from app.dossiers.models import Dossier
from app.dossiers.statuses import FEE_STATE_LABELS, fee_channel
from app.payments.forms import CashForm, ExemptionForm, cash_form, exemption_form
from app.payments.operations.cash import amount_owed
from app.payments.queries import payments_of


def staff(
    dossier: Dossier, cash: CashForm | None = None, exemption: ExemptionForm | None = None
) -> dict[str, Any] | None:
    """The back office's fee panel; nothing for a dossier that never owed anything."""
    payments = payments_of(dossier)
    if not dossier.fee_state and not payments:
        return None
    may = has_permission(current_user, Permission.RECEIVE)
    owed = amount_owed(dossier)
    return {
        "state": dossier.fee_state,
        "state_label": FEE_STATE_LABELS.get(dossier.fee_state, ""),
        "payments": payments,
        "owed": owed,
        "can_collect": may and owed > 0,
        "can_exempt": may and dossier.fee_state == "due" and not payments,
        "cash_form": cash or cash_form(owed=owed),
        "exemption_form": exemption or exemption_form(),
        "open": cash is not None and "cash" or exemption is not None and "exempt" or "",
    }


def citizen(dossier: Dossier) -> dict[str, Any] | None:
    """The owner's page: the fee's state, the way to the payment page while it is due, and
    the receipts of what was paid (the owner's own; a helper sees the state only)."""
    payments = payments_of(dossier) if dossier.owner_id == current_user.id else []
    if not dossier.fee_state and not payments:
        return None
    return {
        "fee": fee_instructions(dossier),
        "state_label": FEE_STATE_LABELS.get(dossier.fee_state, ""),
        "amount": dossier.fee_amount,
        "payments": payments,
    }


def check(dossier: Dossier) -> dict[str, Any] | None:
    """The journey's last step, under "Gửi giấy tờ": the fee this way of sending costs, when it
    is paid, and how; for a dossier sent back for more, the fee still due."""
    procedure = dossier.procedure
    if not dossier.is_draft:
        return citizen(dossier)
    if not procedure.charges_fee or not dossier.intake_channel:
        return None
    return {
        "fee": None,
        "amount": procedure.fee_for(fee_channel(dossier.intake_channel)),
        "timing": procedure.fee_timing_label,
    }
