"""Money given back (flush only; the request commits).

A refund is one per payment (a unique key), recorded by an officer of the unit whose books
the payment is in, with who, when, why and how much; the dossier's timeline says so and the
citizen gets a message through the outbox. The rules of when and how much are in
app/payments/refund_rules.py.
"""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.core import clock
from app.core.errors import Conflict, Invalid
from app.dossiers.events import log_event
from app.dossiers.notices import notify
from app.extensions import db
from app.payments.models import Payment, Refund
from app.payments.operations import paid_so_far
from app.payments.refund_rules import RefundCase, refund_case, refund_refusal


def case_of(payment: Payment) -> RefundCase | None:
    """Why ``payment`` may be given back now and at most how much, or None."""
    dossier = payment.dossier
    return refund_case(
        status=dossier.status,
        fee_amount=dossier.fee_amount,
        paid=paid_so_far(dossier),
        amount=payment.amount,
        refunded=payment.refund is not None,
    )


def _locked(payment: Payment) -> Payment:
    """The payment again, its row locked until the request ends (PostgreSQL): two officers
    refunding it at once queue, and the second finds the first one's refund."""
    return db.session.scalars(
        select(Payment)
        .where(Payment.id == payment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def record_refund(payment: Payment, *, amount: int, note: str, staff: User, ip: str = "") -> Refund:
    """Give back ``amount`` đồng of ``payment``; :class:`Conflict` if it was refunded already,
    :class:`Invalid` (on the field it names) if the rules refuse."""
    payment = _locked(payment)
    db.session.refresh(payment, ["refund"])
    if payment.refund is not None:
        raise Conflict(
            f"Biên lai {payment.receipt_number} đã được hoàn trả lúc "
            f"{payment.refund.at:%H:%M ngày %d/%m/%Y}.",
            "amount",
        )
    case = case_of(payment)
    problem = refund_refusal(case, amount)
    if case is None or problem:
        raise Invalid(problem, "amount" if case is not None else "")
    refund = Refund(
        payment_id=payment.id,
        amount=amount,
        reason=f"{case.label}. {note.strip()}".strip(),
        staff_id=staff.id,
        at=clock.now(),
    )
    db.session.add(refund)
    db.session.flush()
    dossier = payment.dossier
    if paid_so_far(dossier) <= 0 and dossier.fee_state in ("paid", "due"):
        dossier.fee_state = "refunded"
    log_event(
        dossier,
        staff,
        "fee_refunded",
        dossier.status,
        dossier.status,
        note=f"{amount:,} đồng".replace(",", ".")
        + f" của biên lai số {payment.receipt_number}. {refund.reason}",
        ip=ip,
        data={"payment_id": payment.id, "refund_id": refund.id},
    )
    notify(dossier, "fee_refunded", reason=refund.reason)
    db.session.flush()
    return refund
