"""The citizen's payment page: what the dossier owes, when, and how to pay it (a VietQR code to
scan, the account, amount and reference as text to type, or cash and where). Works without
JavaScript; the owner sees it, and so does the helper who filed the dossier for them."""

from __future__ import annotations

from flask import Blueprint

from app.core.htmx import render
from app.core.permissions import require
from app.dossiers.fees import fee_instructions
from app.dossiers.statuses import FEE_STATE_LABELS
from app.payments.policy import payable_or_404

bp = Blueprint("payments", __name__)


@bp.route("/ho-so/<id:dossier_id>/nop-phi")
@require()
def pay(dossier_id: int):
    dossier = payable_or_404(dossier_id)
    return render(
        "payments/pay.html",
        dossier=dossier,
        fee=fee_instructions(dossier),
        state_label=FEE_STATE_LABELS.get(dossier.fee_state, ""),
    )
