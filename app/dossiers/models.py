from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db


class DossierStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECEIVED = "received"
    SUPPLEMENT_REQUESTED = "supplement"
    REFUSED = "refused"
    PROCESSING = "processing"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    DossierStatus.DRAFT: "Đang soạn",
    DossierStatus.SUBMITTED: "Đã nộp, chờ tiếp nhận",
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.SUPPLEMENT_REQUESTED: "Cần bổ sung hồ sơ",
    DossierStatus.REFUSED: "Từ chối tiếp nhận",
    DossierStatus.PROCESSING: "Đang giải quyết",
    DossierStatus.RESULT_READY: "Đã có kết quả",
    DossierStatus.RETURNED: "Đã trả kết quả",
    DossierStatus.STOPPED: "Dừng giải quyết",
    DossierStatus.WITHDRAWN: "Đã rút hồ sơ",
}

# Statuses in which the dossier is with the administration and the deadline runs.
RUNNING_STATUSES = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESULT_READY}
)
CLOSED_STATUSES = frozenset(
    {
        DossierStatus.REFUSED,
        DossierStatus.RETURNED,
        DossierStatus.STOPPED,
        DossierStatus.WITHDRAWN,
    }
)

# What the citizen's timeline says for each action (internal events are never shown).
EVENT_LABELS = {
    "submitted": "Đã nộp hồ sơ trực tuyến",
    "resubmitted": "Đã nộp bổ sung hồ sơ",
    "accepted": "Cơ quan đã tiếp nhận hồ sơ",
    "supplement_requested": "Cơ quan yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refused": "Cơ quan từ chối tiếp nhận hồ sơ",
    "assigned": "Hồ sơ được chuyển xử lý",
    "forwarded": "Hồ sơ được chuyển đến cơ quan khác giải quyết",
    "approved": "Đã có kết quả giải quyết",
    "extended": "Cơ quan xin lỗi và hẹn lại ngày trả kết quả",
    "stopped": "Cơ quan dừng giải quyết hồ sơ",
    "returned": "Đã trả kết quả",
    "withdrawn": "Bạn đã rút hồ sơ",
    "result_downloaded": "Đã tải kết quả",
    "viewed": "Cán bộ xem hồ sơ",
    # The public postal service (app/postal): every event in plain words for the citizen.
    "pickup_booked": "Đã hẹn bưu điện đến nhận hồ sơ",
    "pickup_rescheduled": "Đã đổi lịch bưu điện đến nhận hồ sơ",
    "pickup_cancelled": "Đã hủy lịch bưu điện đến nhận hồ sơ",
    "postal_picked_up": "Bưu điện đã nhận hồ sơ",
    "postal_in_transit": "Bưu điện đang chuyển hồ sơ đến cơ quan",
    "postal_handed_to_agency": "Bưu điện đã giao hồ sơ cho cơ quan",
    "postal_not_received": "Cơ quan chưa nhận được hồ sơ từ bưu điện, bưu điện đang kiểm tra",
    "postal_result_collected": "Bưu điện đã nhận kết quả từ cơ quan",
    "postal_out_for_delivery": "Bưu điện đang giao kết quả",
    "postal_delivered": "Đã giao kết quả",
    "postal_delivery_failed": "Giao kết quả không thành công",
    "postal_held": "Kết quả đang được lưu giữ tại bưu điện",
    "postal_returned_to_agency": "Bưu điện đã trả kết quả về cơ quan",
}

RESULT_KIND_LABELS = {"file": "Kết quả điện tử (tệp PDF)", "paper": "Kết quả bản giấy"}

INTAKE_CHANNEL_LABELS = {
    "online": "Chỉ nộp trực tuyến (không gửi giấy tờ)",
    "post_pickup": "Bưu điện đến nhận hồ sơ tại nhà",
    "counter": "Mang giấy tờ đến Bộ phận Một cửa",
    # Only post-office staff filling an application at their counter choose this.
    "post_office": "Nộp giấy tờ tại quầy bưu điện",
}
# Intake channels whose papers travel with the public postal service (leg A).
POSTAL_INTAKE = frozenset({"post_pickup", "post_office"})
RETURN_CHANNEL_LABELS = {
    "online": "Nhận kết quả trực tuyến",
    "post": "Qua dịch vụ bưu chính công ích",
    "counter": "Tại Bộ phận Một cửa",
}


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
    sequence_number: Mapped[int | None]
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
    """An uploaded document; the bytes live under UPLOAD_DIR, never under static/."""

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
