"""Community digital technology teams (Tổ công nghệ số cộng đồng) and one-time codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db


class CommunityTeam(db.Model):
    """One team per village (thôn, bản, tổ dân phố) of a commune (DOMAIN.md §1)."""

    __tablename__ = "community_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    village: Mapped[str] = mapped_column(String(120))
    # Where the team helps people, printed as the place of submission.
    meeting_place: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    members = relationship("User", back_populates="team", order_by="User.full_name")

    @property
    def place(self) -> str:
        return self.meeting_place or f"Nhà văn hóa {self.village}"


class OneTimeCode(db.Model):
    """A code sent by SMS to a citizen's phone: to confirm consent given to a helper, or to
    claim an account someone else opened for them. Only a keyed hash of the code is stored."""

    __tablename__ = "one_time_codes"
    __table_args__ = (Index("ix_one_time_codes_phone_created", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(12))  # consent | claim
    phone: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    # A new citizen's details wait here, unsaved as an account, until the code comes back.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
