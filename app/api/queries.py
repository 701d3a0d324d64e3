"""What the API reads: one post office's items, in keyset pages by id. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from app.api.openapi import PAGE_SIZE
from app.catalogue.models import Procedure
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.postal.flow import Leg
from app.postal.flow import ShipmentStatus as S
from app.postal.models import Shipment

# Leg B on its way to the citizen: listed on their planned day and every day after it.
TO_DELIVER = (S.COLLECTED, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED)


@dataclass(frozen=True)
class Page:
    items: list[Shipment]
    next_cursor: str | None


def _office(office_id: int) -> Select:
    """The office's shipments of submitted dossiers (a draft's booking is not work yet)."""
    return (
        select(Shipment)
        .join(Dossier, Dossier.id == Shipment.dossier_id)
        .where(Shipment.post_office_id == office_id, Dossier.status != DossierStatus.DRAFT)
    )


def _page(stmt: Select, after: int | None) -> Page:
    if after is not None:
        stmt = stmt.where(Shipment.id > after)
    rows = list(db.session.scalars(stmt.order_by(Shipment.id).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return Page(rows, str(rows[-1].id) if more else None)


def pickups(office_id: int, day: date, after: int | None) -> Page:
    """Leg A planned for ``day`` (home visits and the counter), whatever their status since."""
    stmt = _office(office_id).where(Shipment.leg == Leg.PICKUP, Shipment.planned_day == day)
    return _page(
        stmt.options(
            selectinload(Shipment.slot),
            selectinload(Shipment.dossier)
            .selectinload(Dossier.procedure)
            .selectinload(Procedure.documents),
        ),
        after,
    )


def deliveries(office_id: int, day: date, after: int | None) -> Page:
    """Leg B to deliver on ``day`` or overdue, and every item held at the post office."""
    stmt = _office(office_id).where(
        Shipment.leg == Leg.RETURN,
        or_(
            and_(
                Shipment.status.in_([s.value for s in TO_DELIVER]),
                Shipment.planned_day <= day,
            ),
            Shipment.status == S.HELD,
        ),
    )
    return _page(
        stmt.options(selectinload(Shipment.dossier), selectinload(Shipment.attempts)), after
    )


def item(office_id: int, item_number: str) -> Shipment | None:
    """The office's item with this number; another office's item is None, like no item."""
    return db.session.scalar(
        _office(office_id)
        .where(Shipment.item_number == item_number)
        .options(selectinload(Shipment.attempts))
    )
