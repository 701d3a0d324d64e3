"""The outbox's tables: one row per message (SMS or e-mail) to send, sent or given up, and the
last known health of each channel's gateway."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db
from app.notifications.outcomes import OutboxStatus

__all__ = ["GatewayState", "Notification", "OutboxStatus"]


class Notification(db.Model):
    """One message in the outbox.

    Written in the same transaction as the action that caused it, so an officer's action never
    waits for an SMS gateway, and a message is never lost nor sent for an action rolled back.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "next_attempt_at"),
        # The administrator finds a citizen's messages by their exact phone or e-mail, in any
        # case (queries.outbox_page compares lower(recipient)).
        Index("ix_notifications_recipient", func.lower(text("recipient"))),
    )

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
    # outcomes.OutboxStatus: pending, sent, delivered, rejected, failed.
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None]
    # The gateway's id of the message (eSMS SMSID, an e-mail's Message-ID): delivery reports
    # find the message by it.
    gateway_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # Set while the message waits because the gateway refuses our account (keys, balance,
    # brand name, SMTP login): "[103] balance too low". Its attempts are not counted meanwhile.
    held_reason: Mapped[str] = mapped_column(String(300), default="")
    # From the delivery report: the gateway's raw status (eSMS SendStatus), the carrier's name.
    report_status: Mapped[str] = mapped_column(String(16), default="")
    carrier: Mapped[str] = mapped_column(String(40), default="")
    delivered_at: Mapped[datetime | None]

    dossier = relationship("Dossier")


class GatewayState(db.Model):
    """The last known health of a channel's gateway, one row per channel, written by the sender:
    refused (with the gateway's code and reason) when it refuses our account, ok again as soon
    as it accepts a message. The administrator's banner reads it."""

    __tablename__ = "gateway_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), unique=True)  # sms | email
    adapter: Mapped[str] = mapped_column(String(20))  # NOTIFY_*_ADAPTER when last checked
    refused: Mapped[bool] = mapped_column(default=False)
    code: Mapped[str] = mapped_column(String(16), default="")  # "103", "535"; "" when ok
    reason: Mapped[str] = mapped_column(String(300), default="")
    since: Mapped[datetime] = mapped_column(default=clock.now)  # in this state since
    checked_at: Mapped[datetime] = mapped_column(default=clock.now)  # last answer seen
