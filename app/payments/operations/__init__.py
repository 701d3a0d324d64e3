"""Writes of the payments domain (flush only; the request commits).

:func:`record_payment` is the one way money is booked, whatever brought it (a matched transfer,
cash at the counter, cash the post office took at the door): every payment gets its fee
receipt number, the dossier's ``fee_state`` follows the sum of what was paid, and the dossier's
timeline says so.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.core import clock
from app.dossiers.events import log_event
from app.dossiers.models import Dossier
from app.extensions import db
from app.payments.models import METHOD_LABELS, IncomingTransfer, Payment, Refund


def receipt_number(payment: Payment, unit_code: str) -> str:
    """The fee receipt's number: the unit, the year, and a serial unique across units."""
    return f"BLP-{unit_code}-{payment.at:%Y}-{payment.id:07d}"


def paid_so_far(dossier: Dossier) -> int:
    """What was paid for ``dossier`` and not given back (a refund may give back part of a
    payment: what was paid twice over the fee)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Payment.amount - func.coalesce(Refund.amount, 0)), 0))
        .outerjoin(Refund, Refund.payment_id == Payment.id)
        .where(Payment.dossier_id == dossier.id)
    )
    return int(total or 0)


def record_payment(
    dossier: Dossier,
    *,
    method: str,
    amount: int,
    staff: User | None = None,
    transfer: IncomingTransfer | None = None,
    postal_payment_id: int | None = None,
    client_token: str | None = None,
    payer_name: str = "",
    note: str = "",
    ip: str = "",
) -> Payment:
    """Book ``amount`` đồng for ``dossier`` and settle its fee once the sum covers it.

    The unique keys on ``transfer_id``, ``postal_payment_id`` and ``client_token`` make a
    second booking of the same money fail in the database; callers that may retry look for
    the existing payment first.
    """
    if method not in METHOD_LABELS:
        raise ValueError(f"unknown payment method {method!r}")
    if amount <= 0:
        raise ValueError("a payment is a positive amount")
    payment = Payment(
        receipt_number=f"tmp-{clock.now():%Y%m%d%H%M%S%f}-{dossier.id}",
        dossier_id=dossier.id,
        unit_id=dossier.receiving_unit_id,
        procedure_id=dossier.procedure_id,
        method=method,
        channel=dossier.intake_channel,
        amount=amount,
        payer_name=(payer_name or dossier.applicant_name)[:120],
        at=clock.now(),
        staff_id=staff.id if staff else None,
        transfer_id=transfer.id if transfer else None,
        postal_payment_id=postal_payment_id,
        client_token=client_token,
        note=note,
    )
    db.session.add(payment)
    db.session.flush()
    payment.receipt_number = receipt_number(payment, dossier.receiving_unit.code)
    if dossier.fee_state in ("due", "refunded") and paid_so_far(dossier) >= dossier.fee_amount:
        dossier.fee_state = "paid"
    log_event(
        dossier,
        staff,
        "fee_paid",
        dossier.status,
        dossier.status,
        note=f"{amount:,} đồng".replace(",", ".") + f", {METHOD_LABELS[method].lower()}, "
        f"biên lai số {payment.receipt_number}",
        ip=ip,
        data={"payment_id": payment.id},
    )
    db.session.flush()
    return payment
