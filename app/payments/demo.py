"""Demo data of the payments domain: the receipts of the demo dossiers paid at the counter.

app/dossiers/demo.py leaves the dossiers it accepts "paid" (it knows no payments); here each
gets the counter payment the demo officer took, dated an hour before its acceptance, so its
staff page and the owner's page list a real receipt. Idempotent: a dossier with a payment is
left alone.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db
from app.payments.models import Payment
from app.payments.operations import record_payment

DEMO_OFFICER_PHONE = "0912000002"


def create_demo_payments() -> int:
    """A counter payment for every demo dossier left "paid" without one. Returns how many."""
    officer = db.session.scalar(select(User).filter_by(phone=DEMO_OFFICER_PHONE))
    if officer is None:
        return 0
    unpaid = db.session.scalars(
        select(Dossier)
        .where(Dossier.fee_state == "paid", Dossier.fee_amount > 0)
        .where(~select(Payment.id).where(Payment.dossier_id == Dossier.id).exists())
        .order_by(Dossier.id)
    ).all()
    real_now = clock.now()
    try:
        for dossier in unpaid:
            at = dossier.received_at or dossier.submitted_at or real_now
            clock.freeze(at - timedelta(hours=1) if dossier.received_at else at)
            record_payment(
                dossier,
                method="counter",
                amount=dossier.fee_amount,
                staff=officer,
                client_token=f"demo-{dossier.id}",
                note="Dữ liệu mẫu",
            )
    finally:
        clock.freeze(None)
    db.session.flush()
    return len(unpaid)
