"""Community digital technology teams (Tổ công nghệ số cộng đồng)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
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
