"""Reads of the payments domain: a dossier's payments and its printed receipt; what matching
needs, and the reconciliation queue's pages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app import geo
from app.catalogue.models import CollectionAccount, Unit
from app.core.payref import is_valid
from app.documents.fee_receipt import PaymentReceipt
from app.documents.forms import FormHeader
from app.dossiers.models import Dossier
from app.dossiers.policy import staff_can_view
from app.dossiers.statuses import CLOSED_STATUSES
from app.extensions import db
from app.payments.matching import Candidate
from app.payments.models import IncomingTransfer, Payment, Refund


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


PAGE_SIZE = 50


def _ids(unit_ids: Iterable[int]) -> list[int]:
    return sorted(unit_ids) or [-1]


def digits(account_number: str) -> str:
    """An account number as stored: letters and digits only (banks print spaces, dots)."""
    return "".join(char for char in account_number if char.isalnum()).upper()


def _paid(dossier_ids: Sequence[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Payment.dossier_id, func.sum(Payment.amount))
        .outerjoin(Refund, Refund.payment_id == Payment.id)
        .where(Payment.dossier_id.in_(dossier_ids), Refund.id.is_(None))
        .group_by(Payment.dossier_id)
    )
    return {dossier_id: int(total or 0) for dossier_id, total in rows}


def candidates(references: Sequence[str], lock: bool = False) -> list[Candidate]:
    """The dossiers ``references`` name, for :func:`app.payments.matching.decide`. ``lock``
    holds their rows until the commit (PostgreSQL), so two transfers for one dossier are
    decided one after the other."""
    if not references:
        return []
    stmt = (
        select(Dossier).where(Dossier.payment_reference.in_(list(references))).order_by(Dossier.id)
    )
    if lock:
        stmt = stmt.with_for_update(of=Dossier)
    dossiers = list(db.session.scalars(stmt))
    paid = _paid([d.id for d in dossiers])
    accounts = dict(
        db.session.execute(
            select(CollectionAccount.unit_id, CollectionAccount.account_number).where(
                CollectionAccount.unit_id.in_(_ids(d.receiving_unit_id or -1 for d in dossiers))
            )
        ).all()
    )
    return [
        Candidate(
            dossier_id=d.id,
            reference=d.payment_reference or "",
            unit_id=d.receiving_unit_id,
            fee_amount=d.fee_amount,
            fee_state=d.fee_state,
            paid=paid.get(d.id, 0),
            closed=d.status in CLOSED_STATUSES,
            account_number=accounts.get(d.receiving_unit_id, ""),
        )
        for d in dossiers
    ]


def unit_of_account(account_number: str) -> int | None:
    """The unit that collects into ``account_number``, if one does."""
    if not account_number:
        return None
    wanted = digits(account_number)
    for unit_id, number in db.session.execute(
        select(CollectionAccount.unit_id, CollectionAccount.account_number)
    ):
        if digits(number) == wanted:
            return unit_id
    return None


def transfer_by_id(source: str, external_id: str) -> IncomingTransfer | None:
    return db.session.scalar(
        select(IncomingTransfer).filter_by(source=source, external_id=external_id)
    )


def same_money(account_number: str, bank_reference: str) -> IncomingTransfer | None:
    """A transfer already known, from any source, with this bank reference in this account."""
    if not bank_reference:
        return None
    return db.session.scalars(
        select(IncomingTransfer)
        .filter_by(account_number=account_number, bank_reference=bank_reference)
        .order_by(IncomingTransfer.id)
    ).first()


def queue(unit_ids: frozenset[int], state: str = "review", before: int | None = None):  # type: ignore[no-untyped-def]
    """A page of the units' transfers in ``state``, newest first (keyset on the id)."""
    stmt = (
        select(IncomingTransfer)
        .options(joinedload(IncomingTransfer.dossier), joinedload(IncomingTransfer.resolved_by))
        .where(IncomingTransfer.unit_id.in_(_ids(unit_ids)), IncomingTransfer.state == state)
    )
    return _transfers_page(stmt, before)


def _transfers_page(stmt, before: int | None):  # type: ignore[no-untyped-def]
    """A page of ``stmt``'s transfers, newest first, before the id ``before`` (keyset), and
    the id the next page starts before (None: no more)."""
    stmt = stmt.order_by(IncomingTransfer.id.desc()).limit(PAGE_SIZE + 1)
    if before is not None:
        stmt = stmt.where(IncomingTransfer.id < before)
    rows = list(db.session.scalars(stmt))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].id if more and rows else None)


def counts(unit_ids: frozenset[int]) -> dict[str, int]:
    """How many transfers of the units are in each state."""
    rows = db.session.execute(
        select(IncomingTransfer.state, func.count())
        .where(IncomingTransfer.unit_id.in_(_ids(unit_ids)))
        .group_by(IncomingTransfer.state)
    )
    return {state: int(n) for state, n in rows}


def transfer_of_units(unit_ids: frozenset[int], transfer_id: int) -> IncomingTransfer | None:
    """The transfer, if it belongs to one of the units (None, a 404, otherwise)."""
    transfer = db.session.get(IncomingTransfer, transfer_id)
    if transfer is None or transfer.unit_id not in unit_ids:
        return None
    return transfer


def dossier_by_code(unit_ids: frozenset[int], code: str) -> Dossier | None:
    """A submitted dossier of the units by its code (typed: spaces and case forgiven)."""
    wanted = "".join(code.split()).upper()
    if not wanted:
        return None
    return db.session.scalar(
        select(Dossier).where(
            func.upper(Dossier.code) == wanted, Dossier.receiving_unit_id.in_(_ids(unit_ids))
        )
    )


def collection_accounts(unit_ids: frozenset[int]) -> list[CollectionAccount]:
    return list(
        db.session.scalars(
            select(CollectionAccount)
            .options(joinedload(CollectionAccount.unit))
            .where(CollectionAccount.unit_id.in_(_ids(unit_ids)))
            .order_by(CollectionAccount.unit_id)
        )
    )


def payment_of(transfer: IncomingTransfer) -> Payment | None:
    return db.session.scalar(select(Payment).filter_by(transfer_id=transfer.id))


# --- the administrator's transfers into accounts no unit collects into ---------------------------


def _unassigned():  # type: ignore[no-untyped-def]
    return IncomingTransfer.unit_id.is_(None) & (IncomingTransfer.state == "review")


def unassigned(waiting: bool = True, before: int | None = None):  # type: ignore[no-untyped-def]
    """A page, newest first: the transfers no unit's queue shows (``waiting``), or those the
    administrator already decided (sent to a unit, or marked not ours)."""
    where = _unassigned() if waiting else IncomingTransfer.routed_by_id.is_not(None)
    stmt = (
        select(IncomingTransfer)
        .options(joinedload(IncomingTransfer.unit), joinedload(IncomingTransfer.routed_by))
        .where(where)
    )
    return _transfers_page(stmt, before)


def unassigned_count() -> int:
    return int(db.session.scalar(select(func.count(IncomingTransfer.id)).where(_unassigned())) or 0)


def transfers_card() -> dict[str, int]:
    """The administration's home card: transfers that no unit's queue shows."""
    return {"waiting": unassigned_count()}


def administered_transfer(transfer_id: int) -> IncomingTransfer | None:
    """A transfer the administrator handles: one no unit collects, or one they decided."""
    transfer = db.session.get(IncomingTransfer, transfer_id)
    if transfer is None or (transfer.unit_id is not None and transfer.routed_by_id is None):
        return None
    return transfer


def unit_by_id(unit_id: int | None) -> Unit | None:
    return db.session.get(Unit, unit_id) if unit_id else None
