"""Intake: the one-stop officer accepts a dossier, asks for more (Mẫu 02) or refuses it
(Mẫu 03); the applicant completes it or withdraws it."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import User
from app.core import clock
from app.dossiers import signals
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import add_working_days, counting_start, working_days_left
from app.dossiers.models import Dossier
from app.dossiers.operations.submitting import NotReady, missing_for_submit, provisional_due_date
from app.dossiers.operations.transitions import (
    InvalidInput,
    clean_note,
    cutoff,
    person,
    required_reason,
    take_transition,
    tell_applicant,
)
from app.dossiers.statuses import DossierStatus
from app.dossiers.workflow import Action
from app.extensions import db


def accept(dossier: Dossier, actor: User, *, ip: str = "") -> None:
    """Accept a complete dossier: Mẫu 01 gets its receipt time and final appointment date.

    Counting starts from the moment of acceptance with the procedure's cut-off, or for papers
    sent by post from the moment the unit confirmed they arrived (postal transit does not
    count, DOMAIN.md §5). After a supplement the clock restarts from zero, or resumes with the
    working days already used when the procedure's rule says so.
    """
    now = clock.now()
    calendar = working_calendar()
    received = dossier.papers_received_at or now
    start = counting_start(received, calendar, cutoff(dossier))
    days = dossier.procedure.processing_days
    if dossier.procedure.supplement_rule == "resume":
        days = max(days - dossier.working_days_used, 0)
    due = add_working_days(start, days, calendar)
    unit = dossier.receiving_unit
    take_transition(
        dossier,
        Action.ACCEPT,
        actor,
        ip=ip,
        data={
            "from": f"{dossier.applicant_name} (người nộp hồ sơ)",
            "to": person(actor, unit),
            "due": due.isoformat(),
        },
    )
    dossier.received_at = received
    dossier.counting_start = start
    dossier.due_date = due
    dossier.original_due_date = None
    dossier.supplement_request = None
    dossier.current_unit_id = unit.id if unit else dossier.current_unit_id
    tell_applicant(dossier, Action.ACCEPT)
    db.session.flush()


@dataclass(frozen=True)
class SupplementItem:
    what: str
    why: str = ""
    document_code: str = ""
    field_name: str = ""


def request_supplement(
    dossier: Dossier,
    actor: User,
    items: list[SupplementItem],
    reason: str,
    *,
    ip: str = "",
) -> None:
    """Mẫu 02: tell the applicant what to add or fix, and why. The clock stops."""
    if not items:
        raise InvalidInput(
            {"items": "Vui lòng chọn ít nhất một giấy tờ hoặc thông tin cần bổ sung."}
        )
    reason = required_reason(reason)
    used = dossier.working_days_used
    if dossier.status == DossierStatus.PROCESSING and dossier.counting_start is not None:
        # Working days spent so far, kept for procedures whose clock resumes.
        used += max(
            working_days_left(dossier.counting_start, clock.today(), working_calendar()),
            0,
        )
    request = {
        "reason": reason,
        "items": [item.__dict__ for item in items],
        "requested_at": clock.now().isoformat(timespec="seconds"),
        "requested_by": actor.full_name,
    }
    take_transition(dossier, Action.REQUEST_SUPPLEMENT, actor, ip=ip, note=reason, data=request)
    dossier.supplement_request = request
    dossier.working_days_used = used if dossier.procedure.supplement_rule == "resume" else 0
    dossier.assignee_id = None
    dossier.current_unit_id = dossier.receiving_unit_id
    tell_applicant(dossier, Action.REQUEST_SUPPLEMENT)
    db.session.flush()


def resubmit(dossier: Dossier, owner: User, *, ip: str = "") -> None:
    """The applicant completed the dossier: back to the intake queue with a new provisional date."""
    missing = missing_for_submit(dossier)
    if missing:
        raise NotReady(missing)
    take_transition(dossier, Action.RESUBMIT, owner, ip=ip)
    now = clock.now()
    dossier.submitted_at = now
    dossier.received_at = None
    dossier.due_date = provisional_due_date(dossier, now)
    db.session.flush()


def refuse(dossier: Dossier, actor: User, reason: str, *, ip: str = "") -> None:
    """Mẫu 03: refuse to take the dossier in, with the reason."""
    reason = required_reason(reason)
    take_transition(dossier, Action.REFUSE, actor, ip=ip, note=reason)
    dossier.closed_at = clock.now()
    signals.closed.send(dossier, actor=actor, ip=ip)  # a booked pickup frees its place
    tell_applicant(dossier, Action.REFUSE)
    db.session.flush()


def withdraw(dossier: Dossier, owner: User, reason: str = "", *, ip: str = "") -> None:
    """The applicant withdraws a dossier the agency has not accepted yet."""
    take_transition(dossier, Action.WITHDRAW, owner, ip=ip, note=clean_note(reason))
    dossier.closed_at = clock.now()
    signals.closed.send(dossier, actor=owner, ip=ip)
    tell_applicant(dossier, Action.WITHDRAW)
    db.session.flush()
