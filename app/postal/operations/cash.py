"""The money a post worker takes for a dossier: the procedure fee and the postage, apart
(DOMAIN.md §8), one receipt each time something is paid. The fee is the dossier's money: it is
booked as the dossier's payment at once (app/payments/operations/cash.py), confirmed when the
officer receives the papers on the hand-over record."""

from __future__ import annotations

import uuid

from app.accounts.models import User
from app.core import clock
from app.extensions import db
from app.payments.operations.cash import take_post_cash
from app.postal.errors import PostalError
from app.postal.models import PostalPayment, PostOffice, Shipment


def checked_amount(value: int | None, field: str) -> int:
    """An amount in đồng as typed: zero or more."""
    if value is None or value < 0:
        raise PostalError("Số tiền phải là số không âm (đồng).", field)
    return int(value)


def record_payment(
    shipment: Shipment, staff: User, fee: int, postage: int, office: PostOffice
) -> PostalPayment | None:
    """One receipt for what was taken now; nothing when nothing was paid."""
    if fee + postage == 0:
        return None
    payment = PostalPayment(
        receipt_number=f"tmp-{uuid.uuid4().hex}",
        post_office_id=office.id,
        staff_id=staff.id,
        shipment_id=shipment.id,
        dossier_id=shipment.dossier_id,
        procedure_id=shipment.dossier.procedure_id,
        fee=fee,
        postage=postage,
        at=clock.now(),
    )
    db.session.add(payment)
    db.session.flush()
    payment.receipt_number = f"BL-{office.code}-{payment.id:07d}"
    if fee:
        take_post_cash(shipment.dossier, payment.id, staff, fee)
    return payment
