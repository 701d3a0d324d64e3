"""The books' part of the back office's dossier page: each payment, its refund, and a link
to refund it when the rules allow (registered in app/payments/__init__.py)."""

from __future__ import annotations

from typing import Any

from app.dossiers.models import Dossier
from app.payments.books import dossier_payments
from app.payments.operations.refunds import case_of


def staff(dossier: Dossier) -> dict[str, Any] | None:
    payments = dossier_payments(dossier.id)
    if not payments:
        return None
    return {"payments": [(payment, case_of(payment)) for payment in payments]}
