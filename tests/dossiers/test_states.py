"""Issue 13, states: tab titles of htmx steps, field errors tied to their inputs, clear states."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from helpers import login

HTMX = {"HX-Request": "true"}
STEPS = ("nguoi-nop", "thong-tin", "giay-to", "nhan-tra", "kiem-tra")


def start(client, procedure) -> str:  # type: ignore[no-untyped-def]
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": "s1"})
    assert response.status_code == 303, response.text
    return response.location.rsplit("/", 1)[0]


@pytest.mark.parametrize("step", STEPS)
def test_a_step_keeps_one_title_in_head_and_its_fragment_carries_the_site_name(
    client, citizen, procedure, step
) -> None:
    login(client, citizen)
    base = start(client, procedure)
    page = BeautifulSoup(client.get(f"{base}/{step}").text, "html.parser")
    titles = page.find_all("title")
    assert len(titles) == 1
    assert titles[0].parent.name == "head"
    assert "Dịch vụ công" in titles[0].get_text()
    assert procedure.name in titles[0].get_text()

    fragment = client.get(f"{base}/{step}", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    top = BeautifulSoup(fragment.text, "html.parser")
    # htmx lifts a top-level <title> out of the response into document.title.
    title = top.find("title", recursive=False)
    assert title is not None, fragment.text[:300]
    assert title.get_text() == titles[0].get_text()


def assert_errors_tied(page: BeautifulSoup) -> int:
    """Every error message is named by aria-describedby of an invalid control; returns the count."""
    errors = page.select(".field .error")
    assert errors
    for error in errors:
        assert error.get("id"), error
        described = page.select(f'[aria-describedby~="{error["id"]}"]')
        assert described, error["id"]
        for control in described:
            if control.name == "fieldset":
                radios = control.select("input")
                assert radios and all(r.get("aria-invalid") == "true" for r in radios)
            else:
                assert control.get("aria-invalid") == "true", control
    return len(errors)


def test_field_errors_are_tied_to_their_inputs(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(
        f"{base}/nguoi-nop",
        data={"phone": "0912", "province": "40", "commune": "", "village": "Xóm Đông"},
    )
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert assert_errors_tied(page) >= 2
    phone = page.find(id="phone")
    assert "phone-error" in phone["aria-describedby"].split()
    assert "Số điện thoại" in page.find(id="phone-error").get_text()
    assert page.find(id="commune")["aria-invalid"] == "true"
    # A valid field is not marked.
    assert page.find(id="village").get("aria-invalid") is None

    response = client.post(f"{base}/thong-tin", data={}, headers=HTMX)
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert assert_errors_tied(page) == len([f for f in procedure.form_schema if f["required"]])

    response = client.post(f"{base}/nhan-tra", data={"return_province": "40"})
    assert response.status_code == 422
    assert assert_errors_tied(BeautifulSoup(response.text, "html.parser")) >= 1


# --- confusing states -----------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join((page.extract_text() or "") for page in reader.pages)


def test_a_same_day_procedure_picked_up_later_promises_no_date_today(
    app, client, citizen, procedure
) -> None:
    from helpers import booked_and_submitted, make_post_office

    from app.dossiers.receipt import citizen_guide, receipt_document

    office = make_post_office()
    dossier = booked_and_submitted(citizen, procedure, office)
    assert procedure.processing_days == 0 and dossier.intake_channel == "post_pickup"
    assert dossier.due_waits_for_papers
    login(client, citizen)
    shown = BeautifulSoup(client.get(f"/ho-so/{dossier.id}").text, "html.parser")
    due = shown.find("dt", string="Hẹn trả kết quả").find_next("dd").get_text(" ", strip=True)
    assert due == "Trong ngày, tính từ khi cơ quan nhận được giấy tờ"
    mine = client.get("/ho-so-cua-toi").text
    assert "hẹn trả Trong ngày, tính từ khi cơ quan nhận được giấy tờ" in mine
    assert "hẹn trả 23/11/2026" not in mine
    receipt = receipt_document(dossier)
    assert receipt.processing_time_text == "Trong ngày"
    assert receipt.appointment_text.startswith("Trong ngày, tính từ khi")
    text = pdf_text(client.get(f"/ho-so/{dossier.id}/giay-tiep-nhan.pdf").data)
    assert "0 ngày làm việc" not in text and "Trong ngày" in text
    assert "23/11/2026" not in text.split("Thời gian trả kết quả")[1][:60]
    guide = citizen_guide(dossier)
    assert guide.due_date is None and "tính từ khi cơ quan nhận được giấy tờ" in guide.due_note


def test_my_dossiers_shows_no_due_date_when_refused_or_waiting_for_more(
    app, client, citizen, procedure
) -> None:
    from datetime import date

    from helpers import submit_via_services

    from app.extensions import db

    refused = submit_via_services(citizen, procedure, "r1")
    waiting = submit_via_services(citizen, procedure, "r2")
    running = submit_via_services(citizen, procedure, "r3")
    for dossier, status in ((refused, "refused"), (waiting, "supplement"), (running, "processing")):
        dossier.status = status
        dossier.due_date = date(2026, 12, 3 + len(status))
    db.session.commit()
    login(client, citizen)
    page = BeautifulSoup(client.get("/ho-so-cua-toi").text, "html.parser")
    items = [li.get_text(" ", strip=True) for li in page.select("ul.cards li")]
    by_code = {d.code: next(i for i in items if d.code in i) for d in (refused, waiting, running)}
    assert "hẹn trả" not in by_code[refused.code]
    assert "hẹn trả" not in by_code[waiting.code]
    assert f"hẹn trả {running.due_date:%d/%m/%Y}" in by_code[running.code]
    shown = client.get(f"/ho-so/{waiting.id}").text
    assert "Hẹn trả kết quả" not in shown


def test_drafts_are_told_apart_and_the_owner_may_delete_one(
    app, client, citizen, procedure, make_user
) -> None:
    from helpers import complete_draft

    from app.dossiers.models import Dossier
    from app.extensions import db

    first = complete_draft(citizen, procedure, "d1")
    first.answers = {**first.answers, "child_full_name": "Lò Văn Minh"}
    second = complete_draft(citizen, procedure, "d2")
    second.answers = {**second.answers, "child_full_name": "Vi Thị Hoa"}
    db.session.commit()
    login(client, citizen)
    page = BeautifulSoup(client.get("/ho-so-cua-toi").text, "html.parser")
    drafts = [li.get_text(" ", strip=True) for li in page.select("ul.cards")[0].find_all("li")]
    assert len(drafts) == 2
    assert any("Lò Văn Minh" in d for d in drafts) and any("Vi Thị Hoa" in d for d in drafts)
    assert all("Tạo ngày" in d and "bước" in d for d in drafts)
    form = page.find("form", action=f"/ho-so/{first.id}/xoa-ban-nhap")
    assert form is not None and form.find_parent("details") is not None  # confirmed first
    token = form.find("input", attrs={"name": "csrf_token"})["value"]

    # Someone else: 404, the draft stays.
    other = app.test_client()
    login(other, make_user(full_name="Hà Văn Tùng"))
    response = other.post(f"/ho-so/{first.id}/xoa-ban-nhap", data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(Dossier, first.id) is not None

    response = client.post(f"/ho-so/{first.id}/xoa-ban-nhap", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Dossier, first.id) is None
    assert db.session.get(Dossier, second.id) is not None
    assert "Đã xóa bản nháp" in client.get("/ho-so-cua-toi").text
    again = client.post(f"/ho-so/{first.id}/xoa-ban-nhap", data={"csrf_token": token})
    assert again.status_code == 404


def test_the_volunteers_guide_says_to_bring_the_papers_to_the_counter(
    app, citizen, procedure
) -> None:
    from helpers import complete_draft

    from app.dossiers.operations.submitting import submit
    from app.dossiers.receipt import citizen_guide
    from app.extensions import db

    dossier = complete_draft(citizen, procedure, "g1")
    dossier.intake_channel = "counter"
    assert submit(dossier, citizen)
    db.session.commit()
    guide = citizen_guide(dossier)
    assert guide.papers_text.startswith("Mang giấy tờ bản chính và tờ này đến ")
    assert dossier.receiving_unit.name in guide.papers_text
    assert guide.due_date is None  # the count starts when the clerk has the papers

    online = complete_draft(citizen, procedure, "g2")
    assert submit(online, citizen)
    db.session.commit()
    assert citizen_guide(online).papers_text == ""


def test_queue_codes_never_wrap_inside_at_phone_width() -> None:
    from pathlib import Path

    css = (Path(__file__).parents[2] / "static/css/app.css").read_text()
    assert ".worklist .code{overflow-wrap:normal;word-break:normal;white-space:nowrap}" in css
    # Below 40rem the queue's rows stack, so the unbroken code has the whole width.
    assert "@media (max-width:40rem){.worklist.queue thead" in css


def test_the_demo_dossiers_put_realistic_values_in_each_field(app) -> None:
    from flask import current_app
    from sqlalchemy import select

    from app.accounts.demo import create_demo_accounts
    from app.dossiers.demo import create_demo_dossiers
    from app.dossiers.models import Dossier
    from app.extensions import db

    create_demo_accounts(current_app.config["PROVINCE_TREE"])
    create_demo_dossiers()
    db.session.commit()
    answers = {}
    for dossier in db.session.scalars(select(Dossier)):
        answers.update(dossier.answers or {})
        owner_id = dossier.owner.id_number
    assert answers, "the demo made no dossiers"
    if "child_ethnicity" in answers:
        assert answers["child_ethnicity"] == "Thái"
    if "father_full_name" in answers:
        assert answers["father_full_name"] != answers.get("mother_full_name")
        assert answers["father_full_name"].split()[1] == "Văn"  # a man's name
    if "licence_number" in answers:
        assert answers["licence_number"].isdigit() and len(answers["licence_number"]) == 12
    if "deceased_id_number" in answers:
        assert answers["deceased_id_number"] != owner_id
    names = [v for k, v in answers.items() if k.endswith("full_name")]
    others = [v for k, v in answers.items() if not k.endswith(("full_name", "_name"))]
    assert not set(names) & set(others)  # no person's name in a field that is not a name
