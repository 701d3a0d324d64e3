from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db

LEVEL_LABELS = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần"}
CHANNEL_LABELS = {
    "online": "Trực tuyến",
    "post": "Qua dịch vụ bưu chính công ích",
    "counter": "Trực tiếp tại Bộ phận Một cửa",
}
UNIT_KINDS = {
    "commune_centre": "Trung tâm Phục vụ hành chính công cấp xã",
    "province_centre": "Trung tâm Phục vụ hành chính công cấp tỉnh",
}
FEE_TIMINGS = {
    "before_processing": "Nộp phí, lệ phí trước khi hồ sơ được tiếp nhận giải quyết",
    "before_result": "Nộp phí, lệ phí trước khi nhận kết quả",
}
DOCUMENT_KIND_LABELS = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "original_or_copy": "Bản chính hoặc bản sao",
}


class Unit(db.Model):
    """A receiving unit (service centre) identified by its QCVN 102:2016 code."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # province_centre | commune_centre
    commune_code: Mapped[str | None] = mapped_column(String(10), unique=True)
    parent_name: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # The desk's number for people who need help, shown in the footer of its pages.
    support_phone: Mapped[str] = mapped_column(String(20), default="")
    # The share of dossiers the unit should receive online, in per cent (set by the
    # administrator, shown against the actual share on the statistics dashboard).
    online_target: Mapped[float | None]

    collection_account: Mapped[CollectionAccount | None] = relationship(
        back_populates="unit", uselist=False
    )


class CollectionAccount(db.Model):
    """The bank account a receiving unit collects fees into (the State Treasury or the unit's
    own account), printed as a VietQR (DOMAIN.md §8). One per unit; the administrator keeps it."""

    __tablename__ = "collection_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    bank_bin: Mapped[str] = mapped_column(String(6))  # NAPAS bank identification number
    bank_name: Mapped[str] = mapped_column(String(120))
    account_number: Mapped[str] = mapped_column(String(19), index=True)
    # As the bank holds it: upper case, no diacritics (what banking apps show on confirm).
    account_name: Mapped[str] = mapped_column(String(70))
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    unit: Mapped[Unit] = relationship(back_populates="collection_account")


class Procedure(db.Model):
    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    # Lower-case, diacritics removed: lets "dang ky khai sinh" find "Đăng ký khai sinh".
    search_text: Mapped[str] = mapped_column(String(600), index=True)
    level: Mapped[str] = mapped_column(String(12), index=True)
    authority_level: Mapped[str] = mapped_column(String(10))
    competent_authority: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(100), default="")
    processing_days: Mapped[int]
    processing_note: Mapped[str] = mapped_column(Text, default="")
    cutoff_15h: Mapped[bool] = mapped_column(default=False)
    # After a supplement (Mẫu 02) the clock "restart"s from zero or "resume"s where it stopped
    # (DOMAIN.md §5 [check]): a rule per procedure, restart by default.
    supplement_rule: Mapped[str] = mapped_column(
        String(8), default="restart", server_default="restart"
    )
    fee_online: Mapped[int] = mapped_column(default=0)
    fee_post: Mapped[int] = mapped_column(default=0)
    fee_counter: Mapped[int] = mapped_column(default=0)
    fee_note: Mapped[str] = mapped_column(Text, default="")
    # When the fee must be paid (FEE_TIMINGS): before the unit accepts the dossier for
    # processing, or before the result is handed over. A procedure with no fee ignores it.
    fee_timing: Mapped[str] = mapped_column(
        String(20), default="before_processing", server_default="before_processing"
    )
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    # The citizen's own fields, declared as data (see app/catalogue/schema.py).
    form_schema: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    to_verify: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Step-by-step "how to" for someone helping another person apply (what to bring, what
    # photos to take, common mistakes); plain text, one step per line; edited by the admin.
    helper_guide: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    documents: Mapped[list[RequiredDocument]] = relationship(
        back_populates="procedure",
        order_by="RequiredDocument.position",
        cascade="all, delete-orphan",
    )

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    def fee_for(self, channel: str) -> int:
        return {"online": self.fee_online, "post": self.fee_post, "counter": self.fee_counter}[
            channel
        ]

    @property
    def charges_fee(self) -> bool:
        """Some channel of the procedure costs a fee (so ``fee_timing`` means something)."""
        return any(self.fee_for(channel) > 0 for channel in self.channels or ())

    @property
    def fee_timing_label(self) -> str:
        return FEE_TIMINGS.get(self.fee_timing, "")

    @property
    def processing_time_label(self) -> str:
        if self.processing_days == 0:
            return "Trong ngày" + (
                " (sau 15 giờ: ngày làm việc tiếp theo)" if self.cutoff_15h else ""
            )
        return f"{self.processing_days} ngày làm việc"


class RequiredDocument(db.Model):
    __tablename__ = "required_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    copies: Mapped[int] = mapped_column(default=1)
    scan_required: Mapped[bool] = mapped_column(default=True)
    is_required: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    procedure: Mapped[Procedure] = relationship(back_populates="documents")

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KIND_LABELS.get(self.kind, self.kind)


class CalendarOverride(db.Model):
    """An announced day off or extra working day that `holidays` cannot know in advance."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # day_off | working_day
    note: Mapped[str] = mapped_column(String(200), default="")
