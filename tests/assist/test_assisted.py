"""A community team member helps citizens one after another on one browser (issue 5).

Consent comes first (on paper, or by a code sent to the citizen's phone and typed back); the
journey is the same one; the dossier records the volunteer, the team and the place; the
citizen, not the volunteer, gets the messages; and after "Xong, người tiếp theo" nothing of the
previous citizen opens or shows on that browser.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from helpers import born, code_in, jpeg_bytes, login, sample_answers, submit_via_services
from sqlalchemy import func, select

from app.accounts.models import Consent, OneTimeCode, User
from app.assist.models import CommunityTeam
from app.core import clock
from app.core.roles import Role
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.operations.intake import accept
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.notifications.models import Notification

COMMUNE = "17329"
NOW = datetime(2026, 11, 23, 9, 0)
FIRST = {
    "full_name": "Lò Thị Xuân",
    "phone": "0987654321",
    **born("1958-03-08"),
    "sex": "female",
    "id_number": "040158012345",
}
SECOND = {
    "full_name": "Vi Văn Pọm",
    "phone": "0977333444",
    **born("1949-10-02"),
    "sex": "male",
    "id_number": "040049054321",
}


HTMX = {"HX-Request": "true"}


@pytest.fixture
def team(app) -> CommunityTeam:  # type: ignore[no-untyped-def]
    team = CommunityTeam(
        name="Tổ công nghệ số cộng đồng Bản Huồi Tụ",
        commune_code=COMMUNE,
        village="Bản Huồi Tụ",
        meeting_place="Nhà văn hóa Bản Huồi Tụ",
    )
    db.session.add(team)
    db.session.commit()
    return team


@pytest.fixture
def volunteer(make_user, team):  # type: ignore[no-untyped-def]
    return make_user(role=Role.COMMUNITY, team_id=team.id, full_name="Lô Văn Pằn")


@pytest.fixture
def browser(app, volunteer):  # type: ignore[no-untyped-def]
    """The village hall's one shared browser, signed in as the volunteer."""
    clock.freeze(NOW)
    client = app.test_client()
    login(client, volunteer)
    return client


@pytest.fixture
def fixed_code(monkeypatch):  # type: ignore[no-untyped-def]
    """The SMS code the citizen reads out (random in the app; fixed here so the test knows it)."""
    import app.accounts.codes as codes

    monkeypatch.setattr(codes.secrets, "randbelow", lambda n: 246810)
    return "246810"


def register_on_paper(browser, person: dict) -> User:  # type: ignore[no-untyped-def]
    response = browser.post("/ho-tro/cong-dan-moi", data={**person, "agreed": "y", "way": "paper"})
    assert response.status_code == 303 and response.location.endswith("/ho-tro/cong-dan")
    return db.session.scalar(select(User).filter_by(phone=person["phone"]))


def apply_for(browser, procedure, token: str = "t1", htmx: bool = False) -> Dossier:  # type: ignore[no-untyped-def]
    """The whole journey, filled by the volunteer for the citizen being served, and submitted
    (the last step over htmx when ``htmx``)."""
    response = browser.post(
        "/ho-tro/nop-ho-so", data={"procedure": procedure.id, "client_token": token}
    )
    assert response.status_code == 303, response.text
    base = response.location.rsplit("/", 1)[0]
    citizen = db.session.get(Dossier, int(base.rsplit("/", 1)[1])).owner
    steps = [
        (
            "nguoi-nop",
            {"phone": citizen.phone, "province": "40", "commune": COMMUNE, "village": "Bản Lả"},
        ),
        ("thong-tin", sample_answers(procedure)),
    ]
    for step, data in steps:
        assert browser.post(f"{base}/{step}", data=data).status_code == 303, step
    for document in procedure.documents:
        if document.is_required and document.scan_required:
            browser.post(
                f"{base}/giay-to/{document.code}",
                data={"file": (io.BytesIO(jpeg_bytes()), "anh.jpg")},
                content_type="multipart/form-data",
            )
    assert (
        browser.post(
            f"{base}/nhan-tra",
            data={"intake_channel": "online", "return_channel": "online", "return_province": "40"},
        ).status_code
        == 303
    )
    if htmx:  # the citizen's own page is not the helper's: a full navigation, to it
        response = browser.post(f"{base}/nop", data={"declaration": "1"}, headers=HTMX)
        assert response.status_code == 204 and response.headers["HX-Redirect"] == base
        shown = browser.get(base)
    else:
        response = browser.post(f"{base}/nop", data={"declaration": "1"})
        assert response.status_code == 303
        shown = browser.get(response.location)
    assert shown.status_code == 303 and "/ho-tro/ho-so/" in shown.location
    return db.session.get(Dossier, int(base.rsplit("/", 1)[1]))


