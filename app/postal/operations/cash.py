"""The money a post worker takes for a dossier: the procedure fee and the postage, apart
(DOMAIN.md §8), one receipt each time something is paid. The fee is the dossier's money: it is
booked as the dossier's payment at once (app/payments/operations/cash.py), confirmed when the
officer receives the papers on the hand-over record. The worker types what was taken; a fee
above what the dossier still owes is refused (:func:`checked_fee`)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.accounts.models import User
from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db
from app.payments.operations.cash import amount_owed, take_post_cash
from app.postal.errors import PostalError
from app.postal.models import PostalPayment, PostOffice, Shipment


def checked_amount(value: int | None, field: str) -> int:
    """An amount in đồng as typed: zero or more."""
    if value is None or value < 0:
        raise PostalError("Số tiền phải là số không âm (đồng).", field)
    return int(value)


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def checked_fee(dossier: Dossier, value: int | None) -> int:
    """The fee as the worker typed it: zero or more, and no more than the dossier still owes
    (a VietQR transfer or the counter may have paid it since the stop was planned). The
    dossier's row is held until the commit, so a payment booked meanwhile is seen."""
    fee = checked_amount(value, "fee")
    if fee == 0:
        return 0
    db.session.execute(select(Dossier.id).where(Dossier.id == dossier.id).with_for_update())
    owed = amount_owed(dossier)
    if owed == 0:
        raise PostalError(
            "Hồ sơ không còn khoản phí, lệ phí nào phải nộp (đã nộp hoặc được miễn): "
            "vui lòng ghi 0 đồng và không thu tiền phí của người dân.",
            "fee",
        )
    if fee > owed:
        raise PostalError(
            f"Số tiền phí, lệ phí không được vượt quá {_money(owed)} đồng hồ sơ còn phải nộp. "
            "Vui lòng kiểm tra lại số tiền đã thu.",
            "fee",
        )
    return fee


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
