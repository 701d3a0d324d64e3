"""A volunteer's consent codes are limited per volunteer (the whole queue of a village hall
shares one address): sending codes (RATELIMIT_CODE_SEND) and checking them
(RATELIMIT_CODE_CHECK). Consent on paper sends nothing and is not counted."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers import born, login

from app.assist.models import CommunityTeam
from app.core import clock
from app.core.roles import Role
from app.extensions import db


def person(n: int) -> dict[str, str]:
    return {
        "full_name": "Lò Thị Xuân",
        "phone": f"09876540{n:02d}",
        **born("1958-03-08"),
        "sex": "female",
        "id_number": f"0401580123{n:02d}",
        "agreed": "y",
    }


@pytest.fixture
def browser(app, make_user):  # type: ignore[no-untyped-def]
    team = CommunityTeam(
        name="Tổ công nghệ số cộng đồng Bản Huồi Tụ",
        commune_code="17329",
        village="Bản Huồi Tụ",
        meeting_place="Nhà văn hóa Bản Huồi Tụ",
    )
    db.session.add(team)
    db.session.commit()
    volunteer = make_user(role=Role.COMMUNITY, team_id=team.id, full_name="Lô Văn Pằn")
    clock.freeze(datetime(2026, 11, 23, 9, 0))
    client = app.test_client()
    login(client, volunteer)
    return client


def test_sending_consent_codes_is_limited_per_volunteer(app, browser) -> None:
    app.config["RATELIMIT_CODE_SEND"] = "2/hour"
    for n in range(2):
        response = browser.post("/ho-tro/cong-dan-moi", data={**person(n), "way": "sms_code"})
        assert response.status_code == 303
    refused = browser.post("/ho-tro/cong-dan-moi", data={**person(2), "way": "sms_code"})
    assert refused.status_code == 429
    assert browser.post("/ho-tro/nhap-ma/gui-lai").status_code == 429
    # Paper consent sends nothing: it goes on.
    paper = browser.post("/ho-tro/cong-dan-moi", data={**person(3), "way": "paper"})
    assert paper.status_code == 303 and paper.location.endswith("/ho-tro/cong-dan")


def test_checking_consent_codes_is_limited_per_volunteer(app, browser) -> None:
    app.config["RATELIMIT_CODE_CHECK"] = "3/10minutes"
    browser.post("/ho-tro/cong-dan-moi", data={**person(0), "way": "sms_code"})
    statuses = [
        browser.post("/ho-tro/nhap-ma", data={"code": f"00000{n}"}).status_code for n in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    assert browser.get("/ho-tro/nhap-ma").status_code == 200  # showing the page is not a try
