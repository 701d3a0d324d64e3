"""Citizens' satisfaction and their feedback (phản ánh, kiến nghị).

A :class:`Rating` is anonymous by construction: it keeps the dossier's unit, procedure and
channels and the day it was given, never a user, a dossier or a time of day, so no report can
name who rated. Which dossier was invited, and whether its invitation was used, lives apart in
:class:`RatingInvitation` (its token stored as a SHA-256 digest only).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db


class RatingInvitation(db.Model):
    """One per returned dossier: the link sent by SMS, the prompt on the owner's page."""

    __tablename__ = "rating_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_on: Mapped[date]
    # The day the rating was given (a day, not a moment: nothing to match against a rating).
    used_on: Mapped[date | None]

    dossier = relationship("Dossier")


class Rating(db.Model):
    """A citizen's rating of a service, 1 (very dissatisfied) to 5 (very satisfied)."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    intake_channel: Mapped[str] = mapped_column(String(12), default="")
    returned_via: Mapped[str] = mapped_column(String(12), default="")
    assisted: Mapped[bool] = mapped_column(default=False)  # with a community team's help
    at_hall: Mapped[bool] = mapped_column(default=False)  # recorded by a volunteer at the hall
    score: Mapped[int]
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_on: Mapped[date] = mapped_column(index=True)


class Feedback(db.Model):
    """A feedback or complaint (phản ánh, kiến nghị) to a unit, or a low rating's comment.

    ``kind``: ``complaint`` (sent at /phan-anh, answered by ``due_on``) or ``low_rating`` (a
    rating of 1 or 2 with a comment: anonymous, read by the unit, no answer owed)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(11), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="complaint")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    dossier_code: Mapped[str] = mapped_column(String(25), default="")
    body: Mapped[str] = mapped_column(Text)
    score: Mapped[int | None]  # low ratings
    sender_name: Mapped[str] = mapped_column(String(120), default="")
    sender_phone: Mapped[str] = mapped_column(String(10), default="")
    received_at: Mapped[datetime] = mapped_column(default=clock.now)
    due_on: Mapped[date | None]
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    client_token: Mapped[str | None] = mapped_column(String(40), unique=True)

    unit = relationship("Unit")
    procedure = relationship("Procedure")

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