def test_nothing_is_saved_before_consent_and_the_box_is_never_ticked(browser, team) -> None:  # type: ignore[no-untyped-def]
    page = browser.get("/ho-tro/cong-dan-moi")
    assert page.status_code == 200, page.text[:300]
    box = re.search(r'<input[^>]*id="agreed"[^>]*>', page.text).group(0)
    assert "checked" not in box
    refused = browser.post("/ho-tro/cong-dan-moi", data={**FIRST, "way": "paper"})
    assert refused.status_code == 422 and "Cần người dân đồng ý" in refused.text
    assert (
        db.session.scalar(select(func.count()).select_from(User).filter_by(phone=FIRST["phone"]))
        == 0
    )
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0


def test_a_new_citizen_confirms_by_sms_code_then_the_account_exists(
    browser, team, volunteer, fixed_code
) -> None:  # type: ignore[no-untyped-def]
    response = browser.post(
        "/ho-tro/cong-dan-moi", data={**FIRST, "agreed": "y", "way": "sms_code"}
    )
    assert response.status_code == 303 and response.location.endswith("/ho-tro/nhap-ma")
    # The code went to the citizen's phone; the account waits for it.
    sms = db.session.scalar(select(Notification).filter_by(template="otp_consent"))
    assert sms.recipient == FIRST["phone"]
    # Stored masked; put back only for the channel that sends it.
    assert fixed_code not in sms.body and fixed_code not in sms.sealed_secret
    assert code_in(sms) == fixed_code
    assert db.session.scalar(select(User).filter_by(phone=FIRST["phone"])) is None
    row = db.session.scalar(select(OneTimeCode))
    assert row.code_hash != fixed_code and fixed_code not in str(row.code_hash)

    wrong = browser.post("/ho-tro/nhap-ma", data={"code": "111111"})
    assert wrong.status_code == 422 and "Mã chưa đúng" in wrong.text
    right = browser.post("/ho-tro/nhap-ma", data={"code": fixed_code})
    assert right.status_code == 303 and right.location.endswith("/ho-tro/cong-dan")
    citizen = db.session.scalar(select(User).filter_by(phone=FIRST["phone"]))
    assert citizen.password_hash is None and citizen.created_by_id == volunteer.id
    consent = db.session.scalar(
        select(Consent).filter_by(citizen_id=citizen.id, purpose="assisted")
    )
    assert consent.method == "sms_code" and consent.place == "Nhà văn hóa Bản Huồi Tụ"
    assert db.session.get(OneTimeCode, row.id).payload is None  # the details left the code row
    # The same code cannot be used twice.
    assert browser.post("/ho-tro/nhap-ma", data={"code": fixed_code}).status_code == 404


def test_the_assisted_dossier_records_who_where_how_and_the_citizen_gets_the_sms(
    app, browser, team, volunteer, procedure, make_user
) -> None:  # type: ignore[no-untyped-def]
    citizen = register_on_paper(browser, FIRST)
    dossier = apply_for(browser, procedure)
    assert dossier.status == DossierStatus.SUBMITTED
    assert (dossier.owner_id, dossier.created_by_id, dossier.submitted_by_id) == (
        citizen.id,
        volunteer.id,
        volunteer.id,
    )
    assert dossier.assist_team_id == team.id and dossier.assist_place == "Nhà văn hóa Bản Huồi Tụ"
    assert dossier.consent.method == "paper" and dossier.consent.recorded_by_id == volunteer.id
    submitted = db.session.scalar(
        select(DossierEvent).filter_by(dossier_id=dossier.id, action="submitted")
    )
    assert team.name in submitted.note and volunteer.full_name in submitted.note

    page = browser.get(f"/ho-tro/ho-so/{dossier.id}")
    assert page.status_code == 200 and dossier.code in page.text
    receipt = browser.get(f"/ho-tro/ho-so/{dossier.id}/giay-tiep-nhan.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF-")
    assert browser.get(f"/ho-tro/ho-so/{dossier.id}/giay-tiep-nhan.pdf?kho=80").status_code == 200
    assert browser.get(f"/ho-tro/ho-so/{dossier.id}/huong-dan.pdf").data.startswith(b"%PDF-")

    # The officer accepts: the message goes to the citizen's phone, never the volunteer's.
    officer = make_user(role=Role.OFFICER, units=[dossier.receiving_unit])
    accept(dossier, officer)
    db.session.commit()
    recipients = set(
        db.session.scalars(select(Notification.recipient).filter_by(dossier_id=dossier.id))
    )
    assert recipients == {FIRST["phone"]}

    # The citizen, once signed in (here with a password set for the test), finds it.
    citizen.set_password("Mat-khau-thu-2026")
    db.session.commit()
    own = app.test_client()
    login(own, citizen)
    assert dossier.code in own.get("/ho-so-cua-toi").text


