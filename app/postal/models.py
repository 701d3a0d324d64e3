"""Post offices, their pickup slots, and the postal legs of a dossier (Decision 45/2016)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db
from app.postal.flow import Leg, status_label
from app.postal.schedule import slot_key


class PostOffice(db.Model):
    __tablename__ = "post_offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)  # Vietnam Post office code
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(12), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    communes: Mapped[list[PostOfficeCommune]] = relationship(
        back_populates="post_office", cascade="all, delete-orphan"
    )
    templates: Mapped[list[SlotTemplateRow]] = relationship(
        back_populates="post_office",
        cascade="all, delete-orphan",
        order_by="(SlotTemplateRow.weekday, SlotTemplateRow.start)",
    )
    closures: Mapped[list[PostOfficeClosure]] = relationship(
        back_populates="post_office", cascade="all, delete-orphan", order_by="PostOfficeClosure.day"
    )

    @property
    def commune_codes(self) -> list[str]:
        return sorted(c.commune_code for c in self.communes)


class PostOfficeCommune(db.Model):
    """A commune served by a post office: one office per commune, so a citizen's commune
    decides which office collects the dossier and brings the result."""

    __tablename__ = "post_office_communes"

    commune_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"), index=True)

    post_office: Mapped[PostOffice] = relationship(back_populates="communes")


class SlotTemplateRow(db.Model):
    """Every <weekday>, <start>–<end>, up to <capacity> pickups (see app/postal/schedule.py)."""

    __tablename__ = "slot_templates"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"), index=True)
    weekday: Mapped[int]
    start: Mapped[time]
    end: Mapped[time]
    capacity: Mapped[int]

    post_office: Mapped[PostOffice] = relationship(back_populates="templates")


class PickupSlot(db.Model):
    """A dated pickup window, made when it is first booked (or ahead, by ``flask postal
    slots``). ``booked`` never exceeds ``capacity``: the check constraint backs up the guarded
    UPDATE that takes a place (app/postal/operations/booking.py)."""

    __tablename__ = "pickup_slots"
    __table_args__ = (
        UniqueConstraint("post_office_id", "day", "start", "end"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    start: Mapped[time]
    end: Mapped[time]
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)
    is_closed: Mapped[bool] = mapped_column(default=False)

    post_office: Mapped[PostOffice] = relationship()

    @property
    def places_left(self) -> int:
        return 0 if self.is_closed else max(self.capacity - self.booked, 0)

    @property
    def key(self) -> str:
        return slot_key(self.day, self.start, self.end)


class Shipment(db.Model):
    """One postal leg of a dossier: "pickup" (papers to the agency) or "return" (the result).

    The address, landmark and phone are copied from what the citizen gave for this leg, so the
    worker's list and the label never change under them when the dossier is edited later.
    """

    __tablename__ = "shipments"
    __table_args__ = (
        UniqueConstraint("dossier_id", "leg"),
        # The worker's day: one office, one day, in order.
        Index("ix_shipments_office_day", "post_office_id", "planned_day", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    leg: Mapped[str] = mapped_column(String(8))  # Leg
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_slots.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    # Taken at the post-office counter (no visit to the citizen's home).
    at_counter: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The day the worker goes (the slot's day for a pickup, the delivery day for a return).
    planned_day: Mapped[date | None]
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    commune_code: Mapped[str] = mapped_column(String(10), default="")
    village: Mapped[str] = mapped_column(String(120), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    landmark: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(10), default="")
    item_number: Mapped[str | None] = mapped_column(String(13), unique=True)
    seal_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Leg A checklist: [{code, name, kind, copies, required, present}], as counted with the
    # citizen against the procedure's list (Decision 45/2016, step 1-2).
    documents: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    picked_up_at: Mapped[datetime | None]
    handed_over_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    held_until: Mapped[date | None]
    # The day the "pickup tomorrow" SMS went out (sent once).
    reminded_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    dossier = relationship("Dossier")
    post_office: Mapped[PostOffice] = relationship()
    slot: Mapped[PickupSlot | None] = relationship()
    worker = relationship("User", foreign_keys=[worker_id])
    attempts: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="shipment", order_by="DeliveryAttempt.number", cascade="all, delete-orphan"
    )
    payments: Mapped[list[PostalPayment]] = relationship(order_by="PostalPayment.id", viewonly=True)

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.at_counter)

    @property
    def is_pickup(self) -> bool:
        return self.leg == Leg.PICKUP

    @property
    def missing_documents(self) -> list[dict[str, Any]]:
        return [d for d in (self.documents or []) if not d.get("present")]

    @property
    def failed_attempts(self) -> int:
        return sum(1 for a in self.attempts if a.outcome == "failed")


class DeliveryAttempt(db.Model):
    """One visit to deliver a result: delivered (to whom, ID checked) or failed (why)."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (UniqueConstraint("shipment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    number: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=clock.now)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(10))  # delivered | failed
    reason: Mapped[str] = mapped_column(String(20), default="")  # flow.FAILURE_REASONS
    note: Mapped[str] = mapped_column(String(300), default="")
    recipient_name: Mapped[str] = mapped_column(String(120), default="")
    recipient_relation: Mapped[str] = mapped_column(String(12), default="")
    id_checked: Mapped[bool] = mapped_column(default=False)

    shipment: Mapped[Shipment] = relationship(back_populates="attempts")


