"""The dossier state machine on its own: no app, no database, plain objects for dossiers and users.

``TRANSITIONS`` decides both what the services accept and which buttons the pages show, so
these tests pin the table down: every pair outside it is refused in Vietnamese, each role gets
exactly its buttons on a dossier of its unit, nobody else gets any, and the apology (Mẫu 04) is
refused once the due date has passed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from app.core.roles import Role
from app.dossiers.statuses import EVENT_LABELS, STATUS_LABELS, DossierStatus
from app.dossiers.workflow import (
    ACTION_LABELS,
    EVENT_OF,
    OWNER_ACTIONS,
    TRANSITIONS,
    Action,
    IllegalTransition,
    allowed_actions,
    check,
    hop_verdict,
)

S = DossierStatus
A = Action

TODAY = date(2026, 11, 23)  # a Monday
DUE = date(2026, 11, 27)
UNIT = 10  # the commune centre that received the dossier
OTHER_UNIT = 20
OWNER_ID = 1

LEGAL = {(t.source, t.action) for t in TRANSITIONS}
ALL_PAIRS = [(status, action) for status in S for action in A]
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]

# Letters only Vietnamese uses: a refusal must be written for the citizen, not for a developer.
VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def dossier(status: S, **fields) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    values = {
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "owner_id": OWNER_ID,
        "current_unit_id": UNIT,
        "receiving_unit_id": UNIT,
        "assignee_id": None,
        "received_at": None,
        "due_date": DUE,
        "intake_channel": "online",
        "papers_received_at": None,
        "fee_state": "",
        "procedure": SimpleNamespace(fee_timing="before_processing"),
    }
    if status in (S.RECEIVED, S.PROCESSING, S.RESULT_READY, S.RETURNED, S.STOPPED):
        values["received_at"] = datetime(2026, 11, 20, 9, 0)
    values.update(fields)
    return SimpleNamespace(**values)


def user(role: Role, user_id: int = 100, units: tuple[int, ...] = (UNIT,)) -> SimpleNamespace:
    return SimpleNamespace(
        id=user_id, role=role.value, is_authenticated=True, unit_ids=frozenset(units)
    )


def owner() -> SimpleNamespace:
    return user(Role.CITIZEN, user_id=OWNER_ID, units=())


def assert_vietnamese(message: str) -> None:
    assert message.strip(), "empty refusal"
    assert set(message.lower()) & VIETNAMESE_LETTERS, message


# --- the table itself ------------------------------------------------------------------------


def test_the_table_has_one_transition_per_status_and_action() -> None:
    assert len(LEGAL) == len(TRANSITIONS)
    for transition in TRANSITIONS:
        assert isinstance(transition.target, S)
        assert transition.source != S.DRAFT  # a draft is submitted by its own service
        assert transition.source not in (S.REFUSED, S.RETURNED, S.STOPPED, S.WITHDRAWN)
        if transition.guard is not None:
            assert_vietnamese(transition.guard_message)


@pytest.mark.parametrize(
    ("status", "action"), ILLEGAL, ids=[f"{s.value}-{a.value}" for s, a in ILLEGAL]
)
def test_every_pair_outside_the_table_is_refused_in_vietnamese(status: S, action: A) -> None:
    # Even a user who could take every action in some status is refused here: the owner for the
    # applicant's actions, the one-stop officer of the unit for the others.
    actor = owner() if action in OWNER_ACTIONS else user(Role.OFFICER)
    with pytest.raises(IllegalTransition) as refused:
        check(dossier(status), action, actor, TODAY)
    message = refused.value.message
    assert str(refused.value) == message
    assert_vietnamese(message)
    assert message.startswith("Không thể")
    assert ACTION_LABELS[action].lower() in message
    assert STATUS_LABELS[status] in message


def test_the_walk_over_statuses_and_actions_is_not_vacuous() -> None:
    assert len(ALL_PAIRS) == len(S) * len(A) == 110
    assert len(ILLEGAL) == len(ALL_PAIRS) - len(TRANSITIONS)
    assert len(ILLEGAL) > 80


@pytest.mark.parametrize(
    ("source", "action", "target"), [(t.source, t.action, t.target) for t in TRANSITIONS]
)
def test_every_legal_transition_goes_where_the_table_says(source: S, action: A, target: S) -> None:
    actor = owner() if action in OWNER_ACTIONS else user(Role.OFFICER)
    transition = check(dossier(source), action, actor, TODAY)
    assert (transition.source, transition.action, transition.target) == (source, action, target)


# --- each role's buttons on a dossier of its unit --------------------------------------------

EXPECTED = {
    Role.OFFICER: {
        S.SUBMITTED: [A.ACCEPT, A.REQUEST_SUPPLEMENT, A.REFUSE],
        S.RECEIVED: [A.ASSIGN, A.FORWARD, A.APPROVE, A.EXTEND, A.STOP],
        S.PROCESSING: [A.ASSIGN, A.FORWARD, A.REQUEST_SUPPLEMENT, A.APPROVE, A.EXTEND, A.STOP],
        S.RESULT_READY: [A.RETURN],
    },
    Role.SPECIALIST: {
        S.SUBMITTED: [],
        S.RECEIVED: [A.ASSIGN, A.FORWARD, A.APPROVE, A.EXTEND, A.STOP],
        S.PROCESSING: [A.ASSIGN, A.FORWARD, A.REQUEST_SUPPLEMENT, A.APPROVE, A.EXTEND, A.STOP],
        S.RESULT_READY: [],
    },
}
WORK_STATUSES = (S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.RESULT_READY)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SPECIALIST])
@pytest.mark.parametrize("status", WORK_STATUSES)
def test_staff_of_the_unit_get_their_buttons(role: Role, status: S) -> None:
    assert allowed_actions(dossier(status), user(role), TODAY) == EXPECTED[role][status]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SPECIALIST])
@pytest.mark.parametrize("status", list(S))
def test_staff_never_get_the_applicants_actions(role: Role, status: S) -> None:
    # Even on their own dossier: staff act as staff, the journey is for citizens.
    mine = dossier(status, owner_id=100)
    assert not set(allowed_actions(mine, user(role), TODAY)) & OWNER_ACTIONS


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SPECIALIST])
def test_the_unit_holding_the_dossier_now_also_works_on_it(role: Role) -> None:
    forwarded = dossier(S.PROCESSING, receiving_unit_id=OTHER_UNIT)
    assert allowed_actions(forwarded, user(role), TODAY) == EXPECTED[role][S.PROCESSING]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SPECIALIST])
@pytest.mark.parametrize("status", list(S))
def test_staff_of_another_unit_get_nothing(role: Role, status: S) -> None:
    stranger = user(role, units=(OTHER_UNIT,))
    assert allowed_actions(dossier(status), stranger, TODAY) == []
    assert allowed_actions(dossier(status), user(role, units=()), TODAY) == []


def test_staff_of_another_unit_are_refused_with_a_vietnamese_message() -> None:
    with pytest.raises(IllegalTransition) as refused:
        check(dossier(S.SUBMITTED), A.ACCEPT, user(Role.OFFICER, units=(OTHER_UNIT,)), TODAY)
    assert refused.value.message == "Bạn không có quyền thực hiện thao tác này với hồ sơ này."


def test_a_specialist_assigned_from_another_unit_works_on_the_dossier() -> None:
    assigned = dossier(S.PROCESSING, assignee_id=100)
    specialist = user(Role.SPECIALIST, units=(OTHER_UNIT,))
    assert allowed_actions(assigned, specialist, TODAY) == EXPECTED[Role.SPECIALIST][S.PROCESSING]
    # Assignment is personal: a colleague of the same other unit still gets nothing.
    colleague = user(Role.SPECIALIST, user_id=101, units=(OTHER_UNIT,))
    assert allowed_actions(assigned, colleague, TODAY) == []


def test_the_owner_may_withdraw_a_submitted_dossier() -> None:
    assert allowed_actions(dossier(S.SUBMITTED), owner(), TODAY) == [A.WITHDRAW]


def test_the_owner_may_complete_or_withdraw_a_dossier_never_accepted() -> None:
    sent_back = dossier(S.SUPPLEMENT_REQUESTED, received_at=None)
    assert allowed_actions(sent_back, owner(), TODAY) == [A.RESUBMIT, A.WITHDRAW]


def test_the_owner_may_only_complete_a_dossier_sent_back_after_acceptance() -> None:
    sent_back = dossier(S.SUPPLEMENT_REQUESTED, received_at=datetime(2026, 11, 20, 9, 0))
    assert allowed_actions(sent_back, owner(), TODAY) == [A.RESUBMIT]
    with pytest.raises(IllegalTransition) as refused:
        check(sent_back, A.WITHDRAW, owner(), TODAY)
    assert refused.value.message == (
        "Hồ sơ đã được cơ quan tiếp nhận nên không thể rút trực tuyến."
    )


@pytest.mark.parametrize("status", [s for s in S if s not in (S.SUBMITTED, S.SUPPLEMENT_REQUESTED)])
def test_the_owner_has_no_button_in_any_other_status(status: S) -> None:
    assert allowed_actions(dossier(status), owner(), TODAY) == []


@pytest.mark.parametrize("status", list(S))
def test_another_citizen_gets_nothing(status: S) -> None:
    stranger = user(Role.CITIZEN, user_id=2, units=())
    assert allowed_actions(dossier(status, received_at=None), stranger, TODAY) == []
    with pytest.raises(IllegalTransition):
        check(dossier(S.SUBMITTED), A.WITHDRAW, stranger, TODAY)


@pytest.mark.parametrize("role", [Role.POSTAL, Role.COMMUNITY, Role.ADMIN])
@pytest.mark.parametrize("status", list(S))
def test_postal_community_and_admin_get_nothing_even_in_the_unit(role: Role, status: S) -> None:
    member = user(role)
    assert allowed_actions(dossier(status), member, TODAY) == []
    # Not even on a dossier they own or one assigned to them.
    assert allowed_actions(dossier(status, owner_id=100, assignee_id=100), member, TODAY) == []


def test_an_anonymous_or_unknown_role_gets_nothing() -> None:
    anonymous = SimpleNamespace(id=None, role="", is_authenticated=False, unit_ids=frozenset())
    odd = SimpleNamespace(
        id=100, role="superuser", is_authenticated=True, unit_ids=frozenset({UNIT})
    )
    for status in S:
        assert allowed_actions(dossier(status), anonymous, TODAY) == []
        assert allowed_actions(dossier(status), odd, TODAY) == []


# --- the apology (Mẫu 04) must come before the due date passes ------------------------------


@pytest.mark.parametrize("status", [S.RECEIVED, S.PROCESSING])
def test_extend_is_allowed_up_to_and_on_the_due_date(status: S) -> None:
    officer = user(Role.OFFICER)
    for today in (DUE - timedelta(days=3), DUE):
        assert check(dossier(status), A.EXTEND, officer, today).target == status
        assert A.EXTEND in allowed_actions(dossier(status), officer, today)


@pytest.mark.parametrize("status", [S.RECEIVED, S.PROCESSING])
def test_extend_is_refused_the_day_after_the_due_date(status: S) -> None:
    officer = user(Role.OFFICER)
    late = DUE + timedelta(days=1)
    with pytest.raises(IllegalTransition) as refused:
        check(dossier(status), A.EXTEND, officer, late)
    assert refused.value.message == (
        "Chỉ có thể gửi văn bản xin lỗi và hẹn lại ngày trước khi hết hạn giải quyết; "
        "hồ sơ này đã quá hạn."
    )
    allowed = allowed_actions(dossier(status), officer, late)
    assert A.EXTEND not in allowed
    assert allowed == [a for a in EXPECTED[Role.OFFICER][status] if a != A.EXTEND]


def test_extend_is_refused_without_a_due_date() -> None:
    with pytest.raises(IllegalTransition):
        check(dossier(S.PROCESSING, due_date=None), A.EXTEND, user(Role.OFFICER), TODAY)


def test_the_guard_is_checked_after_the_permission() -> None:
    """A stranger learns nothing about the dossier's due date from the refusal."""
    stranger = user(Role.OFFICER, units=(OTHER_UNIT,))
    with pytest.raises(IllegalTransition) as refused:
        check(dossier(S.PROCESSING), A.EXTEND, stranger, DUE + timedelta(days=1))
    assert "quá hạn" not in refused.value.message