def test_the_volunteer_cannot_use_their_own_phone_for_the_citizen(
    browser, team, volunteer, procedure
) -> None:  # type: ignore[no-untyped-def]
    register_on_paper(browser, FIRST)
    response = browser.post(
        "/ho-tro/nop-ho-so", data={"procedure": procedure.id, "client_token": "x"}
    )
    base = response.location.rsplit("/", 1)[0]
    # The shared browser's autofill must not offer this citizen's answers to the next one.
    from bs4 import BeautifulSoup

    page = BeautifulSoup(browser.get(f"{base}/nguoi-nop").text, "html.parser")
    assert page.find("form", action=f"{base}/nguoi-nop")["autocomplete"] == "off"
    refused = browser.post(
        f"{base}/nguoi-nop",
        data={"phone": volunteer.phone, "province": "40", "commune": COMMUNE, "village": "Bản Lả"},
    )
    assert refused.status_code == 422 and "số điện thoại của bạn" in refused.text


def test_next_person_leaves_nothing_of_the_previous_citizen(
    browser, team, volunteer, procedure, fixed_code
) -> None:  # type: ignore[no-untyped-def]
    first = register_on_paper(browser, FIRST)
    done = apply_for(browser, procedure, "first-done")
    started = browser.post(
        "/ho-tro/nop-ho-so", data={"procedure": procedure.id, "client_token": "first-draft"}
    )
    draft_base = started.location.rsplit("/", 1)[0]
    first_pages = [
        "/ho-tro/cong-dan",
        f"/ho-tro/ho-so/{done.id}",
        f"/ho-tro/ho-so/{done.id}/giay-tiep-nhan.pdf",
        f"/ho-tro/ho-so/{done.id}/huong-dan.pdf",
        f"{draft_base}/nguoi-nop",
        f"{draft_base}/kiem-tra",
        f"/ho-so/{done.id}",
        f"/ho-so/{done.id}/giay-tiep-nhan.pdf",
    ]
    assert FIRST["full_name"] in browser.get("/ho-tro/cong-dan").text

    response = browser.post("/ho-tro/xong")
    assert response.status_code == 303 and response.location.endswith("/ho-tro/")
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert (
        response.headers["Cache-Control"].startswith("no-store")
        or "no-store" in response.headers["Cache-Control"]
    )

    # Back button, or a typed URL: none of the first citizen's pages opens any more.
    for url in first_pages:
        again = browser.get(url)
        assert again.status_code in (303, 404), url
        assert FIRST["full_name"] not in again.text and FIRST["phone"] not in again.text, url

    # The second citizen, by SMS: no page shows anything of the first.
    browser.post("/ho-tro/cong-dan-moi", data={**SECOND, "agreed": "y", "way": "sms_code"})
    browser.post("/ho-tro/nhap-ma", data={"code": fixed_code})
    second_done = apply_for(browser, procedure, "second-done", htmx=True)
    previous = (
        FIRST["full_name"],
        FIRST["phone"],
        FIRST["id_number"],
        first.id_number[-4:],
        done.code,
    )
    for url in (
        "/ho-tro/",
        "/ho-tro/cong-dan",
        f"/ho-tro/ho-so/{second_done.id}",
        "/ho-tro/da-ho-tro",
    ):
        page = browser.get(url)
        assert page.status_code == 200, url
        for value in previous[:3]:
            assert value not in page.text, (url, value)
    # The list of dossiers helped shows codes and statuses, never names.
    # (The bar at the top names the citizen being served now, and only them.)
    from bs4 import BeautifulSoup

    helped = BeautifulSoup(browser.get("/ho-tro/da-ho-tro").text, "html.parser").find("main")
    assert done.code in helped.text and second_done.code in helped.text
    assert SECOND["full_name"] not in helped.text and FIRST["full_name"] not in helped.text


def test_the_volunteer_never_sees_the_citizens_other_dossiers(browser, team, procedure) -> None:  # type: ignore[no-untyped-def]
    citizen = register_on_paper(browser, FIRST)
    own = submit_via_services(citizen, procedure, "own")  # the citizen applied alone, earlier
    assert browser.get(f"/ho-so/{own.id}").status_code == 404
    assert browser.get(f"/ho-tro/ho-so/{own.id}").status_code == 404
    assert own.code not in browser.get("/ho-tro/cong-dan").text


