"""The pages that ask for a one-time code say where it went (masked) and offer "Gửi lại mã":
after a minute (the server refuses an earlier one politely, and sends nothing), or at once
when the delivery report says the SMS was rejected, on the pages that send every phone a code
(registration, a volunteer's consent). Claim and reset never tell: their pages are the same
for a phone with an account whose SMS was rejected and for a phone with no account at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from helpers import after_a_minute, born, login, without_phone
from sqlalchemy import func, select

from app.accounts.models import OneTimeCode
from app.assist.models import CommunityTeam
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.notifications.channels import key_of
from app.notifications.models import Notification
from app.notifications.outbox import send_pending

T0 = datetime(2026, 12, 7, 9, 30)
PHONE = "0987654321"
SECRET = "k7Qm2VxP9rTz4LwN8sYdBq3H"
PREFIX = "motcua-40-test"
TOO_SOON = "Sau 1 phút chưa nhận được mã, hãy bấm Gửi lại mã"
REJECTED = "Tin nhắn chứa mã không đến được số 0987***321"
ONE_MINUTE_RULE = "Sau 1 phút chưa nhận được mã, bấm Gửi lại mã."


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "ESMS_CALLBACK_SECRET": SECRET, "NOTIFY_ID_PREFIX": PREFIX}


def registration(phone: str = "0987 654 321", id_number: str = "040 190 777 001") -> dict:  # type: ignore[type-arg]
    return {
        "full_name": "Lò Thị Mai",
        "phone": phone,
        **born("1990-05-12"),
        "sex": "female",
        "id_number": id_number,
        "email": "lo.thi.mai@example.vn",
        "password": "mat-khau-rat-dai",
        "password_again": "mat-khau-rat-dai",
        "consent": "y",
    }


def main_text(response) -> str:  # type: ignore[no-untyped-def]
    main = BeautifulSoup(response.text, "html.parser").find("main")
    assert main is not None, response.text[:300]
    return " ".join(main.get_text(" ", strip=True).split())


def codes_to(phone: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(OneTimeCode).where(OneTimeCode.phone == phone)
    )


def carrier_rejects(client, phone: str) -> None:  # type: ignore[no-untyped-def]
    """The latest SMS to ``phone`` goes to the gateway (log adapter), then the carrier's
    delivery report says rejected (eSMS SendStatus 4), through the real webhook."""
    assert "sent 1" in str(send_pending(now=clock.now()))
    row = db.session.scalars(
        select(Notification).filter_by(recipient=phone).order_by(Notification.id.desc())
    ).first()
    query = {
        "SMSID": f"esms-{row.id}-b71c",
        "SendStatus": "4",
        "RequestId": key_of(row.id, row.created_at, PREFIX),
        "phonenumber": "84" + phone[1:],
        "telcoid": "1",
    }
    assert client.get(f"/bao-cao-gui-tin/esms/{SECRET}", query_string=query).status_code == 200
    db.session.expire_all()
    assert db.session.get(Notification, row.id).status == "rejected"


# --- registration ---------------------------------------------------------------------------


def test_registration_names_the_number_and_waits_a_minute_to_send_again(client) -> None:
    clock.freeze(T0)
    assert client.post("/dang-ky", data=registration()).status_code == 303
    page = main_text(client.get("/dang-ky/ma"))
    assert "Số nhận mã: 0987***321" in page
    assert ONE_MINUTE_RULE in page
    assert PHONE not in page

    clock.freeze(T0 + timedelta(seconds=40))
    response = client.post("/dang-ky/gui-lai")
    assert response.status_code == 303 and response.location.endswith("/dang-ky/ma")
    refused = main_text(client.get("/dang-ky/ma"))
    assert TOO_SOON in refused and "còn 20 giây" in refused
    assert codes_to(PHONE) == 1  # nothing sent

    clock.freeze(T0 + timedelta(seconds=60))
    assert client.post("/dang-ky/gui-lai").status_code == 303
    assert "Đã gửi mã mới" in main_text(client.get("/dang-ky/ma"))
    assert codes_to(PHONE) == 2


def test_registration_offers_to_send_again_at_once_when_the_sms_is_rejected(client) -> None:
    clock.freeze(T0)
    client.post("/dang-ky", data=registration())
    assert REJECTED not in main_text(client.get("/dang-ky/ma"))
    clock.freeze(T0 + timedelta(seconds=12))
    carrier_rejects(client, PHONE)
    page = main_text(client.get("/dang-ky/ma"))
    assert REJECTED in page and ONE_MINUTE_RULE not in page
    assert client.post("/dang-ky/gui-lai").status_code == 303  # 12 seconds after: sent
    assert "Đã gửi mã mới" in main_text(client.get("/dang-ky/ma"))
    assert codes_to(PHONE) == 2
    # The new code's SMS has no report yet: the minute rule again.
    page = main_text(client.get("/dang-ky/ma"))
    assert REJECTED not in page and ONE_MINUTE_RULE in page
    client.post("/dang-ky/gui-lai")
    assert codes_to(PHONE) == 2


def test_resending_still_keeps_to_the_hourly_limit(app, client) -> None:
    clock.freeze(T0)
    client.post("/dang-ky", data=registration())
    for _ in range(app.config["OTP_PER_HOUR"] + 2):
        after_a_minute()
        client.post("/dang-ky/gui-lai")
    assert codes_to(PHONE) == app.config["OTP_PER_HOUR"]


# --- claim and reset: the same page whatever the phone ------------------------------------------


def _opened(make_user, phone: str, with_password: bool):  # type: ignore[no-untyped-def]
    user = make_user(phone=phone, full_name="Lô Thị Mai")
    if not with_password:
        user.password_hash = None
    db.session.commit()
    return user


@pytest.mark.parametrize(
    ("start", "code_page", "resend", "with_password"),
    [
        ("/nhan-tai-khoan", "/nhan-tai-khoan/ma", "/nhan-tai-khoan/gui-lai", False),
        ("/quen-mat-khau", "/quen-mat-khau/ma", "/quen-mat-khau/gui-lai", True),
    ],
    ids=["claim", "reset"],
)
def test_claim_and_reset_never_tell_a_rejected_sms_from_no_account(
    app, make_user, start, code_page, resend, with_password
) -> None:
    _opened(make_user, PHONE, with_password)
    key = "claim" if start == "/nhan-tai-khoan" else "reset"
    seen = {}
    for phone in (PHONE, "0987000444"):  # an account whose SMS is rejected; no account
        clock.freeze(T0)
        client = app.test_client()
        steps = [client.post(start, data={"phone": phone})]
        if phone == PHONE:
            carrier_rejects(client, PHONE)
        steps += [client.get(code_page), client.post(resend), client.get(code_page)]
        clock.freeze(T0 + timedelta(seconds=61))
        steps += [client.post(resend), client.get(code_page)]
        walk = []
        for response in steps:
            body = main_text(response) if response.status_code != 303 else response.location
            with client.session_transaction() as session:
                state = dict(session[key])
            state["ref"] = len(state["ref"])
            walk.append((response.status_code, *without_phone(body, state, phone)))
        seen[phone] = walk
    assert seen[PHONE] == seen["0987000444"]
    page = seen[PHONE][1][1]
    assert "Số đã nhập: <số>" in page and ONE_MINUTE_RULE in page
    assert "không đến được" not in repr(seen)
    assert TOO_SOON in seen[PHONE][3][1]  # the early resend was refused, for both
    assert codes_to(PHONE) == 2  # the first code and the one after the minute
    assert codes_to("0987000444") == 0


# --- a volunteer's consent code ---------------------------------------------------------------


@pytest.fixture
def volunteer(app, make_user):  # type: ignore[no-untyped-def]
    team = CommunityTeam(
        name="Tổ công nghệ số cộng đồng Bản Huồi Tụ",
        commune_code="17329",
        village="Bản Huồi Tụ",
        meeting_place="Nhà văn hóa Bản Huồi Tụ",
    )
    db.session.add(team)
    db.session.commit()
    helper = make_user(role=Role.COMMUNITY, team_id=team.id, full_name="Lô Văn Pằn")
    clock.freeze(T0)
    client = app.test_client()
    login(client, helper)
    return client


NEW_CITIZEN = {
    "full_name": "Lò Thị Xuân",
    "phone": "0987 654 321",
    **born("1958-03-08"),
    "sex": "female",
    "id_number": "040158012301",
    "agreed": "y",
    "way": "sms_code",
}


def test_consent_code_waits_a_minute_or_goes_again_at_once_when_rejected(volunteer) -> None:
    assert volunteer.post("/ho-tro/cong-dan-moi", data=NEW_CITIZEN).status_code == 303
    page = main_text(volunteer.get("/ho-tro/nhap-ma"))
    assert "Mã đã gửi đến số 0987***321." in page and ONE_MINUTE_RULE in page
    clock.freeze(T0 + timedelta(seconds=30))
    assert volunteer.post("/ho-tro/nhap-ma/gui-lai").status_code == 303
    assert TOO_SOON in main_text(volunteer.get("/ho-tro/nhap-ma"))
    assert codes_to(PHONE) == 1

    carrier_rejects(volunteer, PHONE)
    page = main_text(volunteer.get("/ho-tro/nhap-ma"))
    assert REJECTED in page and ONE_MINUTE_RULE not in page
    assert volunteer.post("/ho-tro/nhap-ma/gui-lai").status_code == 303
    assert codes_to(PHONE) == 2
    assert "Đã gửi mã xác nhận" in main_text(volunteer.get("/ho-tro/nhap-ma"))

    clock.freeze(T0 + timedelta(seconds=95))  # a minute after the second code
    assert volunteer.post("/ho-tro/nhap-ma/gui-lai").status_code == 303
    assert codes_to(PHONE) == 3
