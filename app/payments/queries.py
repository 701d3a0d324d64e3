"""Reads of the payments domain: a dossier's payments, one payment as its owner or its unit's
staff may see it, and the printed receipt's data."""

from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import geo
from app.core.payref import is_valid
from app.documents.fee_receipt import PaymentReceipt
from app.documents.forms import FormHeader
from app.dossiers.models import Dossier
from app.dossiers.policy import staff_can_view
from app.extensions import db
from app.payments.models import Payment


def payments_of(dossier: Dossier) -> list[Payment]:
    """The dossier's payments, oldest first, with who took them."""
    return list(
        db.session.scalars(
            select(Payment)
            .where(Payment.dossier_id == dossier.id)
            .options(selectinload(Payment.staff), selectinload(Payment.refund))
            .order_by(Payment.at, Payment.id)
        )
    )


def receipt_or_404(dossier_id: int, payment_id: int) -> Payment:
    """A payment of ``dossier_id`` that the signed-in user may print: the dossier's owner, or
    staff of its units. Anyone else (other citizens, helpers, the post office) gets 404."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.dossier_id != dossier_id:
        abort(404)
    dossier = payment.dossier
    if dossier.owner_id != current_user.id and not staff_can_view(current_user, dossier):
        abort(404)
    return payment


def _reference(payment: Payment) -> str:
    """What ties a transfer to the dossier: the bank's reference, else the payment reference."""
    if payment.method != "vietqr":
        return ""
    if payment.transfer is not None and payment.transfer.bank_reference:
        return payment.transfer.bank_reference
    reference = payment.dossier.payment_reference or ""
    return reference if is_valid(reference) else ""


def _confirmation(payment: Payment) -> str:
    if payment.method != "post":
        return ""
    if payment.confirmed_at is None:
        return "Chờ đơn vị xác nhận khi nhận hồ sơ theo biên bản giao nhận."
    at = f"{payment.confirmed_at:%H:%M, %d/%m/%Y}"
    return f"Đơn vị đã nhận tiền cùng hồ sơ theo biên bản giao nhận lúc {at}."


def receipt_document(payment: Payment) -> PaymentReceipt:
    dossier = payment.dossier
    unit = payment.unit
    province = dict(geo.provinces()).get(current_app.config["PROVINCE_CODE"], "")
    return PaymentReceipt(
        header=FormHeader(
            issuing_body_parent=unit.parent_name or "",
            issuing_body=unit.name,
            number=payment.receipt_number,
            place=province,
            issued_at=payment.at,
        ),
        receipt_number=payment.receipt_number,
        payer_name=payment.payer_name or dossier.applicant_name,
        payer_address=geo.address_line(
            dossier.address_street, dossier.address_village, dossier.address_commune_code
        ),
        dossier_code=dossier.code or "",
        procedure_name=payment.procedure.name,
        method_label=payment.method_label,
        amount=payment.amount,
        paid_at=payment.at,
        staff_name=payment.staff.full_name if payment.staff else "",
        reference=_reference(payment),
        confirmation=_confirmation(payment),
    )