def test_an_idle_session_ends_and_the_same_volunteer_goes_on(
    app, browser, team, volunteer, procedure, make_user
) -> None:  # type: ignore[no-untyped-def]
    app.config["STAFF_IDLE_MINUTES"] = 10
    register_on_paper(browser, FIRST)
    started = browser.post(
        "/ho-tro/nop-ho-so", data={"procedure": procedure.id, "client_token": "idle"}
    )
    step = started.location
    assert browser.get(step).status_code == 200
    clock.freeze(NOW + timedelta(minutes=9))
    assert browser.get(step).status_code == 200  # nine quiet minutes: still there
    clock.freeze(NOW + timedelta(minutes=20))
    ended = browser.get(step)
    assert ended.status_code == 303 and "/dang-nhap" in ended.location
    assert browser.get("/ho-tro/cong-dan").status_code == 303  # signed out
    # The same volunteer signs in again: the draft and the citizen are still there.
    login(browser, volunteer)
    assert browser.get(step).status_code == 200
    assert FIRST["full_name"] in browser.get("/ho-tro/cong-dan").text
    # Someone else signing in on this browser starts with nobody.
    clock.freeze(NOW + timedelta(minutes=40))
    browser.get("/")
    other = make_user(role=Role.COMMUNITY, team_id=team.id, full_name="Thành viên khác")
    login(browser, other)
    assert browser.get(step).status_code == 404
    assert FIRST["full_name"] not in browser.get("/ho-tro/").text


def test_pages_of_the_volunteer_warn_before_the_idle_end(app, browser, team) -> None:  # type: ignore[no-untyped-def]
    app.config["STAFF_IDLE_MINUTES"] = 10
    page = browser.get("/ho-tro/")
    assert 'data-idle="600"' in page.text and 'data-keepalive="/phien"' in page.text
    assert browser.get("/phien").status_code == 204


def test_the_search_never_puts_a_number_in_the_address(browser, team) -> None:  # type: ignore[no-untyped-def]
    """A shared browser's history keeps URLs: a phone or ID number must never be in one."""
    from bs4 import BeautifulSoup

    home = BeautifulSoup(browser.get("/ho-tro/").text, "html.parser")
    assert home.find("form", class_="search")["method"] == "post"
    result = browser.post("/ho-tro/", data={"q": FIRST["phone"]})
    assert result.status_code == 200 and "Chưa có tài khoản" in result.text
    register = BeautifulSoup(result.text, "html.parser").find("button", attrs={"name": "prefill"})
    form = register.find_parent("form")
    assert form["method"] == "post" and "?" not in form["action"]
    prefilled = browser.post(form["action"], data={"q": FIRST["phone"], "prefill": "1"})
    assert prefilled.status_code == 200
    phone = BeautifulSoup(prefilled.text, "html.parser").find("input", id="phone")
    assert phone["value"] == FIRST["phone"]
    assert (
        db.session.scalar(select(func.count()).select_from(User).filter_by(phone=FIRST["phone"]))
        == 0
    )
    assert FIRST["phone"] not in browser.get("/ho-tro/").text


def test_the_volunteer_lands_on_their_work(app, volunteer) -> None:  # type: ignore[no-untyped-def]
    from helpers import PASSWORD

    client = app.test_client()
    response = client.post("/dang-nhap", data={"phone": volunteer.phone, "password": PASSWORD})
    assert response.status_code == 303 and response.location.endswith("/ho-tro/")


def test_the_volunteer_shows_the_citizen_how_to_pay_until_the_next_person(browser, team) -> None:  # type: ignore[no-untyped-def]
    from app.catalogue.models import Procedure
    from app.catalogue.operations import save_collection_account

    residence = db.session.scalar(select(Procedure).filter_by(code="1.004222"))
    register_on_paper(browser, FIRST)
    dossier = apply_for(browser, residence, "fee")
    save_collection_account(
        dossier.receiving_unit,
        bank_bin="970405",
        account_number="3600205012345",
        account_name="UBND xã Anh Sơn",
    )
    db.session.commit()
    assert dossier.fee_state == "due" and dossier.fee_amount == 10000
    landing = browser.get(f"/ho-tro/ho-so/{dossier.id}")
    assert f'href="/ho-so/{dossier.id}/nop-phi"' in landing.text
    page = browser.get(f"/ho-so/{dossier.id}/nop-phi")
    assert page.status_code == 200
    assert dossier.payment_reference in page.text and "10.000 đồng" in page.text
    assert browser.post("/ho-tro/xong").status_code == 303
    assert browser.get(f"/ho-so/{dossier.id}/nop-phi").status_code == 404
