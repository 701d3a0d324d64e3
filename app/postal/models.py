"""Post offices, their pickup slots, and the postal legs of a dossier (Decision 45/2016)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.extensions import db


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
        back_populates="post_office", cascade="all, delete-orphan", order_by="SlotTemplateRow.id"
    )


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
    """A dated pickup window. ``booked`` never exceeds ``capacity``: the check constraint
    backs up the guarded UPDATE that takes a place (app/postal/services.py)."""

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


class Shipment(db.Model):
    """One postal leg of a dossier: "pickup" (papers to the agency) or "return" (the result)."""

    __tablename__ = "shipments"
    __table_args__ = (UniqueConstraint("dossier_id", "leg"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    leg: Mapped[str] = mapped_column(String(8))  # pickup | return
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_offices.id"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_slots.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    commune_code: Mapped[str] = mapped_column(String(10), default="")
    village: Mapped[str] = mapped_column(String(120), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    landmark: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(10), default="")
    item_number: Mapped[str | None] = mapped_column(String(13), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    dossier = relationship("Dossier")
    post_office: Mapped[PostOffice] = relationship()
    slot: Mapped[PickupSlot | None] = relationship()


class S10Serial(db.Model):
    """Last serial handed out per service prefix (S10 numbers are never reused)."""

    __tablename__ = "s10_serials"

    prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
