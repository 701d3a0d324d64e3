"""Reading the outbox: a message by its gateway's id, the gateways' health, what waits.

For the administrator's pages (/quan-tri/tin-nhan) and the delivery reports; no writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, select

from app.core.bounds import DayOutOfRange, parse_day, parse_id
from app.core.identity import normalise_phone
from app.extensions import db
from app.notifications.channels import id_in_key, key_of
from app.notifications.labels import (
    CHANNELS,
    GATEWAY_NAMES,
    SHOWN_STATUSES,
    MonthCost,
    as_date,
    last_months,
    monthly,
    refusal_text,
)
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


# --- the administrator's outbox (/quan-tri/tin-nhan) ---------------------------------------------

OUTBOX_PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxFilters:
    status: str = ""  # a key of labels.SHOWN_STATUSES
    channel: str = ""  # sms | email
    day: date | None = None  # created that day
    recipient: str = ""  # exact: a phone (any way it is written) or an e-mail address

    def as_args(self) -> dict[str, str]:
        args = {
            "trang-thai": self.status,
            "kenh": self.channel,
            "ngay": self.day.isoformat() if self.day else "",
            "nguoi-nhan": self.recipient,
        }
        return {k: v for k, v in args.items() if v}


def outbox_filters_from(args) -> OutboxFilters:  # type: ignore[no-untyped-def]
    """The filters of the page's query string; anything unknown is no filter."""
    status = args.get("trang-thai", "")
    channel = args.get("kenh", "")
    try:
        day = parse_day(args.get("ngay", ""))
    except DayOutOfRange:
        day = None
    raw = args.get("nguoi-nhan", "").strip()[:254]
    recipient = normalise_phone(raw) or raw.lower()
    return OutboxFilters(
        status=status if status in SHOWN_STATUSES else "",
        channel=channel if channel in CHANNELS else "",
        day=day,
        recipient=recipient,
    )


@dataclass(frozen=True)
class OutboxPage:
    items: list[Notification]
    next_cursor: str = ""  # the id to read on from (?sau=), "" on the last page


def _shown_status() -> ColumnElement[str]:
    pending = Notification.status == OutboxStatus.PENDING
    return case(
        (and_(pending, Notification.held_reason != ""), "held"),
        (pending, "queued"),
        else_=Notification.status,
    )


def _filtered(stmt: Select, filters: OutboxFilters) -> Select:
    if filters.status == "held":
        stmt = stmt.where(
            Notification.status == OutboxStatus.PENDING, Notification.held_reason != ""
        )
    elif filters.status == "queued":
        stmt = stmt.where(
            Notification.status == OutboxStatus.PENDING, Notification.held_reason == ""
        )
    elif filters.status:
        stmt = stmt.where(Notification.status == filters.status)
    if filters.channel:
        stmt = stmt.where(Notification.channel == filters.channel)
    if filters.day:
        start = datetime.combine(filters.day, time())
        stmt = stmt.where(
            Notification.created_at >= start, Notification.created_at < start + timedelta(days=1)
        )
    if filters.recipient:
        stmt = stmt.where(func.lower(Notification.recipient) == filters.recipient)
    return stmt


def outbox_page(filters: OutboxFilters, cursor: str = "") -> OutboxPage:
    """One page of messages, newest first, keyset-paged on the id (``cursor``: the last id of
    the page before; a malformed one gives the first page)."""
    stmt = _filtered(select(Notification), filters)
    after = parse_id(cursor)
    if after is not None:
        stmt = stmt.where(Notification.id < after)
    rows = list(
        db.session.scalars(stmt.order_by(Notification.id.desc()).limit(OUTBOX_PAGE_SIZE + 1))
    )
    if len(rows) <= OUTBOX_PAGE_SIZE:
        return OutboxPage(rows)
    return OutboxPage(rows[:OUTBOX_PAGE_SIZE], str(rows[OUTBOX_PAGE_SIZE - 1].id))


