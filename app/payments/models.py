"""Money received for dossiers, transfers the bank told us about, and refunds.

The dossier keeps what it owes and whether that is settled (``Dossier.fee_amount`` and
``fee_state``, read by the workflow's guard and the queues); these tables are the books behind
it: every payment has a numbered fee receipt, every incoming transfer is kept whether or not it
found its dossier, and nothing is matched twice (unique keys, not application checks).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db

METHOD_LABELS = {
    "vietqr": "Chuyển khoản VietQR",
    "counter": "Tiền mặt tại Bộ phận Một cửa",
    "post": "Tiền mặt qua bưu điện",
}


class Payment(db.Model):
    """A fee received for a dossier: one numbered fee receipt (biên lai thu phí, lệ phí)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_payments_unit_at", "unit_id", "at"),
        # The statistics (app/reports): fees of a period for the whole province, index alone.
        Index(
            "ix_payments_at",
            "at",
            postgresql_include=["unit_id", "procedure_id", "method", "amount"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    # The unit whose books it is in: the dossier's receiving unit.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    method: Mapped[str] = mapped_column(String(10))  # METHOD_LABELS
    # The dossier's intake channel when paid (online, counter, post_pickup, post_office).
    channel: Mapped[str] = mapped_column(String(12), default="")
    amount: Mapped[int]
    payer_name: Mapped[str] = mapped_column(String(120), default="")
    at: Mapped[datetime] = mapped_column(default=clock.now)
    # Who took the cash, or who matched the transfer by hand; None when matched automatically.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Exactly one source per method: the transfer, the post worker's receipt, or the counter's
    # form (its token makes a double tap record one payment).
    transfer_id: Mapped[int | None] = mapped_column(
        ForeignKey("incoming_transfers.id"), unique=True
    )
    postal_payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("postal_payments.id"), unique=True
    )
    client_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Cash the post office took at the door counts once the officer confirms the hand-over.
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    dossier = relationship("Dossier")
    unit = relationship("Unit")
    procedure = relationship("Procedure")
    staff = relationship("User", foreign_keys=[staff_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    transfer: Mapped[IncomingTransfer | None] = relationship(back_populates="payment")
    refund: Mapped[Refund | None] = relationship(back_populates="payment", uselist=False)

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)


TRANSFER_STATES = {
    "matched": "Đã khớp với hồ sơ",
    "review": "Cần đối soát",
    "resolved": "Đã xử lý",
}
PROBLEM_LABELS = {
    "underpaid": "Chuyển thiếu tiền",
    "overpaid": "Chuyển thừa tiền",
    "unknown": "Không tìm thấy mã thanh toán",
    "ambiguous": "Nhiều hồ sơ cùng nhận một khoản chuyển",
    "settled": "Hồ sơ đã nộp phí trước đó",
    "not_due": "Hồ sơ không còn phải nộp phí",
    "account": "Chuyển vào tài khoản thu của đơn vị khác",
}
# How an officer resolved a transfer that needed a person (state "resolved").
RESOLUTION_LABELS = {
    "booked": "Đã ghi nhận nộp phí cho hồ sơ",
    "returned": "Đã hoàn trả người chuyển",
    "not_ours": "Không phải khoản thu phí của đơn vị",
}


class IncomingTransfer(db.Model):
    """A transfer into a collection account, as the bank reported it (SePay's webhook or a
    statement file). Kept whatever happened to it; unique per source and the source's id, so a
    retried webhook or a statement imported twice finds the row already there."""

    __tablename__ = "incoming_transfers"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_incoming_transfers_state", "state", "received_at"),
        # The same money reported by SePay and by an imported statement is found by the bank's
        # reference in that account (app/payments/operations/transfers.py).
        Index("ix_incoming_transfers_bank_reference", "account_number", "bank_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))  # sepay | statement
    external_id: Mapped[str] = mapped_column(String(64))
    account_number: Mapped[str] = mapped_column(String(19), default="")
    bank: Mapped[str] = mapped_column(String(60), default="")
    amount: Mapped[int]
    content: Mapped[str] = mapped_column(Text, default="")
    bank_reference: Mapped[str] = mapped_column(String(64), default="")
    transferred_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=clock.now)
    state: Mapped[str] = mapped_column(String(10), default="review")  # TRANSFER_STATES
    problem: Mapped[str] = mapped_column(String(12), default="")  # PROBLEM_LABELS
    # The dossier it paid, or the one its reference named when it needs a person.
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(String(10), default="", server_default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A transfer into an account no unit collects into waits for the administrator, who sends
    # it to a unit's reconciliation queue (who, when, why) or marks it not ours (resolved).
    routed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    routed_at: Mapped[datetime | None]
    routing_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    dossier = relationship("Dossier")
    unit = relationship("Unit")
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
    routed_by = relationship("User", foreign_keys=[routed_by_id])
    payment: Mapped[Payment | None] = relationship(back_populates="transfer", uselist=False)

    @property
    def problem_label(self) -> str:
        return PROBLEM_LABELS.get(self.problem, "")

    @property
    def state_label(self) -> str:
        return TRANSFER_STATES.get(self.state, self.state)

    @property
    def resolution_label(self) -> str:
        return RESOLUTION_LABELS.get(self.resolution, "")


class Refund(db.Model):
    """Money given back for a payment (a withdrawn or refused dossier, a transfer paid twice):
    who, when and why. One per payment."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)

    payment: Mapped[Payment] = relationship(back_populates="refund")
    staff = relationship("User")
