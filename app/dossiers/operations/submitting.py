"""Submitting a draft: what it still lacks, its code (<unit>-YYMMDD-NNNN), the receiving unit
and the provisional due date, taken once even when two submits race."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from app.accounts.models import User
from app.catalogue.queries import receiving_unit_for
from app.core import clock, payref
from app.core.errors import Invalid
from app.core.text import fold
from app.dossiers import signals
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import due_date
from app.dossiers.events import log_event
from app.dossiers.models import Dossier, DossierSequence
from app.dossiers.statuses import DossierStatus, fee_channel
from app.extensions import db


@dataclass(frozen=True)
class Missing:
    step: str
    message: str


def missing_for_submit(dossier: Dossier) -> list[Missing]:
    missing: list[Missing] = []
    if "nguoi-nop" not in (dossier.steps_saved or []) or not dossier.address_commune_code:
        missing.append(Missing("nguoi-nop", "Chưa xác nhận thông tin người nộp và địa chỉ."))
    answers = dossier.answers or {}
    for field in dossier.procedure.form_schema:
        if field.get("required") and answers.get(field["name"]) in (None, ""):
            missing.append(Missing("thong-tin", f"Chưa điền “{field['label']}”."))
    present = {a.document_code for a in dossier.documents}
    for document in dossier.procedure.documents:
        if document.is_required and document.scan_required and document.code not in present:
            missing.append(Missing("giay-to", f"Chưa tải lên “{document.name}”."))
    if not dossier.intake_channel or not dossier.return_channel:
        missing.append(Missing("nhan-tra", "Chưa chọn cách gửi hồ sơ và nhận kết quả."))
    return missing


class NotReady(Invalid):
    """The draft cannot be submitted yet: ``missing`` says what each step still needs."""

    def __init__(self, missing: list[Missing]) -> None:
        super().__init__("Hồ sơ còn thiếu thông tin nên chưa nộp được.")
        self.missing = missing


def next_sequence(unit_id: int, day: date) -> int:
    """Atomically take the next NNNN for a unit and day.

    One INSERT … ON CONFLICT DO UPDATE … RETURNING: on PostgreSQL the conflicting row is locked
    until our transaction ends, so concurrent submits queue up and never share a number.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = DossierSequence.__table__
    stmt = insert(table).values(unit_id=unit_id, day=day, last_value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.unit_id, table.c.day],
        set_={"last_value": table.c.last_value + 1},
    ).returning(table.c.last_value)
    return int(db.session.execute(stmt).scalar_one())


def dossier_code(unit_code: str, day: date, number: int) -> str:
    """<unit code>-YYMMDD-NNNN (DOMAIN.md §4)."""
    return f"{unit_code}-{day:%y%m%d}-{number:04d}"


def submit(dossier: Dossier, actor: User, ip: str = "") -> bool:
    """Submit a draft. Returns False when it was already submitted (a retry): nothing changes.

    The guarded UPDATE (… WHERE status = 'draft') is the idempotency key: of two concurrent
    submits of the same draft, PostgreSQL lets exactly one match; the other sees zero rows.
    """
    if not dossier.is_draft:
        return False
    missing = missing_for_submit(dossier)
    if missing:
        raise NotReady(missing)
    moment = clock.now()
    claimed = db.session.execute(
        update(Dossier)
        .where(Dossier.id == dossier.id, Dossier.status == DossierStatus.DRAFT)
        .values(status=DossierStatus.SUBMITTED, submitted_at=moment)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(dossier)
        return False
    procedure = dossier.procedure
    unit = receiving_unit_for(
        procedure, dossier.address_commune_code, current_app.config["PROVINCE_TREE"]
    )
    number = next_sequence(unit.id, moment.date())
    db.session.refresh(dossier)
    dossier.receiving_unit_id = unit.id
    dossier.current_unit_id = unit.id
    dossier.applicant_name_folded = fold(dossier.applicant_name)
    dossier.sequence_number = number
    dossier.code = dossier_code(unit.code, moment.date(), number)
    dossier.submitted_by_id = actor.id
    dossier.declared_at = dossier.declared_at or moment
    dossier.due_date = provisional_due_date(dossier, moment)
    owe_fee(dossier)
    log_event(
        dossier,
        actor,
        "submitted",
        DossierStatus.DRAFT,
        DossierStatus.SUBMITTED,
        note=_on_behalf_note(dossier, actor),
        ip=ip,
    )
    signals.submitted.send(dossier, actor=actor, ip=ip)
    db.session.flush()
    return True


def owe_fee(dossier: Dossier) -> None:
    """Fix what the dossier owes at submission: the procedure's fee for its channel, and the
    reference its transfer carries (postage is apart, app/postal)."""
    dossier.fee_amount = dossier.procedure.fee_for(fee_channel(dossier.intake_channel))
    if dossier.fee_amount > 0:
        dossier.fee_state = "due"
        dossier.payment_reference = payref.new_reference()


def _on_behalf_note(dossier: Dossier, actor: User) -> str:
    """Who submitted for the applicant, for the applicant's own record (Law 91/2025)."""
    if actor.id == dossier.owner_id:
        return ""
    if dossier.assist_team is not None:
        return (
            f"Nộp với sự hỗ trợ của {dossier.assist_team.name} tại {dossier.assist_place}, "
            f"người hỗ trợ: {actor.full_name}"
        )
    place = f" tại quầy {actor.post_office.name}" if actor.post_office is not None else ""
    return f"Nộp thay{place}, người nộp thay: {actor.full_name}"


def provisional_due_date(dossier: Dossier, moment: datetime) -> date:
    """The date shown until an officer accepts the dossier and fixes the final one (Mẫu 01)."""
    procedure = dossier.procedure
    return due_date(
        moment,
        procedure.processing_days,
        working_calendar(),
        time(15, 0) if procedure.cutoff_15h else None,
    )
