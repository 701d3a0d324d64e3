"""The postal legs of a dossier as one state machine (Decision 45/2016, DOMAIN.md §6). Pure.

Leg A ("pickup") carries the papers from the citizen to the agency; leg B ("return") carries
the result back. ``TRANSITIONS`` is the one table: the worker's pages, the officer's pages and
the operator's tracking API all go through :func:`check`, so a transition that is impossible on
a page is impossible through the API too, and the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import Conflict


class Leg(StrEnum):
    PICKUP = "pickup"
    RETURN = "return"


class ShipmentStatus(StrEnum):
    # Leg A: citizen → agency.
    PICKUP_REQUESTED = "pickup_requested"  # booked at home, or waiting at the counter
    PICKED_UP = "picked_up"  # list signed, sealed, fees collected, item number assigned
    IN_TRANSIT = "in_transit"  # on a hand-over manifest, on its way to the agency
    HANDED_TO_AGENCY = "handed_to_agency"  # the officer confirmed receipt
    # Leg B: agency → citizen.
    RESULT_READY = "result_ready"  # waiting to be collected from the agency
    COLLECTED = "collected_from_agency"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"  # attempt n failed; another attempt follows
    HELD = "held_at_post_office"  # attempts exhausted: the citizen may collect it
    RETURNED_TO_AGENCY = "returned_to_agency"  # holding period over


S = ShipmentStatus

STATUS_LABELS = {
    S.PICKUP_REQUESTED: "Chờ bưu điện nhận hồ sơ",
    S.PICKED_UP: "Bưu điện đã nhận hồ sơ",
    S.IN_TRANSIT: "Đang chuyển đến cơ quan",
    S.HANDED_TO_AGENCY: "Đã giao cho cơ quan",
    S.RESULT_READY: "Chờ nhận kết quả tại cơ quan",
    S.COLLECTED: "Bưu điện đã nhận kết quả",
    S.OUT_FOR_DELIVERY: "Đang giao kết quả",
    S.DELIVERED: "Đã giao kết quả",
    S.DELIVERY_FAILED: "Giao không thành công, sẽ giao lại",
    S.HELD: "Đang lưu giữ tại bưu điện",
    S.RETURNED_TO_AGENCY: "Đã trả lại cơ quan",
}

# Taken at the post-office counter, the papers are already in the clerk's hands: nothing waits
# for the post to come and get them.
COUNTER_LABELS = {
    S.PICKUP_REQUESTED: "Bưu điện đang nhận hồ sơ tại quầy",
}


def status_label(status: str, at_counter: bool = False) -> str:
    """What a leg's status means to the people reading it (counter legs say so)."""
    state = S(status)
    if at_counter and state in COUNTER_LABELS:
        return COUNTER_LABELS[state]
    return STATUS_LABELS[state]


FINAL = frozenset({S.HANDED_TO_AGENCY, S.DELIVERED, S.RETURNED_TO_AGENCY})


class Step(StrEnum):
    COLLECT = "collect"  # the worker takes the papers (home or counter)
    DISPATCH = "dispatch"  # put on a hand-over manifest to the agency
    RECEIVE = "receive"  # the officer confirms the item arrived
    REPORT_MISSING = "report_missing"  # …or flags it missing: back on the post office's list
    COLLECT_RESULT = "collect_result"  # the officer hands the result to the post
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVER = "deliver"
    FAIL = "fail"
    HOLD = "hold"
    RETURN_TO_AGENCY = "return_to_agency"


class Actor(StrEnum):
    POSTAL = "postal"  # a worker of the post office, on a page or through the API
    OFFICER = "officer"  # the one-stop officer of the receiving unit


@dataclass(frozen=True)
class Transition:
    source: ShipmentStatus
    step: Step
    target: ShipmentStatus
    actor: Actor


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.PICKUP_REQUESTED, Step.COLLECT, S.PICKED_UP, Actor.POSTAL),
    Transition(S.PICKED_UP, Step.DISPATCH, S.IN_TRANSIT, Actor.POSTAL),
    Transition(S.IN_TRANSIT, Step.RECEIVE, S.HANDED_TO_AGENCY, Actor.OFFICER),
    Transition(S.IN_TRANSIT, Step.REPORT_MISSING, S.PICKED_UP, Actor.OFFICER),
    Transition(S.RESULT_READY, Step.COLLECT_RESULT, S.COLLECTED, Actor.OFFICER),
    Transition(S.COLLECTED, Step.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY, Actor.POSTAL),
    Transition(S.DELIVERY_FAILED, Step.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY, Actor.POSTAL),
    Transition(S.OUT_FOR_DELIVERY, Step.DELIVER, S.DELIVERED, Actor.POSTAL),
    Transition(S.OUT_FOR_DELIVERY, Step.FAIL, S.DELIVERY_FAILED, Actor.POSTAL),
    Transition(S.DELIVERY_FAILED, Step.HOLD, S.HELD, Actor.POSTAL),
    # The citizen collects the result at the post office during the holding period.
    Transition(S.HELD, Step.DELIVER, S.DELIVERED, Actor.POSTAL),
    Transition(S.HELD, Step.RETURN_TO_AGENCY, S.RETURNED_TO_AGENCY, Actor.POSTAL),
)
_BY_KEY = {(t.source, t.step): t for t in TRANSITIONS}


class IllegalStep(Conflict):
    """The step cannot be taken from the shipment's status. ``code`` is for machines."""

    def __init__(self, message: str, code: str = "illegal_transition") -> None:
        super().__init__(message)
        self.code = code


def check(status: str, step: Step, actor: Actor) -> Transition:
    transition = _BY_KEY.get((S(status), step))
    if transition is None:
        raise IllegalStep(
            f"Không thể thực hiện thao tác này khi bưu gửi đang ở trạng thái "
            f"“{STATUS_LABELS[S(status)]}”. Có thể một người khác vừa cập nhật; "
            "vui lòng tải lại trang."
        )
    if transition.actor != actor:
        raise IllegalStep("Thao tác này không thuộc quyền của bạn.", "forbidden_step")
    return transition


def allowed_steps(status: str, actor: Actor) -> list[Step]:
    return [t.step for t in TRANSITIONS if t.source == status and t.actor == actor]


# --- delivery attempts ----------------------------------------------------------------------

FAILURE_REASONS = {
    "nobody_home": "Không có người nhận tại nhà",
    "wrong_address": "Sai địa chỉ, không tìm thấy nhà",
    "refused": "Người nhận từ chối nhận",
    "unreachable": "Không liên lạc được qua điện thoại",
    "no_id": "Người nhận không xuất trình được giấy tờ tùy thân",
    "other": "Lý do khác",
}

RECIPIENT_RELATIONS = {
    "self": "Chính người nộp hồ sơ",
    "family": "Người thân trong gia đình",
    "authorised": "Người được ủy quyền (có giấy ủy quyền)",
}


def after_failure(attempts: int, max_attempts: int) -> Step | None:
    """What follows failed attempt number ``attempts``: another attempt (None), or holding
    the item at the post office once ``max_attempts`` have failed [check: DOMAIN.md §6]."""
    return Step.HOLD if attempts >= max_attempts else None
