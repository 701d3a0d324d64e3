"""Leg B begins: a result going back by post waits at the agency (:func:`on_result_ready`), and
the officer hands results to the post on a hand-over record (:func:`hand_results_to_post`),
each item numbered as it leaves (DOMAIN.md §6)."""

from __future__ import annotations

from collections import defaultdict
from contextvars import ContextVar

from flask import current_app

from app.accounts.models import User
from app.core import clock
from app.dossiers.calendar import working_calendar
from app.dossiers.models import Dossier
from app.dossiers.operations.processing import return_result
from app.dossiers.operations.transitions import person
from app.extensions import db
from app.postal.errors import PostalError
from app.postal.flow import Actor, Leg, Step
from app.postal.flow import ShipmentStatus as S
from app.postal.models import HandoverManifest, ManifestItem, Shipment
from app.postal.operations.steps import new_manifest, next_item_number, person_name, take_step
from app.postal.queries.shipments import post_office_for, shipment_of

# The hand-over record being made by :func:`hand_results_to_post`, and its worker, while it
# returns each dossier (the returns come back here through on_result_returned).
_handover: ContextVar[tuple[HandoverManifest, User | None] | None] = ContextVar(
    "postal_handover", default=None
)


def on_result_ready(dossier: Dossier) -> Shipment | None:
    """A result going back by post waits at the agency for the post office that serves the
    delivery address (or, failing that, the office that brought the papers)."""
    if dossier.return_channel != "post" or shipment_of(dossier, Leg.RETURN) is not None:
        return None
    office = post_office_for(dossier.return_commune_code)
    pickup = shipment_of(dossier, Leg.PICKUP)
    if office is None and pickup is not None:
        office = pickup.post_office
    if office is None:
        return None
    shipment = Shipment(
        dossier_id=dossier.id,
        leg=Leg.RETURN,
        status=S.RESULT_READY,
        post_office_id=office.id,
        recipient_name=dossier.applicant_name,
        commune_code=dossier.return_commune_code,
        village=dossier.return_village,
        street=dossier.return_street,
        landmark=pickup.landmark if pickup is not None else "",
        contact_phone=dossier.applicant_phone,
    )
    db.session.add(shipment)
    db.session.flush()
    return shipment


def on_result_returned(dossier: Dossier, actor: User, via: str, ip: str = "") -> None:
    """A result returned "by post" goes to the post office waiting for it, on the hand-over
    record being made (:func:`hand_results_to_post`) or, returned from the dossier's page, on
    a record of its own."""
    shipment = shipment_of(dossier, Leg.RETURN)
    if via != "post" or shipment is None or shipment.status != S.RESULT_READY:
        return
    handover = _handover.get()
    if handover is None:
        manifest = new_manifest(
            "from_agency", shipment.post_office, dossier.receiving_unit, actor, None
        )
        _collect_result(shipment, actor, manifest, None, ip)
        manifest.confirmed_at = clock.now()
        db.session.flush()
    else:
        manifest, worker = handover
        _collect_result(shipment, actor, manifest, worker, ip)


def hand_results(
    officer: User, worker: User | None, shipments: list[Shipment], ip: str = ""
) -> list[HandoverManifest]:
    """The results the officer ticked for one post office, on one record per receiving unit."""
    by_unit: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in shipments:
        by_unit[shipment.dossier.receiving_unit_id].append(shipment)
    return [hand_results_to_post(officer, worker, items, ip=ip) for items in by_unit.values()]


def hand_results_to_post(
    officer: User, worker: User | None, shipments: list[Shipment], ip: str = ""
) -> HandoverManifest:
    """The officer hands results to the post on one manifest: each dossier is returned
    (via the post, on time or late against the date promised) and its item gets a number."""
    if not shipments:
        raise PostalError("Vui lòng chọn ít nhất một kết quả để giao cho bưu điện.", "items")
    offices = {s.post_office_id for s in shipments}
    units = {s.dossier.receiving_unit_id for s in shipments}
    if len(offices) != 1 or len(units) != 1:
        raise PostalError("Mỗi biên bản chỉ gồm kết quả của một đơn vị giao cho một bưu cục.")
    office = shipments[0].post_office
    unit = shipments[0].dossier.receiving_unit
    if worker is not None and worker.post_office_id != office.id:
        raise PostalError("Nhân viên nhận phải thuộc bưu cục phục vụ địa chỉ nhận.", "worker")
    manifest = new_manifest("from_agency", office, unit, officer, worker)
    token = _handover.set((manifest, worker))
    try:
        for shipment in shipments:  # each return reaches on_result_returned, which collects
            return_result(shipment.dossier, officer, "post", ip=ip)
    finally:
        _handover.reset(token)
    manifest.confirmed_by_id = worker.id if worker else None
    manifest.confirmed_at = clock.now()
    db.session.flush()
    db.session.refresh(manifest)
    return manifest


def _collect_result(
    shipment: Shipment, officer: User, manifest: HandoverManifest, worker: User | None, ip: str
) -> None:
    """Leg B, step 1: the result leaves the agency on ``manifest``; the item gets its number."""
    today = clock.today()
    calendar = working_calendar()
    unit = manifest.unit
    take_step(
        shipment,
        Step.COLLECT_RESULT,
        officer,
        as_actor=Actor.OFFICER,
        ip=ip,
        note=f"Biên bản giao nhận {manifest.number}",
        data={
            "manifest": manifest.number,
            "from": person(officer, unit),
            "to": f"{person_name(worker)} ({manifest.post_office.name})",
        },
        item_number=shipment.item_number
        or next_item_number(current_app.config["POSTAL_S10_PREFIX"]),
        handed_over_at=clock.now(),
        worker_id=worker.id if worker else shipment.worker_id,
        planned_day=today if calendar.is_working_day(today) else calendar.next_working_day(today),
    )
    db.session.add(ManifestItem(manifest_id=manifest.id, shipment_id=shipment.id, received=True))