# --- Mẫu 06 verdicts, labels and events ------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "due", "verdict"),
    [
        (date(2026, 11, 26), date(2026, 11, 27), "early"),
        (date(2025, 12, 31), date(2026, 1, 1), "early"),
        (date(2026, 11, 27), date(2026, 11, 27), "on_time"),
        (date(2026, 11, 28), date(2026, 11, 27), "late"),
        (date(2027, 1, 1), date(2026, 12, 31), "late"),
        (date(2026, 11, 27), None, ""),
    ],
)
def test_hop_verdict(at: date, due: date | None, verdict: str) -> None:
    assert hop_verdict(at, due) == verdict


def test_every_action_has_a_label_and_an_event() -> None:
    assert set(ACTION_LABELS) == set(A)
    assert set(EVENT_OF) == set(A)
    for action in A:
        assert ACTION_LABELS[action].strip(), action
        assert EVENT_OF[action].strip(), action
    assert len(set(ACTION_LABELS.values())) == len(A)
    assert len(set(EVENT_OF.values())) == len(A)


def test_every_event_has_a_label_on_the_citizens_timeline() -> None:
    assert set(EVENT_OF.values()) <= set(EVENT_LABELS)


def test_every_status_has_a_label() -> None:
    assert set(STATUS_LABELS) == set(S)