@dataclass(frozen=True)
class DayCounts:
    day: date
    channel: str
    counts: dict[str, int]  # shown status → messages

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def daily_counts(today: date, days: int = 14) -> list[DayCounts]:
    """Messages created on each of the last ``days`` days by channel and shown status, newest
    day first; a day and channel with no message has no line."""
    since = datetime.combine(today - timedelta(days=days - 1), time())
    day, shown = func.date(Notification.created_at), _shown_status()
    rows = db.session.execute(
        select(day, Notification.channel, shown, func.count(Notification.id))
        .where(Notification.created_at >= since)
        .group_by(day, Notification.channel, shown)
    )
    lines: dict[tuple[date, str], dict[str, int]] = {}
    for created, channel, status, count in rows:
        lines.setdefault((as_date(created), channel), {})[status] = count
    return [
        DayCounts(day_, channel, counts)
        for (day_, channel), counts in sorted(
            lines.items(), key=lambda x: (-x[0][0].toordinal(), x[0][1])
        )
    ]


def sms_months(today: date, months: int = 12) -> list[MonthCost]:
    """SMS accepted by the gateway (what it charges) and their segments per month, for the
    last ``months`` months, newest first."""
    first = last_months(today, months)[-1]
    day = func.date(Notification.sent_at)
    rows = db.session.execute(
        select(day, func.count(Notification.id), func.coalesce(func.sum(Notification.segments), 0))
        .where(
            Notification.channel == "sms",
            Notification.sent_at.is_not(None),
            Notification.sent_at >= datetime.combine(first, time()),
        )
        .group_by(day)
    )
    return monthly([(as_date(d), int(n), int(s)) for d, n, s in rows], today, months)


def outbox_message(message_id: int) -> Notification | None:
    return db.session.get(Notification, message_id)


@dataclass(frozen=True)
class RefusedGateway:
    state: GatewayState
    waiting: int  # its channel's messages held meanwhile

    @property
    def gateway(self) -> str:
        return GATEWAY_NAMES.get(self.state.channel, self.state.channel)

    @property
    def refusal(self) -> str:
        return refusal_text(self.state.code, self.state.reason)


def gateway_banner() -> list[RefusedGateway]:
    """What the administrator's banner says: empty while every gateway accepts us (one small
    query then: the table has a row per channel), else each refusing gateway with its count."""
    refused = refused_gateways()
    if not refused:
        return []
    held = dict(
        db.session.execute(
            select(Notification.channel, func.count(Notification.id))
            .where(Notification.status == OutboxStatus.PENDING, Notification.held_reason != "")
            .group_by(Notification.channel)
        ).all()
    )
    return [RefusedGateway(state, held.get(state.channel, 0)) for state in refused]


# --- one-time codes: did their SMS reach the phone? ----------------------------------------------


def code_message_undeliverable(phone: str, template: str, since: datetime) -> bool:
    """The latest SMS ``template`` to ``phone`` queued at or after ``since`` will not arrive:
    the gateway or the carrier rejected it, or it failed for good."""
    status = db.session.scalar(
        select(Notification.status)
        .where(
            Notification.channel == "sms",
            Notification.recipient == phone,
            Notification.template == template,
            Notification.created_at >= since,
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )
    return status in (OutboxStatus.REJECTED, OutboxStatus.FAILED)


def outbox_card() -> dict[str, int]:
    """The administration's home card: what waits, and what will not arrive as it stands."""
    stuck = select(func.count(Notification.id)).where(
        Notification.status.in_((OutboxStatus.FAILED, OutboxStatus.REJECTED))
    )
    return {"stuck": db.session.scalar(stuck) or 0, "held": held_count()}


def pending_by_channel() -> dict[str, tuple[int, datetime]]:
    """For each channel with messages waiting to be sent: how many, and the oldest's creation."""
    rows = db.session.execute(
        select(Notification.channel, func.count(Notification.id), func.min(Notification.created_at))
        .where(Notification.status == OutboxStatus.PENDING)
        .group_by(Notification.channel)
    )
    return {channel: (count, oldest) for channel, count, oldest in rows}
