"""Leg A: the papers go from the citizen to the agency (Decision 45/2016, DOMAIN.md §6).

The worker counts the papers with the citizen and collects them (:func:`collect`), puts them
on a hand-over manifest to the receiving unit (:func:`dispatch`), and the officer confirms each
item (:func:`confirm_manifest`); the deadline counts from that confirmation. Papers handed in
at a post-office counter wait there for the clerk's check (:func:`on_submitted`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.dossiers.models import Dossier
from app.dossiers.notices import notify
from app.dossiers.operations.transitions import person
from app.dossiers.statuses import DossierStatus
from app.dossiers.workflow import hop_verdict
from app.extensions import db
from app.payments.operations.cash import confirm_post_cash
from app.postal.errors import PostalError
from app.postal.flow import FINAL, Actor, Leg, Step
from app.postal.flow import ShipmentStatus as S
from app.postal.models import HandoverManifest, ManifestItem, PostalPayment, Shipment
from app.postal.operations.booking import announce_booking
from app.postal.operations.cash import checked_amount, checked_fee, record_payment
from app.postal.operations.steps import (
    new_manifest,
    next_item_number,
    person_name,
    staff_office,
    take_step,
)


def on_submitted(dossier: Dossier, actor: User, ip: str = "") -> None:
    """At submit: papers taken at a post-office counter wait for the clerk's check; a home
    pickup booked on the draft is announced."""
    if dossier.intake_channel == "post_office":
        office = actor.post_office
        if office is None:
            raise PostalError("Tài khoản của bạn chưa được gắn với bưu cục nào.")
        db.session.add(
            Shipment(
                dossier_id=dossier.id,
                leg=Leg.PICKUP,
                status=S.PICKUP_REQUESTED,
                post_office_id=office.id,
                at_counter=True,
                planned_day=clock.today(),
                worker_id=actor.id,
                recipient_name=dossier.applicant_name,
                commune_code=dossier.address_commune_code,
                village=dossier.address_village,
                street=dossier.address_street,
                contact_phone=dossier.applicant_phone,
            )
        )
        db.session.flush()
    elif dossier.intake_channel == "post_pickup":
        announce_booking(dossier, actor, ip)


def assign(shipment: Shipment, worker_id: int) -> None:
    """The item goes to this worker of the office (the view offers only those)."""
    if shipment.status in FINAL:
        raise PostalError("Bưu gửi đã xong, không cần phân công.")
    shipment.worker_id = worker_id
    db.session.flush()


# --- collecting the papers --------------------------------------------------------------------


@dataclass(frozen=True)
class CountedDocument:
    code: str
    present: bool
    kind: str  # original | copy


def checklist(dossier: Dossier) -> list[dict[str, Any]]:
    """The procedure's published list, to count with the citizen (nothing marked yet)."""
    return [
        {
            "code": d.code,
            "name": d.name,
            "kind": "copy" if d.kind == "copy" else "original",
            "allowed": ["original", "copy"] if d.kind == "original_or_copy" else [d.kind],
            "copies": d.copies,
            "required": d.is_required,
            "present": False,
        }
        for d in dossier.procedure.documents
    ]


def collect(
    shipment: Shipment,
    worker: User,
    counted: list[CountedDocument],
    *,
    seal_number: str,
    fee: int | None,
    postage: int | None,
    ip: str = "",
) -> PostalPayment | None:
    """The worker has counted the papers with the citizen, sealed the envelope in front of them
    and taken the fee and the postage: the item gets its S10 number.

    A missing document does not stop the pickup (the citizen may add it when the agency asks);
    it is recorded, printed on the signed list, and the citizen is told by SMS.
    """
    office = staff_office(worker, shipment)
    dossier = shipment.dossier
    if dossier.status != DossierStatus.SUBMITTED:
        raise PostalError("Chỉ nhận giấy tờ của hồ sơ đã nộp và đang chờ tiếp nhận.")
    seal = " ".join((seal_number or "").split())[:40]
    if not seal:
        raise PostalError("Vui lòng ghi số niêm phong của bì hồ sơ.", "seal_number")
    fee, postage = checked_fee(dossier, fee), checked_amount(postage, "postage")
    by_code = {c.code: c for c in counted}
    documents = []
    for line in checklist(dossier):
        mark = by_code.get(line["code"])
        kind = mark.kind if mark and mark.kind in line["allowed"] else line["kind"]
        documents.append({**line, "present": bool(mark and mark.present), "kind": kind})
    if not any(d["present"] for d in documents):
        raise PostalError("Chưa đánh dấu giấy tờ nào người dân giao. Vui lòng kiểm đếm lại.", "")
    missing = [d for d in documents if d["required"] and not d["present"]]
    item = next_item_number(current_app.config["POSTAL_S10_PREFIX"])
    now = clock.now()
    take_step(
        shipment,
        Step.COLLECT,
        worker,
        as_actor=Actor.POSTAL,
        ip=ip,
        note=("Còn thiếu: " + "; ".join(d["name"] for d in missing)) if missing else "",
        data={"seal_number": seal, "fee": fee, "postage": postage, "item_number": item},
        item_number=item,
        seal_number=seal,
        documents=documents,
        picked_up_at=now,
        worker_id=worker.id,
    )
    payment = record_payment(shipment, worker, fee, postage, office)
    if missing:
        notify(
            dossier,
            "pickup_missing",
            reason="Còn thiếu " + "; ".join(d["name"] for d in missing),
        )
    db.session.flush()
    return payment


