from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.dossiers.statuses import (
    CLOSED_STATUSES,
    DUE_SHOWN_STATUSES,
    FEE_STATE_LABELS,
    PAPER_INTAKE,
    STATUS_LABELS,
    DossierStatus,
)
from app.extensions import db


class Dossier(db.Model):
    """An application: a draft until submitted, then a dossier with its code.

    The draft and the dossier are the same row, so submitting twice can only ever find the row
    already submitted; it can never create a second dossier.
    """

    __tablename__ = "dossiers"
    __table_args__ = (
        # A retried "start application" POST carries the same token and finds the same draft.
        UniqueConstraint("owner_id", "client_token"),
        Index("ix_dossiers_owner_status", "owner_id", "status"),
        # Back-office queues: the unit holding the dossier, its status, most urgent first.
        Index("ix_dossiers_queue", "current_unit_id", "status", "due_date", "id"),
        # The register (Mẫu 07) of a receiving unit, by date of submission.
        Index("ix_dossiers_register", "receiving_unit_id", "submitted_at", "id"),
        Index("ix_dossiers_applicant_phone", "applicant_phone"),
        # The statistics (app/reports): dossiers submitted in a period, read from the index
        # alone on PostgreSQL; dossiers closed in a period or still open.
        Index(
            "ix_dossiers_submitted",
            "submitted_at",
            postgresql_include=[
                "receiving_unit_id",
                "procedure_id",
                "intake_channel",
                "assist_team_id",
            ],
        ),
        Index(
            "ix_dossiers_closed",
            "closed_at",
            postgresql_include=[
                "received_at",
                "receiving_unit_id",
                "procedure_id",
                "on_time",
                "returned_via",
                "working_days_taken",
                "due_date",
                "status",
            ],
        ),
        # Dossiers still open on a day (the statistics' "still running"), from the index alone.
        Index(
            "ix_dossiers_open",
            "received_at",
            postgresql_include=["receiving_unit_id", "procedure_id", "due_date", "status"],
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(25), unique=True)
    client_token: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who started the draft when it was not the applicant (post-office staff at the counter,
    # a community team member), the citizen's consent to that help, and for a community team
    # the team and the place (village hall): the submission channel "with assistance".
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id"))
    assist_team_id: Mapped[int | None] = mapped_column(ForeignKey("community_teams.id"), index=True)
    assist_place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    receiving_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(20), default=DossierStatus.DRAFT, index=True)
    # The unit holding the dossier now (the receiving unit until it is forwarded) and the
    # person it is assigned to, if any.
    current_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    applicant_name: Mapped[str] = mapped_column(String(120), default="")
    # Lower-case, without diacritics: officers search "nguyen thi hoa" and find the dossier.
    applicant_name_folded: Mapped[str] = mapped_column(String(120), default="")
    applicant_id_number: Mapped[str] = mapped_column(String(12), default="")
    applicant_date_of_birth: Mapped[date | None]
    applicant_phone: Mapped[str] = mapped_column(String(10), default="")
    applicant_email: Mapped[str] = mapped_column(String(254), default="")
    address_commune_code: Mapped[str] = mapped_column(String(10), default="")
    address_village: Mapped[str] = mapped_column(String(120), default="")
    address_street: Mapped[str] = mapped_column(String(200), default="")

    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    intake_channel: Mapped[str] = mapped_column(String(12), default="")
    return_channel: Mapped[str] = mapped_column(String(12), default="")
    return_commune_code: Mapped[str] = mapped_column(String(10), default="")
    return_village: Mapped[str] = mapped_column(String(120), default="")
    return_street: Mapped[str] = mapped_column(String(200), default="")

    # Which journey steps the applicant has saved at least once.
    steps_saved: Mapped[list[str]] = mapped_column(JSON, default=list)
    declared_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    # Accepted by an officer (Mẫu 01): the moment counting is based on, and the day it starts.
    received_at: Mapped[datetime | None]
    # Papers sent by post: when the receiving unit confirmed they arrived. Counting starts from
    # this moment, not from the pickup (time in postal transit does not count, DOMAIN.md §5).
    papers_received_at: Mapped[datetime | None]
    counting_start: Mapped[date | None]
    # The date the result is due now; provisional until accepted, moved by an apology (Mẫu 04),
    # in which case the date first promised is kept in original_due_date.
    due_date: Mapped[date | None]
    original_due_date: Mapped[date | None]
    # Supplement (Mẫu 02): what to add and why, and working days already used (resume rule).
    supplement_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    working_days_used: Mapped[int] = mapped_column(default=0)
    result_kind: Mapped[str] = mapped_column(String(8), default="")
    result_note: Mapped[str] = mapped_column(Text, default="")
    result_ready_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    returned_via: Mapped[str] = mapped_column(String(12), default="")
    closed_at: Mapped[datetime | None]
    # Returned (or stopped) on or before the due date.
    on_time: Mapped[bool | None]
    # Working days from acceptance to the return (or the stop), as deadlines count them
    # (app/dossiers/deadlines.py: days_taken): the statistics' average time to a result.
    working_days_taken: Mapped[int | None]
    sequence_number: Mapped[int | None]
    # The fee owed for this dossier, fixed at submission from the procedure's fee for its
    # channel (postage is apart: app/postal). fee_state (FEE_STATES): "" nothing owed, "due",
    # "paid", "exempt" (the officer records why), "refunded". Written by app/payments; read
    # here by the workflow's guard and the queues.
    fee_amount: Mapped[int] = mapped_column(default=0, server_default="0")
    fee_state: Mapped[str] = mapped_column(String(10), default="", server_default="")
    # What the citizen writes in the transfer's content (app/core/payref.py): letters and digits
    # only, so it survives banking apps that strip punctuation from the dossier code.
    payment_reference: Mapped[str | None] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    owner = relationship("User", foreign_keys=[owner_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    consent = relationship("Consent")
    assist_team = relationship("CommunityTeam")
    procedure = relationship("Procedure")
    receiving_unit = relationship("Unit", foreign_keys=[receiving_unit_id])
    current_unit = relationship("Unit", foreign_keys=[current_unit_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="dossier", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id"
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(DossierStatus(self.status), self.status)

    @property
    def fee_state_label(self) -> str:
        """ "Chưa nộp phí", "Đã nộp phí", "Miễn phí, lệ phí"… ("" when nothing was owed)."""
        return FEE_STATE_LABELS.get(self.fee_state, "") if self.fee_state else ""

    @property
    def shows_due_date(self) -> bool:
        """A due date means something to the citizen (not refused, not waiting for more)."""
        return self.status in DUE_SHOWN_STATUSES

    @property
    def due_waits_for_papers(self) -> bool:
        """The papers are still on their way to the unit: the time limit counts from their
        arrival, so no date can be promised yet (a same-day procedure picked up tomorrow
        is not done today)."""
        return (
            self.status == DossierStatus.SUBMITTED
            and self.intake_channel in PAPER_INTAKE
            and self.papers_received_at is None
            and self.received_at is None
        )

    @property
    def due_text(self) -> str:
        """The due date as the citizen reads it: a date, or when the count starts."""
        if self.due_waits_for_papers:
            return (
                f"{self.procedure.processing_time_label.split(' (')[0]}, "
                "tính từ khi cơ quan nhận được giấy tờ"
            )
        return self.due_date.strftime("%d/%m/%Y") if self.due_date else ""

    @property
    def draft_subject(self) -> str:
        """What tells one draft from another of the same procedure: the first name entered
        in its form (the child's, the deceased's…), e.g. "Họ, chữ đệm và tên của trẻ: Lò Văn
        Minh"; "" while none is."""
        answers = self.answers or {}
        for field in self.procedure.form_schema or []:
            value = answers.get(field["name"])
            if field["name"].endswith("full_name") and isinstance(value, str) and value.strip():
                return f"{field['label']}: {value.strip()}"
        return ""

    @property
    def is_draft(self) -> bool:
        return self.status == DossierStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def was_accepted(self) -> bool:
        return self.received_at is not None

    @property
    def documents(self) -> list[Attachment]:
        """The applicant's documents (not the result)."""
        return [a for a in self.attachments if a.kind == "document"]

    @property
    def result_file(self) -> Attachment | None:
        return next((a for a in reversed(self.attachments) if a.kind == "result"), None)


class Attachment(db.Model):
    """An uploaded document; the bytes live in the uploads storage under ``storage_key``
    (UPLOAD_DIR or the S3 bucket, app/core/storage.py), never under static/."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    # "document": uploaded by the applicant; "result": the result issued by the agency.
    kind: Mapped[str] = mapped_column(String(10), default="document", server_default="document")
    document_code: Mapped[str] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")


class DossierEvent(db.Model):
    """Append-only log of what happened to a dossier: who, when, what."""

    __tablename__ = "dossier_events"
    # The statistics count some actions in a period (apologies, supplements, postal steps).
    # "append_only": merging two accounts (app/accounts/operations/federation.py) leaves these
    # rows naming the account merged away, as they were written.
    __table_args__ = (
        Index("ix_dossier_events_action_at", "action", "at"),
        {"info": {"append_only": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(default=False)
    ip: Mapped[str] = mapped_column(String(45), default="")
    # Structured detail: a hand-over's from/to (Mẫu 06), a supplement's items, a new date.
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # An event reported by another system (the postal operator's tracking API), as
    # "<post office code>:<their event id>": the same event sent twice is recorded once.
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)

    dossier: Mapped[Dossier] = relationship(back_populates="events")


@event.listens_for(DossierEvent, "before_update")
@event.listens_for(DossierEvent, "before_delete")
def _events_are_append_only(mapper: Any, connection: Any, target: DossierEvent) -> None:
    raise RuntimeError("dossier events are append-only")


class DossierSequence(db.Model):
    """Per receiving unit and day, the last NNNN handed out (DOMAIN.md §4)."""

    __tablename__ = "dossier_sequences"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
