"""The two postal legs of a dossier, step by step (Decision 45/2016, DOMAIN.md §6).

Leg A: the worker counts the papers with the citizen and collects them (:func:`collect`), puts
them on a hand-over manifest to the receiving unit (:func:`dispatch`), and the officer confirms
each item (:func:`confirm_manifest`); the deadline counts from that confirmation.
Leg B: when the result is ready a return shipment waits at the agency (:func:`on_result_ready`);
the officer hands results to the worker on a manifest (:func:`hand_results_to_post`), and the
worker delivers, fails and tries again, holds it at the post office, or returns it.

Every step goes through :func:`_step`: the state machine of :mod:`app.postal.flow` says whether
it is legal, a guarded UPDATE (… WHERE status = <from>) makes two workers (or a worker and the
operator's API) unable to both take it, and an event goes on the dossier's log, which is both
the audit trail and the citizen's timeline. Services flush; the caller commits.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import add_working_days
from app.dossiers.events import log_event
from app.dossiers.models import Dossier
from app.dossiers.notices import notify
from app.dossiers.operations.processing import return_result
from app.dossiers.operations.transitions import person
from app.dossiers.statuses import POSTAL_INTAKE, DossierStatus
from app.dossiers.workflow import hop_verdict
from app.extensions import db
from app.postal import flow
from app.postal.flow import Actor, IllegalStep, Leg, Step
from app.postal.flow import ShipmentStatus as S
from app.postal.models import (
    DeliveryAttempt,
    HandoverManifest,
    ManifestItem,
    PostalPayment,
    PostOffice,
    Shipment,
)
from app.postal.services import (
    PostalError,
    announce_booking,
    cancel_pickup,
    next_item_number,
    post_office_for,
    shipment_of,
)

# The hand-over record being made by :func:`hand_results_to_post`, and its worker, while it
# returns each dossier (the returns come back here through on_result_returned).
_handover: ContextVar[tuple[HandoverManifest, User | None] | None] = ContextVar(
    "postal_handover", default=None
)

# The dossier event recorded by each step (labels in app/dossiers/models.py EVENT_LABELS).
EVENT_OF = {
    Step.COLLECT: "postal_picked_up",
    Step.DISPATCH: "postal_in_transit",
    Step.RECEIVE: "postal_handed_to_agency",
    Step.REPORT_MISSING: "postal_not_received",
    Step.COLLECT_RESULT: "postal_result_collected",
    Step.OUT_FOR_DELIVERY: "postal_out_for_delivery",
    Step.DELIVER: "postal_delivered",
    Step.FAIL: "postal_delivery_failed",
    Step.HOLD: "postal_held",
    Step.RETURN_TO_AGENCY: "postal_returned_to_agency",
}
# Discrepancies between the post and the agency are for them to settle, not the citizen's.
INTERNAL_STEPS = frozenset({Step.REPORT_MISSING})


def _step(
    shipment: Shipment,
    step: Step,
    actor: User | None,
    *,
    as_actor: Actor,
    ip: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    external_id: str | None = None,
    source: str = "",
    **values: Any,
) -> flow.Transition:
    """Check and take ``step``; ``values`` are set on the shipment in the same UPDATE.

    ``external_id`` and ``source`` record an event reported by another system (the postal
    operator's API): the unique external id makes the same event impossible to record twice.
    The public steps take what that system reported (e.g. its own time) as ``reported``."""
    transition = flow.check(shipment.status, step, as_actor)
    claimed = db.session.execute(
        update(Shipment)
        .where(Shipment.id == shipment.id, Shipment.status == transition.source)
        .values(status=transition.target, updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(shipment)
        raise IllegalStep(
            "Bưu gửi vừa được người khác cập nhật nên thao tác của bạn chưa được ghi nhận. "
            "Vui lòng xem lại trạng thái mới.",
            "conflict",
        )
    db.session.refresh(shipment)
    event = log_event(
        shipment.dossier,
        actor,
        EVENT_OF[step],
        note=note,
        internal=step in INTERNAL_STEPS,
        ip=ip,
        data={
            "shipment_id": shipment.id,
            "leg": shipment.leg,
            "shipment_from": transition.source.value,
            "shipment_to": transition.target.value,
            "item_number": shipment.item_number,
            **({"source": source} if source else {}),
            **(data or {}),
        },
    )
    event.external_id = external_id
    return transition


def _amount(value: int | None, field: str) -> int:
    if value is None or value < 0:
        raise PostalError("Số tiền phải là số không âm (đồng).", field)
    return int(value)


def _payment(
    shipment: Shipment, staff: User, fee: int, postage: int, office: PostOffice
) -> PostalPayment | None:
    """One receipt for what was taken now; nothing when nothing was paid."""
    if fee + postage == 0:
        return None
    payment = PostalPayment(
        receipt_number=f"tmp-{uuid.uuid4().hex}",
        post_office_id=office.id,
        staff_id=staff.id,
        shipment_id=shipment.id,
        dossier_id=shipment.dossier_id,
        procedure_id=shipment.dossier.procedure_id,
        fee=fee,
        postage=postage,
        at=clock.now(),
    )
    db.session.add(payment)
    db.session.flush()
    payment.receipt_number = f"BL-{office.code}-{payment.id:07d}"
    return payment


def _staff_office(staff: User, shipment: Shipment) -> PostOffice:
    if staff.post_office_id != shipment.post_office_id:
        raise PostalError("Bưu gửi này thuộc bưu cục khác.")
    return shipment.post_office


# --- hooks from the dossier's own life ------------------------------------------------------


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


def on_closed(dossier: Dossier, actor: User | None, ip: str = "") -> None:
    """Refused, withdrawn or stopped before the worker came: the booked place is freed."""
    pickup = shipment_of(dossier, Leg.PICKUP)
    if pickup is not None and pickup.status == S.PICKUP_REQUESTED:
        cancel_pickup(pickup, actor, ip)


def on_intake_changed(dossier: Dossier, actor: User | None, previous: str | None) -> None:
    """The draft's papers no longer go by home pickup: a booked pickup is not wanted."""
    if previous == "post_pickup":
        on_closed(dossier, actor)


def on_result_returned(dossier: Dossier, actor: User, via: str, ip: str = "") -> None:
    """A result returned "by post" goes to the post office waiting for it, on the hand-over
    record being made (:func:`hand_results_to_post`) or, returned from the dossier's page, on
    a record of its own."""
    shipment = shipment_of(dossier, Leg.RETURN)
    if via != "post" or shipment is None or shipment.status != S.RESULT_READY:
        return
    handover = _handover.get()
    if handover is None:
        manifest = _manifest(
            "from_agency", shipment.post_office, dossier.receiving_unit, actor, None
        )
        _collect_result(shipment, actor, manifest, None, ip)
        manifest.confirmed_at = clock.now()
        db.session.flush()
    else:
        manifest, worker = handover
        _collect_result(shipment, actor, manifest, worker, ip)


def awaiting_papers(dossier: Dossier) -> bool:
    """The papers travel by post and the receiving unit has not confirmed them yet."""
    return dossier.intake_channel in POSTAL_INTAKE and dossier.papers_received_at is None


# --- leg A: collecting the papers -----------------------------------------------------------


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


def expected_fee(dossier: Dossier) -> int:
    """The procedure fee for papers sent by post (DOMAIN.md §8: fees differ by channel)."""
    return dossier.procedure.fee_for("post") if "post" in dossier.procedure.channels else 0


def amount_to_collect(shipment: Shipment) -> int:
    """What the worker takes at the stop: the fee and postage with the papers, the postage of
    the return with the result (DOMAIN.md §8: postage is paid by the citizen)."""
    if shipment.leg == Leg.PICKUP:
        return expected_fee(shipment.dossier) + current_app.config["POSTAL_POSTAGE_PICKUP"]
    return current_app.config["POSTAL_POSTAGE_RETURN"]


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
    office = _staff_office(worker, shipment)
    dossier = shipment.dossier
    if dossier.status != DossierStatus.SUBMITTED:
        raise PostalError("Chỉ nhận giấy tờ của hồ sơ đã nộp và đang chờ tiếp nhận.")
    seal = " ".join((seal_number or "").split())[:40]
    if not seal:
        raise PostalError("Vui lòng ghi số niêm phong của bì hồ sơ.", "seal_number")
    fee, postage = _amount(fee, "fee"), _amount(postage, "postage")
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
    _step(
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
    payment = _payment(shipment, worker, fee, postage, office)
    if missing:
        notify(
            dossier,
            "pickup_missing",
            reason="Còn thiếu " + "; ".join(d["name"] for d in missing),
        )
    db.session.flush()
    return payment


# --- hand-over manifests --------------------------------------------------------------------


def _manifest(direction: str, office: PostOffice, unit: Unit, creator: User, worker: User | None):  # type: ignore[no-untyped-def]
    manifest = HandoverManifest(
        number=f"tmp-{uuid.uuid4().hex}",
        direction=direction,
        post_office_id=office.id,
        unit_id=unit.id,
        worker_id=worker.id if worker else None,
        created_by_id=creator.id,
        created_at=clock.now(),
    )
    db.session.add(manifest)
    db.session.flush()
    manifest.number = f"BBGN-{office.code}-{manifest.id:06d}"
    return manifest


def dispatch(worker: User, unit: Unit, shipments: list[Shipment], ip: str = "") -> HandoverManifest:
    """Leg A, step 5: the worker brings collected dossiers to ``unit`` on one manifest."""
    if not shipments:
        raise PostalError("Vui lòng chọn ít nhất một bưu gửi để lập biên bản.", "items")
    office = worker.post_office
    for shipment in shipments:
        _staff_office(worker, shipment)
        if shipment.dossier.receiving_unit_id != unit.id:
            raise PostalError(
                f"Bưu gửi {shipment.item_number} thuộc đơn vị tiếp nhận khác.", "items"
            )
    manifest = _manifest("to_agency", office, unit, worker, worker)
    for shipment in shipments:
        _step(
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
) -> None:
    """The officer counts every item of a manifest to the agency: received, or missing.

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
            _step(
                shipment,
                Step.RECEIVE,
                officer,
                as_actor=Actor.OFFICER,
                ip=ip,
                note=f"Biên bản giao nhận {manifest.number}",
                data={
                    "manifest": manifest.number,
                    "from": f"{_name(manifest.worker)} ({manifest.post_office.name})",
                    "to": person(officer, manifest.unit),
                    "verdict": hop_verdict(now.date(), dossier.due_date),
                },
                handed_over_at=now,
            )
            dossier.papers_received_at = now
        else:
            _step(
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


def _name(user: User | None) -> str:
    return user.full_name if user else "Nhân viên bưu điện"


# --- leg B: the result ----------------------------------------------------------------------


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
    manifest = _manifest("from_agency", office, unit, officer, worker)
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
    _step(
        shipment,
        Step.COLLECT_RESULT,
        officer,
        as_actor=Actor.OFFICER,
        ip=ip,
        note=f"Biên bản giao nhận {manifest.number}",
        data={
            "manifest": manifest.number,
            "from": person(officer, unit),
            "to": f"{_name(worker)} ({manifest.post_office.name})",
        },
        item_number=shipment.item_number
        or next_item_number(current_app.config["POSTAL_S10_PREFIX"]),
        handed_over_at=clock.now(),
        worker_id=worker.id if worker else shipment.worker_id,
        planned_day=today if calendar.is_working_day(today) else calendar.next_working_day(today),
    )
    db.session.add(ManifestItem(manifest_id=manifest.id, shipment_id=shipment.id, received=True))


def out_for_delivery(
    shipment: Shipment,
    worker: User | None,
    *,
    ip: str = "",
    external_id: str | None = None,
    source: str = "",
    reported: dict[str, Any] | None = None,
) -> None:
    values: dict[str, Any] = {"planned_day": clock.today()}
    if worker is not None:
        _staff_office(worker, shipment)
        values["worker_id"] = worker.id
    _step(
        shipment,
        Step.OUT_FOR_DELIVERY,
        worker,
        as_actor=Actor.POSTAL,
        ip=ip,
        data=reported,
        external_id=external_id,
        source=source,
        **values,
    )
    notify(shipment.dossier, "out_for_delivery", item_number=shipment.item_number or "")


def deliver(
    shipment: Shipment,
    worker: User | None,
    *,
    recipient_name: str,
    relation: str,
    id_checked: bool,
    postage: int | None = 0,
    note: str = "",
    ip: str = "",
    external_id: str | None = None,
    source: str = "",
    reported: dict[str, Any] | None = None,
) -> PostalPayment | None:
    """Handed to the applicant (or a relative, or someone authorised) who showed their ID."""
    name = " ".join((recipient_name or "").split())[:120]
    if not name:
        raise PostalError("Vui lòng ghi họ tên người nhận.", "recipient_name")
    if relation not in flow.RECIPIENT_RELATIONS:
        raise PostalError("Vui lòng chọn quan hệ của người nhận với người nộp.", "relation")
    if not id_checked:
        raise PostalError("Chỉ giao khi đã kiểm tra giấy tờ tùy thân của người nhận.", "id_checked")
    postage = _amount(postage, "postage")
    office = _staff_office(worker, shipment) if worker is not None else shipment.post_office
    now = clock.now()
    relation_label = flow.RECIPIENT_RELATIONS[relation]
    _step(
        shipment,
        Step.DELIVER,
        worker,
        as_actor=Actor.POSTAL,
        ip=ip,
        note=f"Người nhận: {name} ({relation_label.lower()})",
        data={**(reported or {}), "recipient_name": name, "relation": relation, "id_checked": True},
        external_id=external_id,
        source=source,
        delivered_at=now,
    )
    db.session.add(
        DeliveryAttempt(
            shipment_id=shipment.id,
            number=len(shipment.attempts) + 1,
            at=now,
            worker_id=worker.id if worker else None,
            outcome="delivered",
            note=(note or "").strip()[:300],
            recipient_name=name,
            recipient_relation=relation,
            id_checked=True,
        )
    )
    payment = _payment(shipment, worker, 0, postage, office) if worker is not None else None
    db.session.flush()
    db.session.refresh(shipment)  # the new attempt shows in shipment.attempts
    return payment


def fail(
    shipment: Shipment,
    worker: User | None,
    *,
    reason: str,
    note: str = "",
    ip: str = "",
    external_id: str | None = None,
    source: str = "",
    reported: dict[str, Any] | None = None,
) -> bool:
    """A failed attempt. After the configured number of attempts the result is held at the
    post office and the citizen is told where to collect it, and until when. True if held."""
    if reason not in flow.FAILURE_REASONS:
        raise PostalError("Vui lòng chọn lý do giao không thành công.", "reason")
    if worker is not None:
        _staff_office(worker, shipment)
    note = (note or "").strip()[:300]
    label = flow.FAILURE_REASONS[reason]
    calendar = working_calendar()
    today = clock.today()
    number = len(shipment.attempts) + 1
    _step(
        shipment,
        Step.FAIL,
        worker,
        as_actor=Actor.POSTAL,
        ip=ip,
        note=f"Lần {number}: {label}" + (f" ({note})" if note else ""),
        data={**(reported or {}), "attempt": number, "reason": reason},
        external_id=external_id,
        source=source,
        planned_day=calendar.next_working_day(today),
    )
    db.session.add(
        DeliveryAttempt(
            shipment_id=shipment.id,
            number=number,
            at=clock.now(),
            worker_id=worker.id if worker else None,
            outcome="failed",
            reason=reason,
            note=note,
        )
    )
    db.session.flush()
    db.session.refresh(shipment)
    if flow.after_failure(shipment.failed_attempts, current_app.config["POSTAL_DELIVERY_ATTEMPTS"]):
        hold(shipment, worker, ip=ip, source=source)
        return True
    return False


def hold(shipment: Shipment, worker: User | None, *, ip: str = "", source: str = "") -> None:
    until = add_working_days(
        clock.today(), current_app.config["POSTAL_HOLD_DAYS"], working_calendar()
    )
    office = shipment.post_office
    _step(
        shipment,
        Step.HOLD,
        worker,
        as_actor=Actor.POSTAL,
        ip=ip,
        note=f"Tại {office.name}, {office.address}, đến hết ngày {until:%d/%m/%Y}",
        data={"held_until": until.isoformat()},
        source=source,
        held_until=until,
    )
    notify(
        shipment.dossier,
        "held_at_post_office",
        due_date=until,
        place=office.name,
        item_number=shipment.item_number or "",
    )


def return_to_agency(
    shipment: Shipment,
    worker: User | None,
    *,
    ip: str = "",
    external_id: str | None = None,
    source: str = "",
    reported: dict[str, Any] | None = None,
    today: date | None = None,
) -> None:
    """The holding period is over and nobody came: the result goes back to the agency."""
    today = today or clock.today()
    if shipment.held_until is not None and today <= shipment.held_until:
        raise PostalError(
            f"Kết quả còn được lưu giữ đến hết ngày {shipment.held_until:%d/%m/%Y}.",
            "held_until",
        )
    if worker is not None:
        _staff_office(worker, shipment)
    _step(
        shipment,
        Step.RETURN_TO_AGENCY,
        worker,
        as_actor=Actor.POSTAL,
        ip=ip,
        note="Hết thời hạn lưu giữ; Ông/Bà liên hệ Bộ phận Một cửa để nhận kết quả.",
        data=reported,
        external_id=external_id,
        source=source,
    )


def waiting_results(unit_ids: frozenset[int]) -> list[Shipment]:
    """Results of these units that wait for the post office to collect them."""
    return list(
        db.session.scalars(
            select(Shipment)
            .join(Dossier, Dossier.id == Shipment.dossier_id)
            .where(
                Shipment.leg == Leg.RETURN,
                Shipment.status == S.RESULT_READY,
                Dossier.receiving_unit_id.in_(sorted(unit_ids) or [-1]),
                Dossier.status == DossierStatus.RESULT_READY,
            )
            .order_by(Shipment.post_office_id, Shipment.id)
        )
    )
