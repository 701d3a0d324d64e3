"""What every step of a postal leg goes through (Decision 45/2016, DOMAIN.md §6), the hand-over
records both legs are made on, and the S10 item numbers.

Every step goes through :func:`take_step`: the state machine of :mod:`app.postal.flow` says
whether it is legal, a guarded UPDATE (… WHERE status = <from>) makes two workers (or a worker
and the operator's API) unable to both take it, and an event goes on the dossier's log, which
is both the audit trail and the citizen's timeline.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.dossiers.events import log_event
from app.extensions import db
from app.postal import flow, s10
from app.postal.errors import PostalError
from app.postal.flow import Actor, IllegalStep, Step
from app.postal.models import HandoverManifest, PostOffice, S10Serial, Shipment

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


def take_step(
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


def staff_office(staff: User, shipment: Shipment) -> PostOffice:
    """The item's office, which must be the staff member's own."""
    if staff.post_office_id != shipment.post_office_id:
        raise PostalError("Bưu gửi này thuộc bưu cục khác.")
    return shipment.post_office


def person_name(user: User | None) -> str:
    return user.full_name if user else "Nhân viên bưu điện"


def new_manifest(
    direction: str, office: PostOffice, unit: Unit, creator: User, worker: User | None
) -> HandoverManifest:
    """An empty hand-over record (biên bản giao nhận), numbered by the office."""
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


def dialect_insert(table):  # type: ignore[no-untyped-def]
    """INSERT with ON CONFLICT, on PostgreSQL and on SQLite alike."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def next_item_number(prefix: str) -> str:
    """A new S10 item number: the next serial for ``prefix``, taken atomically."""
    table = S10Serial.__table__
    stmt = (
        dialect_insert(table)
        .values(prefix=prefix, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.prefix], set_={"last_value": table.c.last_value + 1}
        )
        .returning(table.c.last_value)
    )
    serial = int(db.session.execute(stmt).scalar_one())
    # Serials are never handed out twice, so no number is reused within 12 months (or ever);
    # the 99,999,999th item of a prefix ends it, and a province then configures a new prefix.
    return s10.item_number(prefix, serial)
