"""How every workflow action moves a dossier, whoever takes it.

Every action goes through :func:`take_transition`: the state machine says whether it is legal
(:mod:`app.dossiers.workflow`), a guarded UPDATE (… WHERE status = <from>) makes sure two
officers pressing buttons at the same moment cannot both move the dossier, and an event is
appended; :func:`tell_applicant` puts the citizen's message in the outbox in the same
transaction. The actions themselves are in ``intake.py`` and ``processing.py``.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import update

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.core.errors import Invalid
from app.dossiers.events import log_event
from app.dossiers.models import Dossier
from app.dossiers.notices import notify
from app.dossiers.statuses import DossierStatus
from app.dossiers.workflow import EVENT_OF, Action, IllegalTransition, check, hop_verdict
from app.extensions import db
from app.notifications.messages import KINDS

# Actions whose outcome the citizen is told about: those the message templates cover.
NOTIFIED = frozenset(action for action, event in EVENT_OF.items() if event in KINDS)


class InvalidInput(Invalid):
    """The officer's input is wrong (shown beside the form, 422)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()), errors=errors)


def person(user: User | None, unit: Unit | None = None) -> str:
    """A participant of a hand-over as Mẫu 06 prints it."""
    name = user.full_name if user else "Hệ thống"
    return f"{name} ({unit.name})" if unit else name


def cutoff(dossier: Dossier) -> time | None:
    """The procedure's cut-off: received after 15:00, counting starts the next working day."""
    return time(15, 0) if dossier.procedure.cutoff_15h else None


def take_transition(
    dossier: Dossier,
    action: Action,
    actor: User,
    *,
    ip: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    internal: bool = False,
) -> DossierStatus:
    """Check and take the transition; return the status the dossier came from."""
    transition = check(dossier, action, actor, clock.today())
    claimed = db.session.execute(
        update(Dossier)
        .where(Dossier.id == dossier.id, Dossier.status == transition.source)
        .values(status=transition.target, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(dossier)
        raise IllegalTransition(
            "Hồ sơ vừa được người khác xử lý nên thao tác của bạn chưa được ghi nhận. "
            "Vui lòng xem lại trạng thái mới của hồ sơ."
        )
    db.session.refresh(dossier)
    log_event(
        dossier,
        actor,
        EVENT_OF[action],
        transition.source,
        transition.target,
        note=note,
        internal=internal,
        ip=ip,
        data=data,
    )
    return transition.source


def tell_applicant(dossier: Dossier, action: Action) -> None:
    """Queue the applicant's message about ``action``, when there is one for it."""
    if action in NOTIFIED:
        notify(dossier, EVENT_OF[action])


def clean_note(text: str | None) -> str:
    return (text or "").strip()[:2000]


def required_reason(text: str) -> str:
    """A reason the applicant will read: required."""
    if not clean_note(text):
        raise InvalidInput({"reason": "Vui lòng ghi rõ lý do."})
    return clean_note(text)


def hop(dossier: Dossier, handed_by: str, received_by: str, **extra: str) -> dict[str, str]:
    """A hand-over as Mẫu 06 records it: from whom, to whom, early / on time / late today."""
    return {
        "from": handed_by,
        "to": received_by,
        "verdict": hop_verdict(clock.today(), dossier.due_date),
        **extra,
    }
