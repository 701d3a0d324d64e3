"""Demo data of the payments domain: the receipts of the demo dossiers paid at the counter,
and one transfer waiting in the demo officer's reconciliation queue.

app/dossiers/demo.py leaves the dossiers it accepts "paid" (it knows no payments); here each
gets the counter payment the demo officer took, dated an hour before its acceptance, so its
staff page and the owner's page list a real receipt. Idempotent: a dossier with a payment is
left alone.

The transfer is a bank transfer of half the fee naming a demo dossier that owes one (the
citizen typed the wrong amount): it goes through the matching a real transfer goes through
(:func:`app.payments.operations.transfers.receive`) and waits as "underpaid". It has a fixed
id at its source, so seeding again finds it and adds nothing, even once an officer resolved it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import CollectionAccount
from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db
from app.payments.models import Payment
from app.payments.operations import record_payment

DEMO_OFFICER_PHONE = "0912000002"
DEMO_CITIZEN_PHONE = "0912000001"
DEMO_TRANSFER_ID = "demo-underpaid-1"


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


def _owing_demo_dossier() -> Dossier | None:
    """The demo citizen's first dossier that owes its fee, in a unit of the demo officer."""
    owner = db.session.scalar(select(User).filter_by(phone=DEMO_CITIZEN_PHONE))
    officer = db.session.scalar(select(User).filter_by(phone=DEMO_OFFICER_PHONE))
    if owner is None or officer is None or not officer.unit_ids:
        return None
    return db.session.scalars(
        select(Dossier)
        .where(
            Dossier.owner_id == owner.id,
            Dossier.fee_state == "due",
            Dossier.fee_amount > 1,
            Dossier.payment_reference.is_not(None),
            Dossier.receiving_unit_id.in_(sorted(officer.unit_ids)),
        )
        .order_by(Dossier.id)
    ).first()


def create_demo_transfer() -> int:
    """An underpaid transfer for a demo dossier, waiting for the demo officer. Returns 1 when
    it was added, 0 when it is there already (or there is no dossier owing a fee)."""
    from app.payments.operations.transfers import Reported, receive

    dossier = _owing_demo_dossier()
    if dossier is None:
        return 0
    account = db.session.scalar(
        select(CollectionAccount).filter_by(unit_id=dossier.receiving_unit_id)
    )
    half = dossier.fee_amount // 2
    received = receive(
        Reported(
            source="sepay",
            external_id=DEMO_TRANSFER_ID,
            account_number=account.account_number if account else "",
            amount=half,
            content=f"{dossier.payment_reference} NGUYEN THI HOA NOP LE PHI",
            bank=account.bank_name if account else "",
            bank_reference="FT26DEMO0001",
            transferred_at=clock.now() - timedelta(minutes=20),
            raw={"demo": True},
        )
    )
    db.session.flush()
    return 0 if received.duplicate else 1
