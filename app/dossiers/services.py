"""Dossier operations. Services flush; the view commits once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.catalogue.answers import clean_answers
from app.catalogue.models import Procedure
from app.catalogue.queries import receiving_unit_for
from app.core import clock
from app.core.errors import Invalid
from app.core.text import fold
from app.dossiers import signals
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import due_date
from app.dossiers.events import log_event
from app.dossiers.models import Attachment, Dossier, DossierSequence
from app.dossiers.statuses import DossierStatus
from app.dossiers.uploads import ProcessedUpload, process_upload
from app.extensions import db

STEPS: list[tuple[str, str]] = [
    ("nguoi-nop", "Người nộp hồ sơ"),
    ("thong-tin", "Thông tin hồ sơ"),
    ("giay-to", "Giấy tờ kèm theo"),
    ("nhan-tra", "Gửi hồ sơ và nhận kết quả"),
    ("kiem-tra", "Kiểm tra và nộp"),
]
STEP_NAMES = [name for name, _ in STEPS]


def next_step(step: str) -> str:
    return STEP_NAMES[min(STEP_NAMES.index(step) + 1, len(STEP_NAMES) - 1)]


# --- starting and saving a draft ----------------------------------------------------------


def start_application(
    owner: User, procedure: Procedure, client_token: str, actor: User | None = None
) -> Dossier:
    """Create a draft, or find the one this same form already created (retry, double tap).

    ``actor`` is the staff member filling it in for ``owner`` at a counter, if any."""
    token = (client_token or "")[:40] or os.urandom(12).hex()
    existing = db.session.scalar(select(Dossier).filter_by(owner_id=owner.id, client_token=token))
    if existing is not None:
        return existing
    dossier = Dossier(
        owner_id=owner.id,
        procedure_id=procedure.id,
        client_token=token,
        status=DossierStatus.DRAFT,
        applicant_name=owner.full_name,
        applicant_id_number=owner.id_number or "",
        applicant_date_of_birth=owner.date_of_birth,
        applicant_phone=owner.phone,
        applicant_email=owner.email or "",
        answers={},
        steps_saved=[],
        created_by_id=actor.id if actor is not None and actor.id != owner.id else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(dossier)
    except IntegrityError:
        # A concurrent request with the same token won the race: use its draft.
        return db.session.scalars(
            select(Dossier).filter_by(owner_id=owner.id, client_token=token)
        ).one()
    return dossier


def mark_saved(dossier: Dossier, step: str) -> None:
    if step not in (dossier.steps_saved or []):
        dossier.steps_saved = [*(dossier.steps_saved or []), step]


def save_applicant(dossier: Dossier, data: dict[str, Any]) -> None:
    owner = dossier.owner
    # Identity comes from the account (already checked at registration); contact data is editable.
    dossier.applicant_name = owner.full_name
    dossier.applicant_id_number = owner.id_number or ""
    dossier.applicant_date_of_birth = owner.date_of_birth
    dossier.applicant_phone = data["phone"]
    dossier.applicant_email = data.get("email") or ""
    dossier.address_commune_code = data["commune"]
    dossier.address_village = (data.get("village") or "").strip()
    dossier.address_street = (data.get("street") or "").strip()
    mark_saved(dossier, "nguoi-nop")


def save_answers(dossier: Dossier, raw: dict[str, str]) -> dict[str, str]:
    """Keep whatever is valid (nothing typed is lost); return the errors to show."""
    clean, errors = clean_answers(dossier.procedure.form_schema, raw)
    merged = dict(dossier.answers or {})
    for field in dossier.procedure.form_schema:
        name = field["name"]
        if name in errors:
            merged.pop(name, None)
        else:
            merged[name] = clean.get(name)
    dossier.answers = merged
    if not errors:
        mark_saved(dossier, "thong-tin")
    return errors


def save_delivery(dossier: Dossier, data: dict[str, Any]) -> None:
    previous = dossier.intake_channel
    dossier.intake_channel = data["intake_channel"]
    if previous != dossier.intake_channel:
        signals.intake_changed.send(dossier, actor=dossier.owner, previous=previous)
    dossier.return_channel = data["return_channel"]
    if data["return_channel"] == "post":
        dossier.return_commune_code = data["return_commune"]
        dossier.return_village = (data.get("return_village") or "").strip()
        dossier.return_street = (data.get("return_street") or "").strip()
    else:
        dossier.return_commune_code = dossier.return_village = dossier.return_street = ""
    mark_saved(dossier, "nhan-tra")


def purge_stale_drafts(older_than_days: int) -> int:
    """Delete drafts untouched for ``older_than_days`` and their files (retention, Law 91/2025)."""
    limit = clock.now() - timedelta(days=older_than_days)
    stale = db.session.scalars(
        select(Dossier).where(Dossier.status == DossierStatus.DRAFT, Dossier.updated_at < limit)
    ).all()
    paths = [attachment_path(a) for d in stale for a in d.attachments]
    for dossier in stale:
        signals.closed.send(dossier, actor=None, ip="")  # a booked pickup frees its place
        db.session.delete(dossier)
    db.session.flush()
    for path in paths:
        path.unlink(missing_ok=True)
    return len(stale)


# --- uploads -------------------------------------------------------------------------------


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def check_upload(data: bytes) -> ProcessedUpload:
    """:func:`process_upload` with this installation's limits; raises UploadRejected."""
    return process_upload(
        data,
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
        max_side=current_app.config["UPLOAD_MAX_SIDE"],
    )


def add_attachment(
    dossier: Dossier, document_code: str, original_name: str, upload: ProcessedUpload, actor: User
) -> Attachment:
    key = f"{dossier.id}/{upload.sha256[:16]}-{os.urandom(4).hex()}.{upload.extension}"
    path = upload_dir() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.data)
    stem = Path(original_name or "tep").stem[:80] or "tep"
    attachment = Attachment(
        dossier=dossier,
        document_code=document_code,
        original_name=f"{stem}.{upload.extension}",
        media_type=upload.media_type,
        size=len(upload.data),
        sha256=upload.sha256,
        storage_key=key,
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def remove_attachment(attachment: Attachment) -> None:
    path = upload_dir() / attachment.storage_key
    db.session.delete(attachment)
    db.session.flush()
    path.unlink(missing_ok=True)


def attachment_path(attachment: Attachment) -> Path:
    return upload_dir() / attachment.storage_key


# --- checking and submitting ---------------------------------------------------------------


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


class NotReady(Invalid):
    """The draft cannot be submitted yet: ``missing`` says what each step still needs."""

    def __init__(self, missing: list[Missing]) -> None:
        super().__init__("Hồ sơ còn thiếu thông tin nên chưa nộp được.")
        self.missing = missing


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
