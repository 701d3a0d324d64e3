"""The dossier's event log: the audit trail and the citizen's timeline, append-only.

Every domain that acts on a dossier (the back office, the post office, the API) records what it
did here, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.core import clock
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db


def log_event(
    dossier: Dossier,
    actor: User | None,
    action: str,
    from_status: str | None = None,
    to_status: str | None = None,
    *,
    note: str = "",
    internal: bool = False,
    ip: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    event = DossierEvent(
        dossier=dossier,
        at=clock.now(),
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "system",
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        internal=internal,
        ip=ip[:45],
        data=data,
    )
    db.session.add(event)
    return event
