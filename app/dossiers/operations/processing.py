"""Processing: hand a dossier to a specialist or another unit (hops of Mẫu 06), approve it with
its result, apologise with a new date (Mẫu 04), stop it (Mẫu 05), return the result."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.core.roles import Permission, has_permission
from app.dossiers import signals
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import days_taken, on_time
from app.dossiers.models import Dossier
from app.dossiers.operations.attachments import add_attachment, check_upload
from app.dossiers.operations.transitions import (
    InvalidInput,
    clean_note,
    hop,
    person,
    required_reason,
    take_transition,
    tell_applicant,
)
from app.dossiers.uploads import ProcessedUpload, UploadRejected
from app.dossiers.workflow import Action
from app.extensions import db

RESULT_DOCUMENT_CODE = "ket_qua"
RETURN_VIA = ("online", "counter", "post")


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
    take_transition(
        dossier,
        Action.ASSIGN,
        actor,
        ip=ip,
        note=clean_note(note),
        internal=False,
        data=hop(
            dossier, person(actor, dossier.current_unit), person(assignee, dossier.current_unit)
        ),
    )
    dossier.assignee_id = assignee.id
    db.session.flush()


def forward(dossier: Dossier, actor: User, unit: Unit, note: str = "", *, ip: str = "") -> None:
    """Send the dossier to another unit to decide (a hop of Mẫu 06)."""
    if unit is None or unit.id == dossier.current_unit_id:
        raise InvalidInput({"unit": "Vui lòng chọn đơn vị nhận khác với đơn vị đang giữ hồ sơ."})
    take_transition(
        dossier,
        Action.FORWARD,
        actor,
        ip=ip,
        note=clean_note(note),
        data=hop(dossier, person(actor, dossier.current_unit), unit.name),
    )
    dossier.current_unit_id = unit.id
    dossier.assignee_id = None
    db.session.flush()


def result_upload(result_kind: str, file: FileStorage | None) -> tuple[ProcessedUpload | None, str]:
    """The result file the officer sent with "approve", checked: (upload, its name), or
    (None, "") when the result is on paper or no file came."""
    if result_kind != "file" or file is None or not getattr(file, "filename", ""):
        return None, ""
    try:
        return check_upload(file.read()), file.filename or ""
    except UploadRejected as rejected:
        raise InvalidInput({"result_file": rejected.message}) from rejected


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
    take_transition(
        dossier,
        Action.APPROVE,
        actor,
        ip=ip,
        note=clean_note(note),
        data=hop(
            dossier,
            person(actor, dossier.current_unit),
            dossier.receiving_unit.name if dossier.receiving_unit else "",
        ),
    )
    if upload is not None and result_kind == "file":
        attachment = add_attachment(
            dossier, RESULT_DOCUMENT_CODE, original_name or "ket-qua.pdf", upload, actor
        )
        attachment.kind = "result"
    dossier.result_kind = result_kind
    dossier.result_note = clean_note(note)
    dossier.result_ready_at = clock.now()
    dossier.current_unit_id = dossier.receiving_unit_id
    dossier.assignee_id = None
    tell_applicant(dossier, Action.APPROVE)
    signals.result_ready.send(dossier)
    db.session.flush()


def extend(
    dossier: Dossier, actor: User, new_due: date | None, reason: str, *, ip: str = ""
) -> None:
    """Mẫu 04: apologise and set a new date, before the due date passes."""
    reason = required_reason(reason)
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
    take_transition(
        dossier,
        Action.EXTEND,
        actor,
        ip=ip,
        note=reason,
        data={"old_due": old.isoformat() if old else None, "new_due": new_due.isoformat()},
    )
    dossier.original_due_date = dossier.original_due_date or old
    dossier.due_date = new_due
    tell_applicant(dossier, Action.EXTEND)
    db.session.flush()


def stop(dossier: Dossier, actor: User, reason: str, *, ip: str = "") -> None:
    """Mẫu 05: stop processing, with the reason. Closes the dossier."""
    reason = required_reason(reason)
    take_transition(dossier, Action.STOP, actor, ip=ip, note=reason)
    dossier.closed_at = clock.now()
    signals.closed.send(dossier, actor=actor, ip=ip)  # a booked pickup frees its place
    dossier.on_time = on_time(dossier, clock.today())
    dossier.working_days_taken = days_taken(dossier, clock.today(), working_calendar())
    tell_applicant(dossier, Action.STOP)
    db.session.flush()


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
    take_transition(
        dossier,
        Action.RETURN,
        actor,
        ip=ip,
        note=clean_note(note),
        data=hop(
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
    dossier.on_time = on_time(dossier, today)
    dossier.working_days_taken = days_taken(dossier, today, working_calendar())
    tell_applicant(dossier, Action.RETURN)
    signals.result_returned.send(dossier, actor=actor, via=via, ip=ip)
    db.session.flush()
