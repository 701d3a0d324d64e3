"""The payments domain's part of a dossier's pages (registered in app/payments/__init__.py)."""

from __future__ import annotations

from typing import Any

from app.dossiers.fees import fee_instructions
from app.dossiers.models import Dossier
from app.dossiers.statuses import FEE_STATE_LABELS, fee_channel


def citizen(dossier: Dossier) -> dict[str, Any] | None:
    """The owner's page: the fee's state, and the way to the payment page while it is due."""
    if not dossier.fee_state:
        return None
    return {
        "fee": fee_instructions(dossier),
        "state_label": FEE_STATE_LABELS.get(dossier.fee_state, ""),
        "amount": dossier.fee_amount,
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
