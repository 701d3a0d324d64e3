"""Reading the outbox: a message by its gateway's id, the gateways' health, what waits.

For the administrator's pages (/quan-tri/tin-nhan) and the delivery reports; no writes.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.notifications.channels import id_in_key, key_of
from app.notifications.models import GatewayState, Notification, OutboxStatus


def message_for_report(
    channel: str, gateway_id: str, request_id: str, *, prefix: str, lock: bool = False
) -> Notification | None:
    """The message a delivery report is about: by the gateway's id (eSMS SMSID), else by our
    own key (eSMS RequestId, :func:`~app.notifications.channels.message_key`), which must match
    whole (site prefix, row id, creation time), so a report of another site or of an id reused
    after a database was started again finds nothing. ``lock``: until the commit (the sender
    holds the row while it sends: the report waits and then sees the sender's outcome)."""
    query = select(Notification).where(Notification.channel == channel)
    if lock:
        query = query.with_for_update()
    if gateway_id:
        found = db.session.scalars(
            query.where(Notification.gateway_id == gateway_id).order_by(Notification.id).limit(1)
        ).first()
        if found is not None:
            return found
    row_id = id_in_key(request_id) if request_id else None
    if row_id is None:
        return None
    row = db.session.scalar(query.where(Notification.id == row_id))
    if row is None or key_of(row.id, row.created_at, prefix) != request_id.strip():
        return None
    return row


def gateway_states() -> list[GatewayState]:
    """The last known health of each channel's gateway (channels never used: no row)."""
    return list(db.session.scalars(select(GatewayState).order_by(GatewayState.channel)))


def refused_gateways() -> list[GatewayState]:
    """The gateways refusing our account now (keys, balance, brand name): the admin banner."""
    return [state for state in gateway_states() if state.refused]


def held_count(channel: str | None = None) -> int:
    """Messages waiting because their gateway refuses our account."""
    query = select(func.count(Notification.id)).where(
        Notification.status == OutboxStatus.PENDING, Notification.held_reason != ""
    )
    if channel:
        query = query.where(Notification.channel == channel)
    return db.session.scalar(query) or 0
