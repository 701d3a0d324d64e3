"""The one-stop officer's side of the post: the manifests of their units, and the results that
wait for the post office to collect them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.postal.flow import Leg
from app.postal.flow import ShipmentStatus as S
from app.postal.models import HandoverManifest, PostOffice, Shipment


def _ids(unit_ids: Iterable[int]) -> list[int]:
    return sorted(unit_ids) or [-1]


def incoming_manifests(unit_ids: frozenset[int]) -> list[HandoverManifest]:
    """Dossiers the post brought to these units, on manifests not confirmed yet."""
    return list(
        db.session.scalars(
            select(HandoverManifest)
            .where(
                HandoverManifest.unit_id.in_(_ids(unit_ids)),
                HandoverManifest.direction == "to_agency",
                HandoverManifest.confirmed_at.is_(None),
            )
            .order_by(HandoverManifest.created_at)
        )
    )


def recent_manifests(unit_ids: frozenset[int], limit: int = 20) -> list[HandoverManifest]:
    """The units' latest confirmed manifests, both ways."""
    return list(
        db.session.scalars(
            select(HandoverManifest)
            .where(
                HandoverManifest.unit_id.in_(_ids(unit_ids)),
                HandoverManifest.confirmed_at.is_not(None),
            )
            .order_by(HandoverManifest.id.desc())
            .limit(limit)
        )
    )


def waiting_results(unit_ids: frozenset[int], office_id: int | None = None) -> list[Shipment]:
    """Results of these units that wait for the post office (or for ``office_id``) to collect
    them."""
    stmt = (
        select(Shipment)
        .join(Dossier, Dossier.id == Shipment.dossier_id)
        .where(
            Shipment.leg == Leg.RETURN,
            Shipment.status == S.RESULT_READY,
            Dossier.receiving_unit_id.in_(_ids(unit_ids)),
            Dossier.status == DossierStatus.RESULT_READY,
        )
        .order_by(Shipment.post_office_id, Shipment.id)
    )
    if office_id is not None:
        stmt = stmt.where(Shipment.post_office_id == office_id)
    return list(db.session.scalars(stmt))


def offices_by_id(ids: Iterable[int]) -> dict[int, PostOffice]:
    return {
        o.id: o for o in db.session.scalars(select(PostOffice).where(PostOffice.id.in_(list(ids))))
    }