class HandoverManifest(db.Model):
    """A hand-over record (biên bản giao nhận) between a post office and a receiving unit.

    ``to_agency``: dossiers the post brings (the officer confirms each item);
    ``from_agency``: results the officer hands to the post worker.
    """

    __tablename__ = "handover_manifests"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    direction: Mapped[str] = mapped_column(String(12))  # to_agency | from_agency
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]

    post_office: Mapped[PostOffice] = relationship()
    unit = relationship("Unit")
    worker = relationship("User", foreign_keys=[worker_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    items: Mapped[list[ManifestItem]] = relationship(
        back_populates="manifest", order_by="ManifestItem.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None


class ManifestItem(db.Model):
    __tablename__ = "manifest_items"
    __table_args__ = (UniqueConstraint("manifest_id", "shipment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manifest_id: Mapped[int] = mapped_column(ForeignKey("handover_manifests.id"), index=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    # None until the receiving side counts it; False: flagged missing.
    received: Mapped[bool | None]
    note: Mapped[str] = mapped_column(String(300), default="")

    manifest: Mapped[HandoverManifest] = relationship(back_populates="items")
    shipment: Mapped[Shipment] = relationship()


class PostOfficeClosure(db.Model):
    """A day the post office takes no pickups (storm, staff away): no slots are offered."""

    __tablename__ = "post_office_closures"
    __table_args__ = (UniqueConstraint("post_office_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"), index=True)
    day: Mapped[date]
    note: Mapped[str] = mapped_column(String(200), default="")

    post_office: Mapped[PostOffice] = relationship(back_populates="closures")


class PostalPayment(db.Model):
    """Money a post worker took for a dossier: the procedure fee and the postage, apart
    (DOMAIN.md §8). One row per receipt; the end-of-day cash report sums these."""

    __tablename__ = "postal_payments"
    __table_args__ = (
        CheckConstraint("fee >= 0 AND postage >= 0", name="amounts_not_negative"),
        Index("ix_postal_payments_office_at", "post_office_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    fee: Mapped[int] = mapped_column(default=0)
    postage: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(default=clock.now)

    post_office: Mapped[PostOffice] = relationship()
    staff = relationship("User")
    shipment: Mapped[Shipment] = relationship()
    dossier = relationship("Dossier")
    procedure = relationship("Procedure")

    @property
    def total(self) -> int:
        return self.fee + self.postage


class ApiToken(db.Model):
    """A post office's key to /api/v1/. Only a hash is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists to tell tokens apart
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    post_office: Mapped[PostOffice] = relationship()


class S10Serial(db.Model):
    """Last serial handed out per service prefix (S10 numbers are never reused)."""

    __tablename__ = "s10_serials"

    prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