# --- to the agency ------------------------------------------------------------------------------


def dispatch(worker: User, unit: Unit, shipments: list[Shipment], ip: str = "") -> HandoverManifest:
    """Leg A, step 5: the worker brings collected dossiers to ``unit`` on one manifest."""
    if not shipments:
        raise PostalError("Vui lòng chọn ít nhất một bưu gửi để lập biên bản.", "items")
    office = worker.post_office
    for shipment in shipments:
        staff_office(worker, shipment)
        if shipment.dossier.receiving_unit_id != unit.id:
            raise PostalError(
                f"Bưu gửi {shipment.item_number} thuộc đơn vị tiếp nhận khác.", "items"
            )
    manifest = new_manifest("to_agency", office, unit, worker, worker)
    for shipment in shipments:
        take_step(
            shipment,
            Step.DISPATCH,
            worker,
            as_actor=Actor.POSTAL,
            ip=ip,
            data={"manifest": manifest.number},
        )
        db.session.add(ManifestItem(manifest_id=manifest.id, shipment_id=shipment.id))
    db.session.flush()
    db.session.refresh(manifest)
    return manifest


def confirm_manifest(
    manifest: HandoverManifest,
    officer: User,
    decisions: dict[int, tuple[bool, str]],
    ip: str = "",
) -> int:
    """The officer counts every item of a manifest to the agency: received, or missing.
    Returns how many were missing.

    A received item's dossier has its papers from now on: counting starts from this moment,
    not from the pickup. A missing one goes back to the post office's list to bring again.
    """
    if manifest.direction != "to_agency" or not manifest.is_open:
        raise PostalError("Biên bản này đã được xác nhận.")
    if manifest.unit_id not in officer.unit_ids:
        raise PostalError("Biên bản này gửi đơn vị khác.")
    open_items = [i for i in manifest.items if i.received is None]
    undecided = [i for i in open_items if i.id not in decisions]
    if undecided:
        raise PostalError(
            "Vui lòng đánh dấu từng bưu gửi: đã nhận hay không có trong lô giao.", "items"
        )
    now = clock.now()
    for item in open_items:
        received, note = decisions[item.id]
        shipment = item.shipment
        dossier = shipment.dossier
        item.received = received
        item.note = (note or "").strip()[:300]
        if received:
            take_step(
                shipment,
                Step.RECEIVE,
                officer,
                as_actor=Actor.OFFICER,
                ip=ip,
                note=f"Biên bản giao nhận {manifest.number}",
                data={
                    "manifest": manifest.number,
                    "from": f"{person_name(manifest.worker)} ({manifest.post_office.name})",
                    "to": person(officer, manifest.unit),
                    "verdict": hop_verdict(now.date(), dossier.due_date),
                },
                handed_over_at=now,
            )
            dossier.papers_received_at = now
            confirm_post_cash(dossier, officer)
        else:
            take_step(
                shipment,
                Step.REPORT_MISSING,
                officer,
                as_actor=Actor.OFFICER,
                ip=ip,
                note=item.note,
                data={"manifest": manifest.number},
            )
    manifest.confirmed_by_id = officer.id
    manifest.confirmed_at = now
    db.session.flush()
    return sum(1 for i in manifest.items if i.received is False)