@pytest.mark.parametrize("intake", ["post_pickup", "post_office"])
def test_papers_sent_by_post_are_accepted_only_once_the_unit_has_them(intake: str) -> None:
    officer = user(Role.OFFICER)
    waiting = dossier(S.SUBMITTED, intake_channel=intake)
    assert A.ACCEPT not in allowed_actions(waiting, officer, TODAY)
    with pytest.raises(IllegalTransition) as refused:
        check(waiting, A.ACCEPT, officer, TODAY)
    assert "bưu điện" in refused.value.message
    assert_vietnamese(refused.value.message)
    # Asking for more or refusing does not wait for the papers.
    assert {A.REQUEST_SUPPLEMENT, A.REFUSE} <= set(allowed_actions(waiting, officer, TODAY))
    arrived = dossier(
        S.SUBMITTED, intake_channel=intake, papers_received_at=datetime(2026, 11, 23, 8)
    )
    assert check(arrived, A.ACCEPT, officer, TODAY).target == S.RECEIVED


@pytest.mark.parametrize(
    ("timing", "status", "action", "blocked"),
    [
        ("before_processing", S.SUBMITTED, A.ACCEPT, True),
        ("before_processing", S.SUBMITTED, A.REQUEST_SUPPLEMENT, False),
        ("before_processing", S.SUBMITTED, A.REFUSE, False),
        ("before_processing", S.RECEIVED, A.APPROVE, True),
        ("before_processing", S.RESULT_READY, A.RETURN, True),
        ("before_result", S.SUBMITTED, A.ACCEPT, False),
        ("before_result", S.PROCESSING, A.APPROVE, False),
        ("before_result", S.RESULT_READY, A.RETURN, True),
    ],
)
def test_an_unpaid_fee_stops_the_steps_its_procedure_says(timing, status, action, blocked) -> None:  # type: ignore[no-untyped-def]
    unpaid = dossier(
        status,
        fee_state="due",
        procedure=SimpleNamespace(fee_timing=timing),
        papers_received_at=datetime(2026, 11, 20, 9, 0),
    )
    staff = user(Role.OFFICER)
    if blocked:
        with pytest.raises(IllegalTransition) as refused:
            check(unpaid, action, staff, TODAY)
        assert "chưa nộp phí" in str(refused.value)
        assert action not in allowed_actions(unpaid, staff, TODAY)
    else:
        check(unpaid, action, staff, TODAY)
    for settled in ("paid", "exempt", ""):
        check(dossier(status, fee_state=settled, procedure=unpaid.procedure), action, staff, TODAY)
