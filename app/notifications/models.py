"""The outbox's table: one row per message (SMS or e-mail) to send, sent or given up."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt


class Notification(db.Model):
    """One message in the outbox.

    Written in the same transaction as the action that caused it, so an officer's action never
    waits for an SMS gateway, and a message is never lost nor sent for an action rolled back.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    recipient: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(default=0)  # SMS only
    # A one-time code the SMS carries: ``body`` shows it masked (sms.SECRET_MASK); the code
    # itself waits here sealed (app/core/sealing.py) until the channel sends it, and is cleared
    # once the row is sent, has failed, or the code has expired (outbox.forget_expired_secrets).
    sealed_secret: Mapped[str | None] = mapped_column(Text)
    secret_expires_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(8), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None]

    dossier = relationship("Dossier")
