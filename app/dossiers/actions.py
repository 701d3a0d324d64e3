"""What officers and applicants do to a submitted dossier. Services flush; the view commits once.

Every action goes through :func:`_apply`: the state machine says whether it is legal
(:mod:`app.dossiers.workflow`), a guarded UPDATE (… WHERE status = <from>) makes sure two
officers pressing buttons at the same moment cannot both move the dossier, an event is
appended, and the citizen's message is put in the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import update

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.core.errors import Invalid
from app.core.roles import Permission, has_permission
from app.dossiers import services, signals
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import (
    WorkingCalendar,
    add_working_days,
    counting_start,
    working_days_left,
)
from app.dossiers.events import log_event
from app.dossiers.models import Dossier
from app.dossiers.notices import notify
from app.dossiers.statuses import DossierStatus
from app.dossiers.uploads import ProcessedUpload
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


def _cutoff(dossier: Dossier) -> time | None:
    return time(15, 0) if dossier.procedure.cutoff_15h else None


def _apply(
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


def _notify(dossier: Dossier, action: Action) -> None:
    if action in NOTIFIED:
        notify(dossier, EVENT_OF[action])


def _note(text: str | None) -> str:
    return (text or "").strip()[:2000]


def _reason(text: str) -> str:
    """A reason the applicant will read: required."""
    if not _note(text):
        raise InvalidInput({"reason": "Vui lòng ghi rõ lý do."})
    return _note(text)


# --- intake --------------------------------------------------------------------------------


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
    start = counting_start(received, calendar, _cutoff(dossier))
    days = dossier.procedure.processing_days
    if dossier.procedure.supplement_rule == "resume":
        days = max(days - dossier.working_days_used, 0)
    due = add_working_days(start, days, calendar)
    unit = dossier.receiving_unit
    _apply(
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
    _notify(dossier, Action.ACCEPT)
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
    reason = _reason(reason)
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
    _apply(dossier, Action.REQUEST_SUPPLEMENT, actor, ip=ip, note=reason, data=request)
    dossier.supplement_request = request
    dossier.working_days_used = used if dossier.procedure.supplement_rule == "resume" else 0
    dossier.assignee_id = None
    dossier.current_unit_id = dossier.receiving_unit_id
    _notify(dossier, Action.REQUEST_SUPPLEMENT)
    db.session.flush()


def resubmit(dossier: Dossier, owner: User, *, ip: str = "") -> None:
    """The applicant completed the dossier: back to the intake queue with a new provisional date."""
    missing = services.missing_for_submit(dossier)
    if missing:
        raise services.NotReady(missing)
    _apply(dossier, Action.RESUBMIT, owner, ip=ip)
    now = clock.now()
    dossier.submitted_at = now
    dossier.received_at = None
    dossier.due_date = services.provisional_due_date(dossier, now)
    db.session.flush()


def refuse(dossier: Dossier, actor: User, reason: str, *, ip: str = "") -> None:
    """Mẫu 03: refuse to take the dossier in, with the reason."""
    reason = _reason(reason)
    _apply(dossier, Action.REFUSE, actor, ip=ip, note=reason)
    dossier.closed_at = clock.now()
    _free_postal_booking(dossier, actor, ip)
    _notify(dossier, Action.REFUSE)
    db.session.flush()


def withdraw(dossier: Dossier, owner: User, reason: str = "", *, ip: str = "") -> None:
    """The applicant withdraws a dossier the agency has not accepted yet."""
    _apply(dossier, Action.WITHDRAW, owner, ip=ip, note=_note(reason))
    dossier.closed_at = clock.now()
    _free_postal_booking(dossier, owner, ip)
    _notify(dossier, Action.WITHDRAW)
    db.session.flush()


def _free_postal_booking(dossier: Dossier, actor: User, ip: str) -> None:
    signals.closed.send(dossier, actor=actor, ip=ip)


# --- processing ----------------------------------------------------------------------------


def assign(dossier: Dossier, actor: User, assignee: User, note: str = "", *, ip: str = "") -> None:
    """Hand the dossier to a specialist of the unit holding it (a hop of Mẫu 06)."""
    if (
        assignee is None
        or not assignee.is_active
        or not has_permission(assignee, Permission.PROCESS)
        or dossier.current_unit_id not in assignee.unit_ids
    ):
        raise InvalidInput(
            {"assignee": "Vui lòng chọn một cán bộ đang làm việc tại đơn vị giữ hồ sơ."}
        )
    _apply(
        dossier,
        Action.ASSIGN,
        actor,
        ip=ip,
        note=_note(note),
        internal=False,
        data=_hop(
            dossier, person(actor, dossier.current_unit), person(assignee, dossier.current_unit)
        ),
    )
    dossier.assignee_id = assignee.id
    db.session.flush()


def forward(dossier: Dossier, actor: User, unit: Unit, note: str = "", *, ip: str = "") -> None:
    """Send the dossier to another unit to decide (a hop of Mẫu 06)."""
    if unit is None or unit.id == dossier.current_unit_id:
        raise InvalidInput({"unit": "Vui lòng chọn đơn vị nhận khác với đơn vị đang giữ hồ sơ."})
    _apply(
        dossier,
        Action.FORWARD,
        actor,
        ip=ip,
        note=_note(note),
        data=_hop(dossier, person(actor, dossier.current_unit), unit.name),
    )
    dossier.current_unit_id = unit.id
    dossier.assignee_id = None
    db.session.flush()


RESULT_DOCUMENT_CODE = "ket_qua"


def approve(
    dossier: Dossier,
    actor: User,
    *,
    result_kind: str,
    upload: ProcessedUpload | None = None,
    original_name: str = "",
    note: str = "",
    ip: str = "",
) -> None:
    """Approve and record the result: a PDF (downloadable online) or a paper result.

    The dossier goes back to the one-stop unit that received it, which returns the result.
    """
    if result_kind not in ("file", "paper"):
        raise InvalidInput({"result_kind": "Vui lòng chọn loại kết quả."})
    if result_kind == "file" and upload is None:
        raise InvalidInput({"result_file": "Vui lòng tải lên tệp PDF kết quả."})
    if result_kind == "file" and upload is not None and upload.media_type != "application/pdf":
        raise InvalidInput({"result_file": "Kết quả điện tử phải là tệp PDF."})
    if result_kind == "paper" and dossier.return_channel == "online":
        raise InvalidInput(
            {
                "result_kind": "Người nộp chọn nhận kết quả trực tuyến: vui lòng tải lên "
                "kết quả điện tử (PDF)."
            }
        )
    _apply(
        dossier,
        Action.APPROVE,
        actor,
        ip=ip,
        note=_note(note),
        data=_hop(
            dossier,
            person(actor, dossier.current_unit),
            dossier.receiving_unit.name if dossier.receiving_unit else "",
        ),
    )
    if upload is not None and result_kind == "file":
        attachment = services.add_attachment(
            dossier, RESULT_DOCUMENT_CODE, original_name or "ket-qua.pdf", upload, actor
        )
        attachment.kind = "result"
    dossier.result_kind = result_kind
    dossier.result_note = _note(note)
    dossier.result_ready_at = clock.now()
    dossier.current_unit_id = dossier.receiving_unit_id
    dossier.assignee_id = None
    _notify(dossier, Action.APPROVE)
    signals.result_ready.send(dossier)
    db.session.flush()


def extend(
    dossier: Dossier, actor: User, new_due: date | None, reason: str, *, ip: str = ""
) -> None:
    """Mẫu 04: apologise and set a new date, before the due date passes."""
    reason = _reason(reason)
    calendar = working_calendar()
    if new_due is None:
        raise InvalidInput({"new_due": "Vui lòng chọn ngày hẹn trả mới."})
    if dossier.due_date is not None and new_due <= dossier.due_date:
        raise InvalidInput(
            {"new_due": f"Ngày hẹn mới phải sau ngày hẹn hiện tại ({dossier.due_date:%d/%m/%Y})."}
        )
    if not calendar.is_working_day(new_due):
        raise InvalidInput({"new_due": "Ngày hẹn mới phải là ngày làm việc."})
    old = dossier.due_date
    _apply(
        dossier,
        Action.EXTEND,
        actor,
        ip=ip,
        note=reason,
        data={"old_due": old.isoformat() if old else None, "new_due": new_due.isoformat()},
    )
    dossier.original_due_date = dossier.original_due_date or old
    dossier.due_date = new_due
    _notify(dossier, Action.EXTEND)
    db.session.flush()


def stop(dossier: Dossier, actor: User, reason: str, *, ip: str = "") -> None:
    """Mẫu 05: stop processing, with the reason. Closes the dossier."""
    reason = _reason(reason)
    _apply(dossier, Action.STOP, actor, ip=ip, note=reason)
    dossier.closed_at = clock.now()
    _free_postal_booking(dossier, actor, ip)
    dossier.on_time = _on_time(dossier, clock.today())
    _notify(dossier, Action.STOP)
    db.session.flush()


RETURN_VIA = ("online", "counter", "post")


def return_result(
    dossier: Dossier, actor: User, via: str = "", note: str = "", *, ip: str = ""
) -> None:
    """Hand the result over (online, at the counter, or to the post) and close the dossier."""
    via = via or dossier.return_channel
    if via not in RETURN_VIA:
        raise InvalidInput({"via": "Vui lòng chọn cách trả kết quả."})
    if via == "online" and dossier.result_file is None:
        raise InvalidInput({"via": "Hồ sơ không có kết quả điện tử để trả trực tuyến."})
    today = clock.today()
    _apply(
        dossier,
        Action.RETURN,
        actor,
        ip=ip,
        note=_note(note),
        data=_hop(
            dossier,
            person(actor, dossier.receiving_unit),
            f"{dossier.applicant_name} (người nộp hồ sơ)",
            via=via,
        ),
    )
    now = clock.now()
    dossier.returned_at = now
    dossier.returned_via = via
    dossier.closed_at = now
    dossier.on_time = _on_time(dossier, today)
    _notify(dossier, Action.RETURN)
    signals.result_returned.send(dossier, actor=actor, via=via, ip=ip)
    db.session.flush()


# --- deadlines -----------------------------------------------------------------------------


def promised_date(dossier: Dossier) -> date | None:
    """The date first promised on Mẫu 01: an apology moves the due date, not the promise."""
    return dossier.original_due_date or dossier.due_date


def _on_time(dossier: Dossier, today: date) -> bool:
    promised = promised_date(dossier)
    return promised is None or today <= promised


def _hop(dossier: Dossier, handed_by: str, received_by: str, **extra: str) -> dict[str, str]:
    """A hand-over as Mẫu 06 records it: from whom, to whom, early / on time / late today."""
    return {
        "from": handed_by,
        "to": received_by,
        "verdict": hop_verdict(clock.today(), dossier.due_date),
        **extra,
    }


@dataclass(frozen=True)
class Deadline:
    """How a dossier stands against its due date, for the queue and the dossier page."""

    due: date | None
    days_left: int | None
    state: str  # "overdue" | "today" | "soon" | "ok" | "none"
    label: str
    extended: bool = False


def deadline(dossier: Dossier, today: date, calendar: WorkingCalendar) -> Deadline:
    """``calendar`` is passed in: a queue page asks for 25 deadlines and reads it once."""
    due = dossier.due_date
    running = dossier.status in (
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.SUBMITTED,
    )
    if due is None or not running:
        return Deadline(due, None, "none", "", dossier.original_due_date is not None)
    left = working_days_left(today, due, calendar)
    if today > due:
        state, label = "overdue", f"Quá hạn {max(-left, 1)} ngày làm việc"
    elif left == 0:
        state, label = "today", "Đến hạn hôm nay"
    elif left <= 2:
        state, label = "soon", f"Còn {left} ngày làm việc"
    else:
        state, label = "ok", f"Còn {left} ngày làm việc"
    return Deadline(due, left, state, label, dossier.original_due_date is not None)
