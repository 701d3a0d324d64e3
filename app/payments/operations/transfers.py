"""Money that arrives by bank: a transfer reported by SePay or read from a statement is kept
once, matched to its dossier by the reference in its content and its amount, and booked with
:func:`app.payments.operations.record_payment` when it is exact; otherwise it waits in the
reconciliation queue for an officer (:func:`resolve`).

Nothing is matched twice. A transfer is inserted with ``INSERT … ON CONFLICT DO NOTHING`` on
its unique (source, external id): a retried webhook, or two copies posted at the same moment,
find the row there (on PostgreSQL the second insert waits for the first transaction and then
inserts nothing) and book nothing. The same money seen by both sources is recognised by the
bank's reference in that account. The dossiers a transfer names are locked while it is decided,
so two transfers for one dossier are decided one after the other, and an officer's resolution
is a guarded ``UPDATE … WHERE state = 'review'``. Everything here flushes only.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import User
from app.catalogue.models import CollectionAccount, Unit
from app.core import clock, payref
from app.core.errors import Conflict, Invalid
from app.core.text import normalise_spaces
from app.dossiers.models import Dossier
from app.dossiers.notices import notify
from app.extensions import db
from app.payments import queries
from app.payments.matching import decide
from app.payments.models import RESOLUTION_LABELS, IncomingTransfer, Payment
from app.payments.operations import record_payment
from app.payments.statements import Statement, fingerprint

NOTE_MIN_LENGTH = 5
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reported:
    """A transfer as a source reported it."""

    source: str  # sepay | statement
    external_id: str
    account_number: str
    amount: int
    content: str
    bank: str = ""
    bank_reference: str = ""
    transferred_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    transfer: IncomingTransfer
    duplicate: bool  # known before: nothing was done
    payment: Payment | None  # booked automatically (now, or when first received)


def _insert(values: dict[str, Any]) -> int | None:
    """Insert the transfer unless its (source, external id) exists; its id, or None."""
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        make(IncomingTransfer)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["source", "external_id"])
        .returning(IncomingTransfer.id)
    )
    return db.session.execute(stmt).scalar()


def _known(reported: Reported, account: str) -> IncomingTransfer | None:
    return queries.transfer_by_id(reported.source, reported.external_id) or queries.same_money(
        account, reported.bank_reference[:64]
    )


def receive(reported: Reported) -> Received:
    """Keep ``reported`` once and match it; a transfer known before is answered as it is."""
    if reported.amount <= 0:
        raise ValueError("a transfer in is a positive amount")
    account = queries.digits(reported.account_number)[:19]
    known = _known(reported, account)
    if known is None:
        new_id = _insert(
            {
                "source": reported.source,
                "external_id": reported.external_id[:64],
                "account_number": account,
                "bank": reported.bank[:60],
                "amount": reported.amount,
                "content": reported.content,
                "bank_reference": reported.bank_reference[:64],
                "transferred_at": reported.transferred_at,
                "received_at": clock.now(),
                "state": "review",
                "problem": "",
                "resolution": "",
                "resolution_note": "",
                "raw": reported.raw,
            }
        )
        if new_id is not None:
            transfer = db.session.get_one(IncomingTransfer, new_id)
            return Received(transfer, False, match(transfer))
        known = queries.transfer_by_id(reported.source, reported.external_id[:64])
    assert known is not None
    return Received(known, True, queries.payment_of(known))


def amount_text(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _book(
    transfer: IncomingTransfer, dossier: Dossier, staff: User | None, note: str, ip: str = ""
) -> Payment:
    payment = record_payment(
        dossier,
        method="vietqr",
        amount=transfer.amount,
        staff=staff,
        transfer=transfer,
        note=note,
        ip=ip,
    )
    if dossier.code:
        notify(dossier, "fee_paid", amount=amount_text(transfer.amount))
    return payment


def match(transfer: IncomingTransfer) -> Payment | None:
    """Decide what ``transfer`` pays; book it when it is exact, else leave it for review."""
    # SePay's own detected code (an account may be set to detect one) counts as content too.
    detected = (transfer.raw or {}).get("code") if transfer.source == "sepay" else ""
    references = payref.find_references(f"{transfer.content} {detected or ''}")
    found = queries.candidates(references, lock=True)
    outcome = decide(references, transfer.amount, found, transfer.account_number)
    transfer.state, transfer.problem = outcome.state, outcome.problem
    transfer.dossier_id = outcome.dossier_id
    transfer.unit_id = queries.unit_of_account(transfer.account_number) or outcome.unit_id
    if transfer.unit_id is None:
        # No unit's queue shows it: it waits on the administrator's page (:func:`route`), who
        # sends it to a unit or marks it not ours, and adds the account if it is a unit's.
        log.warning(
            "transfer %s (%s) into an account no unit collects into", transfer.id, transfer.source
        )
    db.session.flush()
    if not outcome.matched:
        return None
    dossier = db.session.get_one(Dossier, outcome.dossier_id)
    where = f" {transfer.bank}" if transfer.bank else ""
    ref = f", mã giao dịch {transfer.bank_reference}" if transfer.bank_reference else ""
    return _book(transfer, dossier, None, f"Chuyển khoản{where}{ref}, khớp tự động")


@dataclass
class Imported:
    new: int = 0
    matched: int = 0
    review: int = 0
    known: int = 0
    skipped: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def import_statement(
    account: CollectionAccount, statement: Statement, staff: User, file_name: str = ""
) -> Imported:
    """Receive every credit of a statement of ``account``; importing it again adds nothing."""
    result = Imported(skipped=statement.skipped, problems=list(statement.problems))
    number = queries.digits(account.account_number)
    seen: Counter[tuple[Any, ...]] = Counter()
    for row in statement.rows:
        if row.reference:
            external_id = f"{number}:{row.reference}"
        else:
            key = (row.transferred_at, row.amount, row.content)
            external_id, seen[key] = fingerprint(number, row, seen[key]), seen[key] + 1
        received = receive(
            Reported(
                source="statement",
                external_id=external_id,
                account_number=number,
                amount=row.amount,
                content=row.content,
                bank=account.bank_name,
                bank_reference=row.reference,
                transferred_at=row.transferred_at,
                raw={"file": file_name[:120], "line": row.line, "imported_by": staff.id},
            )
        )
        if received.duplicate:
            result.known += 1
        else:
            result.new += 1
            result.matched += received.transfer.state == "matched"
            result.review += received.transfer.state == "review"
    return result


def resolve(
    transfer: IncomingTransfer,
    staff: User,
    resolution: str,
    note: str,
    dossier: Dossier | None = None,
    ip: str = "",
) -> Payment | None:
    """An officer's decision on a transfer in review: book it to ``dossier``, or record that
    it was returned to the sender or is not the unit's fee. Raises Invalid (422), Conflict
    (409: another officer resolved it first)."""
    if resolution not in RESOLUTION_LABELS:
        raise Invalid("Vui lòng chọn cách xử lý.", "resolution")
    note = normalise_spaces(note)
    if len(note) < NOTE_MIN_LENGTH:
        raise Invalid("Vui lòng ghi rõ căn cứ xử lý (ít nhất 5 ký tự).", "note")
    if resolution == "booked":
        _check_bookable(dossier)
    done = db.session.execute(
        update(IncomingTransfer)
        .where(IncomingTransfer.id == transfer.id, IncomingTransfer.state == "review")
        .values(
            state="resolved",
            resolution=resolution,
            resolution_note=note,
            resolved_by_id=staff.id,
            resolved_at=clock.now(),
            dossier_id=dossier.id if dossier is not None else transfer.dossier_id,
        )
    )
    if done.rowcount != 1:
        raise Conflict("Khoản chuyển này đã được xử lý trước đó. Vui lòng tải lại trang.")
    db.session.refresh(transfer)
    if resolution != "booked" or dossier is None:
        return None
    return _book(transfer, dossier, staff, f"Đối soát: {note}", ip)


def _check_bookable(dossier: Dossier | None) -> None:
    if dossier is None:
        raise Invalid(
            "Không tìm thấy hồ sơ có mã này tại đơn vị của Ông/Bà. Vui lòng kiểm tra lại mã hồ sơ.",
            "dossier_code",
        )
    if dossier.fee_amount <= 0 or dossier.fee_state in ("", "exempt"):
        raise Invalid(
            f"Hồ sơ {dossier.code} không phải nộp phí, lệ phí: không thể ghi khoản chuyển này "
            "cho hồ sơ. Hãy chọn hoàn trả người chuyển.",
            "dossier_code",
        )


ROUTES = {
    "unit": "Đã chuyển cho đơn vị đối soát",
    "not_ours": RESOLUTION_LABELS["not_ours"],
}


def route(
    transfer: IncomingTransfer, admin: User, decision: str, note: str, unit: Unit | None = None
) -> None:
    """The administrator's decision on a transfer into an account no unit collects into: send
    it to ``unit``'s reconciliation queue (its officers resolve it from there), or record that
    it is no unit's fee (resolved "not ours"). Either way with a note. Raises Invalid (422),
    Conflict (409: decided meanwhile)."""
    if decision not in ROUTES:
        raise Invalid("Vui lòng chọn cách xử lý.", "decision")
    note = normalise_spaces(note)
    if len(note) < NOTE_MIN_LENGTH:
        raise Invalid("Vui lòng ghi rõ căn cứ xử lý (ít nhất 5 ký tự).", "note")
    values: dict[str, Any] = {"routed_by_id": admin.id, "routed_at": clock.now()}
    if decision == "unit":
        if unit is None:
            raise Invalid("Vui lòng chọn đơn vị nhận khoản chuyển này.", "unit")
        values |= {"unit_id": unit.id, "routing_note": note}
    else:
        values |= {
            "state": "resolved",
            "resolution": "not_ours",
            "resolution_note": note,
            "resolved_by_id": admin.id,
            "resolved_at": values["routed_at"],
        }
    done = db.session.execute(
        update(IncomingTransfer)
        .where(
            IncomingTransfer.id == transfer.id,
            IncomingTransfer.state == "review",
            IncomingTransfer.unit_id.is_(None),
        )
        .values(**values)
    )
    if done.rowcount != 1:
        raise Conflict("Khoản chuyển này đã được xử lý trước đó. Vui lòng tải lại trang.")
    db.session.refresh(transfer)
    log.info("transfer %s routed by the administrator: %s", transfer.id, decision)
