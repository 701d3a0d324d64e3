"""Phản ánh, kiến nghị: a reference code, a due day in working days (holidays skipped), the
sender told when the unit answers, staff of that unit only, the public page naming no one."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from helpers import login, submit_via_services
from sqlalchemy import select

from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.feedback import numbers, rules
from app.feedback.models import Feedback
from app.notifications.models import Notification

BODY = (
    "Tôi nộp hồ sơ đăng ký khai sinh cho cháu từ tuần trước, cán bộ xã hẹn nhiều lần "
    "nhưng chưa trả. Đề nghị xã xem xét, trả lời giúp gia đình."
)
NAME, PHONE = "Lầu Bá Chư", "0978123456"


def send(client, **fields):  # type: ignore[no-untyped-def]
    data = {"body": BODY, "name": NAME, "phone": PHONE, "dossier_code": "", "unit": ""}
    data.update(fields)
    return client.post("/phan-anh", data=data)


def sent_code(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    found = re.search(r"/phan-anh/(PA-[0-9A-Z]{8})\?moi=1$", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def test_a_complaint_about_a_dossier_gets_a_code_and_goes_to_its_unit(
    app, client, citizen, procedure
) -> None:
    dossier = submit_via_services(citizen, procedure)
    code = sent_code(send(client, dossier_code=f" {dossier.code.lower()} "))
    assert rules.is_code(code)
    item = db.session.scalar(select(Feedback))
    assert (item.code, item.kind, item.unit_id) == (code, "complaint", dossier.receiving_unit_id)
    assert (item.dossier_code, item.procedure_id) == (dossier.code, procedure.id)
    assert (item.sender_name, item.sender_phone, item.body) == (NAME, PHONE, BODY)
    page = client.get(f"/phan-anh/{code}?moi=1")
    assert page.status_code == 200 and code in page.text and "Đang xem xét" in page.text
    for personal in (NAME, PHONE, citizen.full_name, dossier.code, "Lầu"):
        assert personal not in page.text


def test_codes_are_random_and_looked_up_as_typed(app, client, commune_unit) -> None:
    codes = {sent_code(send(client, unit=commune_unit.code, phone="")) for _ in range(5)}
    assert len(codes) == 5
    code = next(iter(codes))
    typed = code.lower().replace("-", " ")
    assert client.get(f"/phan-anh/tra-cuu?ma={typed}").headers["Location"].endswith(code)
    assert client.get("/phan-anh/tra-cuu?ma=PA-00000000").status_code == 404
    assert client.get("/phan-anh/PA-00000000").status_code == 404
    assert client.get("/phan-anh/<script>").status_code == 404
    assert client.get(f"/phan-anh/{code.lower()}").status_code == 303


def test_a_double_submit_records_one_complaint(app, client, commune_unit) -> None:
    for _ in range(2):
        send(client, unit=commune_unit.code, client_token="a1b2c3d4e5f6a1b2c3d4e5f6")
    assert db.session.query(Feedback).count() == 1


@pytest.mark.parametrize(
    ("fields", "field_message"),
    [
        ({}, "Vui lòng nhập mã hồ sơ hoặc chọn cơ quan bị phản ánh."),
        ({"dossier_code": "000.00.14.H40-261123-9999"}, "Không tìm thấy hồ sơ có mã này."),
        ({"body": "   ", "unit": "x"}, "Vui lòng ghi nội dung phản ánh."),
        ({"name": ""}, "Vui lòng ghi họ và tên."),
        ({"phone": "12345"}, "Số điện thoại di động chưa đúng"),
        ({"body": "ơ" * (rules.FEEDBACK_MAX + 1)}, "Tối đa 2000 ký tự."),
    ],
)
def test_bad_input_is_refused_next_to_its_field(app, client, fields, field_message) -> None:
    response = send(client, **fields)
    assert response.status_code == 422 and field_message in response.text
    assert db.session.query(Feedback).count() == 0


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Friday before Tết 2026 (16–20/2 off): the days after the holiday count.
        (datetime(2026, 2, 13, 16, 0), 3, date(2026, 2, 25)),
        (datetime(2026, 2, 13, 16, 0), 10, date(2026, 3, 6)),
        # Received on a Sunday: counting starts on Monday.
        (datetime(2026, 11, 22, 9, 0), 1, date(2026, 11, 25)),  # 24/11 Culture Day is off
        # A make-up Saturday counts (22/8/2026).
        (datetime(2026, 8, 21, 10, 0), 2, date(2026, 8, 24)),
    ],
)
def test_the_answer_is_due_in_working_days(app, client, commune_unit, received, days, due) -> None:
    app.config["FEEDBACK_ANSWER_DAYS"] = days
    clock.freeze(received)
    sent_code(send(client, unit=commune_unit.code))
    assert db.session.scalar(select(Feedback)).due_on == due


def staff(app, make_user, unit, name="Trần Văn Minh"):  # type: ignore[no-untyped-def]
    user = make_user(role=Role.OFFICER, units=[unit], full_name=name)
    client = app.test_client()
    login(client, user)
    return client


def test_staff_see_their_units_feedback_only_and_answer_it(
    app, client, make_user, commune_unit, other_unit
) -> None:
    clock.freeze(datetime(2026, 11, 2, 9, 0))
    code = sent_code(send(client, unit=commune_unit.code))
    item = db.session.scalar(select(Feedback))
    ours, theirs = staff(app, make_user, commune_unit), staff(app, make_user, other_unit)
    assert code in ours.get("/can-bo/phan-anh").text
    assert code not in theirs.get("/can-bo/phan-anh").text
    assert theirs.get(f"/can-bo/phan-anh/{item.id}").status_code == 404
    assert theirs.post(f"/can-bo/phan-anh/{item.id}", data={"answer": "x"}).status_code == 404
    assert client.get("/can-bo/phan-anh").status_code in (302, 303)

    clock.freeze(datetime(2026, 11, 20, 9, 0))  # past the 10 working days: overdue
    queue = ours.get("/can-bo/phan-anh").text
    assert 'class="overdue"' in queue and "Quá hạn" in queue
    assert "Quá hạn trả lời" in client.get(f"/phan-anh/{code}").text
    assert overdue_open_answered()["overdue"] == 1

    empty = ours.post(f"/can-bo/phan-anh/{item.id}", data={"answer": "  "})
    assert empty.status_code == 422 and "Vui lòng ghi nội dung trả lời." in empty.text
    answer = "UBND xã đã kiểm tra; kết quả khai sinh được trả ngày 23/11/2026. Xin lỗi gia đình."
    done = ours.post(f"/can-bo/phan-anh/{item.id}", data={"answer": answer})
    assert done.status_code == 303
    sms = db.session.scalar(select(Notification).filter_by(template="feedback_answered"))
    assert sms.recipient == PHONE and code in sms.body and f"/phan-anh/{code}" in sms.body
    public = client.get(f"/phan-anh/{code}").text
    assert answer in public and "Đã trả lời" in public and NAME not in public
    again = ours.post(f"/can-bo/phan-anh/{item.id}", data={"answer": "Trả lời lần hai"})
    assert (
        again.status_code == 200 and "Trả lời lần hai" not in client.get(f"/phan-anh/{code}").text
    )
    assert overdue_open_answered() == {"overdue": 0, "open": 0, "answered": 1}


def test_no_phone_no_sms(app, client, make_user, commune_unit) -> None:
    sent_code(send(client, unit=commune_unit.code, phone=""))
    item = db.session.scalar(select(Feedback))
    ours = staff(app, make_user, commune_unit)
    ours.post(f"/can-bo/phan-anh/{item.id}", data={"answer": "Đã tiếp thu, cảm ơn Ông."})
    assert db.session.query(Notification).filter_by(template="feedback_answered").count() == 0


def test_sending_is_rate_limited(app, client, commune_unit) -> None:
    app.config["RATELIMIT_FEEDBACK"] = "2/hour"
    for _ in range(2):
        sent_code(send(client, unit=commune_unit.code))
    refused = send(client, unit=commune_unit.code)
    assert refused.status_code == 429 and db.session.query(Feedback).count() == 2


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("pa-7k3m9x2q", "PA-7K3M9X2Q"),
        ("PA 7K3M 9X2Q", "PA-7K3M9X2Q"),
        ("PA-OIL23456", "PA-01123456"),
    ],
)
def test_codes_are_normalised(typed, canonical) -> None:
    assert rules.normalise_code(typed) == canonical and rules.is_code(canonical)


def test_codes_and_tokens_use_their_alphabets() -> None:
    assert all(rules.is_code(rules.new_code()) for _ in range(50))
    assert all(rules.looks_like_token(rules.new_token()) for _ in range(50))
    assert not rules.looks_like_token("A" * rules.TOKEN_LENGTH)


def test_counts_per_unit_and_procedure_match_the_rows(
    app, client, citizen, procedure, commune_unit, other_unit
) -> None:
    dossier = submit_via_services(citizen, procedure)
    for fields in (
        {"dossier_code": dossier.code},
        {"dossier_code": dossier.code},
        {"unit": commune_unit.code},
        {"unit": other_unit.code},
    ):
        sent_code(send(client, **fields))
    today = clock.today()
    counts = numbers.complaint_counts(today, today, today)
    rows = db.session.scalars(select(Feedback)).all()
    for (unit_id, procedure_id), c in counts.items():
        mine = [r for r in rows if (r.unit_id, r.procedure_id or 0) == (unit_id, procedure_id)]
        assert c["open"] == c["received"] == len(mine) and "answered" not in c
    assert sum(c["open"] for c in counts.values()) == 4 and len(counts) == 3
    scoped = numbers.complaint_counts(today, today, today, frozenset({other_unit.id}))
    assert {key: c["open"] for key, c in scoped.items()} == {(other_unit.id, 0): 1}


def overdue_open_answered() -> dict[str, int]:
    """Today's complaint numbers over every unit, as the dashboard counts them."""
    today = clock.today()
    totals = {"overdue": 0, "open": 0, "answered": 0}
    for counts in numbers.complaint_counts(today, today, today).values():
        for name in totals:
            totals[name] += counts.get(name, 0)
    return totals
