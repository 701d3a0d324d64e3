"""The dossier state machine: which action leads from which status where, and who may take it.

Pure: no Flask, no database. ``TRANSITIONS`` is the one table of the workflow; services call
:func:`check` before changing anything, pages call :func:`allowed_actions` to decide which
buttons to show, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from app.core.errors import Conflict
from app.core.roles import Permission, has_permission
from app.dossiers.statuses import FEE_SETTLED, POSTAL_INTAKE
from app.dossiers.statuses import DossierStatus as S


class Action(StrEnum):
    ACCEPT = "accept"
    REQUEST_SUPPLEMENT = "request_supplement"
    REFUSE = "refuse"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    ASSIGN = "assign"
    FORWARD = "forward"
    APPROVE = "approve"
    EXTEND = "extend"
    STOP = "stop"
    RETURN = "return"


ACTION_LABELS = {
    Action.ACCEPT: "Tiếp nhận hồ sơ",
    Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung",
    Action.REFUSE: "Từ chối tiếp nhận",
    Action.RESUBMIT: "Nộp bổ sung",
    Action.WITHDRAW: "Rút hồ sơ",
    Action.ASSIGN: "Chuyển chuyên viên xử lý",
    Action.FORWARD: "Chuyển cơ quan khác",
    Action.APPROVE: "Phê duyệt, có kết quả",
    Action.EXTEND: "Xin lỗi, hẹn lại ngày trả",
    Action.STOP: "Dừng giải quyết",
    Action.RETURN: "Trả kết quả",
}

# The event recorded for each action (also the key of the citizen's timeline labels).
EVENT_OF = {
    Action.ACCEPT: "accepted",
    Action.REQUEST_SUPPLEMENT: "supplement_requested",
    Action.REFUSE: "refused",
    Action.RESUBMIT: "resubmitted",
    Action.WITHDRAW: "withdrawn",
    Action.ASSIGN: "assigned",
    Action.FORWARD: "forwarded",
    Action.APPROVE: "approved",
    Action.EXTEND: "extended",
    Action.STOP: "stopped",
    Action.RETURN: "returned",
}

# Actions the applicant takes on their own dossier; every other action is staff work on a
# dossier of one of the staff member's units.
OWNER_ACTIONS = frozenset({Action.RESUBMIT, Action.WITHDRAW})


@dataclass(frozen=True)
class Transition:
    source: S
    action: Action
    target: S
    permission: Permission
    # Extra condition on the dossier (and today's date); None means always.
    guard: Callable[[Any, date], bool] | None = None
    # Why the guard said no, for the 409 page.
    guard_message: str = ""


def _not_yet_accepted(dossier: Any, today: date) -> bool:
    return dossier.received_at is None


def _papers_arrived(dossier: Any, today: date) -> bool:
    """Papers sent by post are accepted once the receiving unit has them (leg A confirmed)."""
    return dossier.intake_channel not in POSTAL_INTAKE or dossier.papers_received_at is not None


def _before_due_date_passes(dossier: Any, today: date) -> bool:
    return dossier.due_date is not None and today <= dossier.due_date


_LATE_MESSAGE = (
    "Chỉ có thể gửi văn bản xin lỗi và hẹn lại ngày trước khi hết hạn giải quyết; "
    "hồ sơ này đã quá hạn."
)
_ACCEPTED_MESSAGE = "Hồ sơ đã được cơ quan tiếp nhận nên không thể rút trực tuyến."
_PAPERS_MESSAGE = (
    "Giấy tờ của hồ sơ này được gửi qua bưu điện và chưa đến đơn vị. Hãy xác nhận biên bản "
    "giao nhận của bưu điện trước khi tiếp nhận."
)

TRANSITIONS: tuple[Transition, ...] = (
    # Intake: the one-stop officer checks what the citizen submitted.
    Transition(
        S.SUBMITTED,
        Action.ACCEPT,
        S.RECEIVED,
        Permission.RECEIVE,
        _papers_arrived,
        _PAPERS_MESSAGE,
    ),
    Transition(S.SUBMITTED, Action.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED, Permission.RECEIVE),
    Transition(S.SUBMITTED, Action.REFUSE, S.REFUSED, Permission.RECEIVE),
    Transition(S.SUBMITTED, Action.WITHDRAW, S.WITHDRAWN, Permission.APPLY),
    # The citizen completes the dossier; it goes back to the intake queue.
    Transition(S.SUPPLEMENT_REQUESTED, Action.RESUBMIT, S.SUBMITTED, Permission.APPLY),
    Transition(
        S.SUPPLEMENT_REQUESTED,
        Action.WITHDRAW,
        S.WITHDRAWN,
        Permission.APPLY,
        _not_yet_accepted,
        _ACCEPTED_MESSAGE,
    ),
    # Processing.
    Transition(S.RECEIVED, Action.ASSIGN, S.PROCESSING, Permission.PROCESS),
    Transition(S.PROCESSING, Action.ASSIGN, S.PROCESSING, Permission.PROCESS),
    Transition(S.RECEIVED, Action.FORWARD, S.PROCESSING, Permission.PROCESS),
    Transition(S.PROCESSING, Action.FORWARD, S.PROCESSING, Permission.PROCESS),
    Transition(S.PROCESSING, Action.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED, Permission.PROCESS),
    # Same-day procedures are often decided by the receiving officer without a hand-over.
    Transition(S.RECEIVED, Action.APPROVE, S.RESULT_READY, Permission.APPROVE),
    Transition(S.PROCESSING, Action.APPROVE, S.RESULT_READY, Permission.APPROVE),
    # The apology keeps the status; only the due date moves.
    *(
        Transition(s, Action.EXTEND, s, Permission.PROCESS, _before_due_date_passes, _LATE_MESSAGE)
        for s in (S.RECEIVED, S.PROCESSING)
    ),
    Transition(S.RECEIVED, Action.STOP, S.STOPPED, Permission.PROCESS),
    Transition(S.PROCESSING, Action.STOP, S.STOPPED, Permission.PROCESS),
    # Returning the result closes the dossier.
    Transition(S.RESULT_READY, Action.RETURN, S.RETURNED, Permission.RETURN_RESULT),
)

_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}

# The steps a procedure's fee must be paid (or waived) before (Procedure.fee_timing).
FEE_GATES = {
    "before_processing": frozenset({Action.ACCEPT, Action.APPROVE, Action.RETURN}),
    "before_result": frozenset({Action.RETURN}),
}
_FEE_MESSAGES = {
    Action.ACCEPT: "Hồ sơ chưa nộp phí, lệ phí nên chưa thể tiếp nhận giải quyết.",
    Action.APPROVE: "Hồ sơ chưa nộp phí, lệ phí nên chưa thể phê duyệt kết quả.",
    Action.RETURN: "Hồ sơ chưa nộp phí, lệ phí nên chưa thể trả kết quả.",
}
_FEE_HINT = (
    " Người nộp có thể chuyển khoản theo mã VietQR trên trang hồ sơ hoặc nộp tiền mặt tại "
    "Bộ phận Một cửa; cán bộ ghi nhận miễn phí nếu người nộp thuộc diện được miễn."
)


def fee_blocks(dossier: Any, action: Action) -> str:
    """Why ``action`` must wait for the fee, or "" when it need not."""
    if dossier.fee_state in FEE_SETTLED:
        return ""
    if action not in FEE_GATES.get(dossier.procedure.fee_timing, frozenset()):
        return ""
    return _FEE_MESSAGES[action] + _FEE_HINT


class IllegalTransition(Conflict):
    """The action cannot be taken on this dossier now, by this user. Shown as a 409 page."""


def in_unit_scope(dossier: Any, user: Any) -> bool:
    """The dossier is assigned to ``user``, or received or held by one of their units."""
    if dossier.assignee_id is not None and dossier.assignee_id == user.id:
        return True
    units = user.unit_ids
    return dossier.current_unit_id in units or dossier.receiving_unit_id in units


def _in_scope(dossier: Any, user: Any, action: Action) -> bool:
    if action in OWNER_ACTIONS:
        return dossier.owner_id == user.id
    return in_unit_scope(dossier, user)


def check(dossier: Any, action: Action, user: Any, today: date) -> Transition:
    """The transition ``action`` takes ``dossier`` through, or :class:`IllegalTransition`."""
    transition = _BY_KEY.get((S(dossier.status), action))
    if transition is None:
        raise IllegalTransition(
            f"Không thể “{ACTION_LABELS[action].lower()}” khi hồ sơ đang ở trạng thái "
            f"“{dossier.status_label}”. Có thể một người khác vừa xử lý hồ sơ này; "
            "vui lòng tải lại trang."
        )
    if not has_permission(user, transition.permission) or not _in_scope(dossier, user, action):
        raise IllegalTransition("Bạn không có quyền thực hiện thao tác này với hồ sơ này.")
    if transition.guard is not None and not transition.guard(dossier, today):
        raise IllegalTransition(transition.guard_message)
    unpaid = fee_blocks(dossier, action)
    if unpaid:
        raise IllegalTransition(unpaid)
    return transition


def allowed_actions(dossier: Any, user: Any, today: date) -> list[Action]:
    """The actions ``user`` may take on ``dossier`` now, in the table's order."""
    allowed = []
    for transition in TRANSITIONS:
        if transition.source != dossier.status or transition.action in allowed:
            continue
        try:
            check(dossier, transition.action, user, today)
        except IllegalTransition:
            continue
        allowed.append(transition.action)
    return allowed


def hop_verdict(at: date, due: date | None) -> str:
    """Mẫu 06's verdict for a hand-over on day ``at``: early, on time or late."""
    if due is None:
        return ""
    if at < due:
        return "early"
    return "on_time" if at == due else "late"
