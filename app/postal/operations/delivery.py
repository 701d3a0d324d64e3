"""Leg B at the citizen's door: the worker goes out, delivers against an ID, fails and tries
again, holds the result at the post office, or returns it to the agency when nobody came.

Each step is taken by a worker on the pages, or by the postal operator's systems through the
API (``worker`` None, with the event's ``external_id``, ``source`` and what it ``reported``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from app.accounts.models import User
from app.core import clock
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import add_working_days
from app.dossiers.notices import notify
from app.extensions import db
from app.postal import flow
from app.postal.errors import PostalError
from app.postal.flow import Actor, Step
from app.postal.models import DeliveryAttempt, PostalPayment, Shipment
from app.postal.operations.cash import checked_amount, record_payment
from app.postal.operations.steps import staff_office, take_step


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
        staff_office(worker, shipment)
        values["worker_id"] = worker.id
    take_step(
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
    postage = checked_amount(postage, "postage")
    office = staff_office(worker, shipment) if worker is not None else shipment.post_office
    now = clock.now()
    relation_label = flow.RECIPIENT_RELATIONS[relation]
    take_step(
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
    payment = record_payment(shipment, worker, 0, postage, office) if worker is not None else None
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
        staff_office(worker, shipment)
    note = (note or "").strip()[:300]
    label = flow.FAILURE_REASONS[reason]
    calendar = working_calendar()
    today = clock.today()
    number = len(shipment.attempts) + 1
    take_step(
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
    take_step(
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
        staff_office(worker, shipment)
    take_step(
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
