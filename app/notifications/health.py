"""The last known health of each channel's gateway (``gateway_states``), written by the sender.

:func:`record_refused` when the gateway refuses our account (GatewayRefused: keys, balance,
brand name, SMTP login), :func:`record_ok` when it accepts a message. Each flushes only: it goes
with the commit of the message that taught it. The administrator is told loudly once per change
of state (an ERROR in the log when the gateway starts refusing, or refuses for another reason; a
WARNING when it accepts again), not once per message held.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.notifications.models import GatewayState

log = logging.getLogger("motcua.notifications")
_TEXT_MAX = 300


def _state(channel: str, adapter: str, now: datetime) -> GatewayState:
    """The channel's row, locked until the commit (two senders agree on when the state changed);
    made, in a savepoint, if this is the channel's first answer."""
    query = select(GatewayState).where(GatewayState.channel == channel).with_for_update()
    state = db.session.scalar(query)
    if state is not None:
        return state
    try:
        with db.session.begin_nested():
            state = GatewayState(
                channel=channel, adapter=adapter, refused=False, code="", reason="",
                since=now, checked_at=now,
            )  # fmt: skip
            db.session.add(state)
    except IntegrityError:  # another sender made it first
        state = db.session.scalars(query).one()
    return state


def record_refused(channel: str, adapter: str, *, code: str, reason: str, now: datetime) -> bool:
    """The gateway refuses our account; ``True`` when that is news (logged as an ERROR)."""
    state = _state(channel, adapter, now)
    changed = not state.refused or state.code != code or state.adapter != adapter
    if changed:
        state.refused, state.since = True, now
        state.code, state.reason = code[:16], reason[:_TEXT_MAX]
        log.error(
            "The %s gateway (%s) refuses our account: [%s] %s. Messages wait, their attempts "
            "not counted, until it is fixed (keys, balance, brand name, login).",
            channel, adapter, code or "-", reason,
        )  # fmt: skip
    state.adapter, state.checked_at = adapter, now
    return changed


def record_ok(channel: str, adapter: str, *, now: datetime) -> bool:
    """The gateway accepted a message; ``True`` when it had been refusing us (a WARNING)."""
    state = _state(channel, adapter, now)
    changed = state.refused or state.adapter != adapter
    if state.refused:
        log.warning(
            "The %s gateway (%s) accepts messages again (it refused since %s: [%s] %s).",
            channel, adapter, f"{state.since:%Y-%m-%d %H:%M}", state.code or "-", state.reason,
        )  # fmt: skip
    if changed:
        state.refused, state.since, state.code, state.reason = False, now, "", ""
    state.adapter, state.checked_at = adapter, now
    return changed
