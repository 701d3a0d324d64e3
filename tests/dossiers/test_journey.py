"""The citizen's application journey through the web pages: steps, drafts, uploads, submit."""

from __future__ import annotations

import io
import os
import re
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import born, fill_draft, jpeg_bytes, login, posted_answers, sample_answers
from PIL import Image
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.dossiers import deadlines
from app.dossiers.models import Attachment, Dossier, DossierEvent
from app.dossiers.statuses import DossierStatus
from app.dossiers.uploads import MSG_UNSUPPORTED
from app.extensions import db

HTMX = {"HX-Request": "true"}
MONDAY_9AM = datetime(2026, 11, 23, 9, 0)  # the day before Vietnam Culture Day (24/11)
CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")
UPLOAD_LIMIT = 200 * 1024
COMMUNE = "17329"  # Xã Anh Sơn, Nghệ An
APPLICANT = {
    "phone": "0912 345 678",
    "province": "40",
    "commune": COMMUNE,
    "village": "Bản Huồi Tụ",
    "street": "",
}
DELIVERY = {"intake_channel": "online", "return_channel": "online", "return_province": "40"}


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    """A small upload limit, so that "too large" can be tested with a small file."""
    return {
        **app_config,
        "UPLOAD_MAX_BYTES": UPLOAD_LIMIT,
        "MAX_CONTENT_LENGTH": UPLOAD_LIMIT + 512 * 1024,
    }


# --- helpers -------------------------------------------------------------------------------


def procedure_named(name: str) -> Procedure:
    return db.session.scalars(select(Procedure).filter_by(name=name)).one()


def path(url: str) -> str:
    return urlsplit(url).path


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def field_error(page: BeautifulSoup, field_id: str) -> str:
    control = page.find(id=field_id)
    assert control is not None, field_id
    wrapper = control.find_parent(class_="field")
    assert wrapper is not None and "invalid" in wrapper["class"], field_id
    return " ".join(e.get_text(" ", strip=True) for e in wrapper.select(".error"))


def summary_text(page: BeautifulSoup) -> str:
    box = page.find(id="error-summary")
    assert box is not None, "no error summary"
    return box.get_text(" ", strip=True)


def start(client, procedure: Procedure, token: str = "tok-1") -> str:  # type: ignore[no-untyped-def]
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": token})
    assert response.status_code == 303, response.text
    assert path(response.location).endswith("/nguoi-nop")
    return path(response.location).rsplit("/", 1)[0]


def upload(client, base: str, document_code: str, data: bytes, name: str = "anh.jpg", **kw):  # type: ignore[no-untyped-def]
    return client.post(
        f"{base}/giay-to/{document_code}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        **kw,
    )


def dossier_at(base: str) -> Dossier:
    db.session.expire_all()
    return db.session.get(Dossier, int(base.rsplit("/", 1)[1]))


def submitted(client, procedure: Procedure, token: str = "tok-1") -> Dossier:  # type: ignore[no-untyped-def]
    base = fill_draft(client, procedure, token)
    response = client.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 303, response.text
    return dossier_at(base)


def required_scans(procedure: Procedure) -> list[str]:
    return [d.code for d in procedure.documents if d.is_required and d.scan_required]


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


# --- the whole journey without JavaScript ------------------------------------------------------


@pytest.mark.parametrize("name", ["Đăng ký khai sinh", "Đăng ký thường trú"])
def test_full_journey_without_javascript(client, citizen, name) -> None:
    procedure = procedure_named(name)
    login(client, citizen)
    page = client.get(f"/thu-tuc/{procedure.code}")
    token = soup(page).find("input", attrs={"name": "client_token"})["value"]
    base = start(client, procedure, token)

    # Step 1: applicant, prefilled from the account; identity shown masked.
    step1 = client.get(f"{base}/nguoi-nop")
    assert step1.status_code == 200
    form = soup(step1)
    assert form.find(id="phone")["value"] == citizen.phone
    assert citizen.full_name in step1.text
    assert "********" + citizen.id_number[-4:] in step1.text
    assert citizen.id_number not in step1.text
    response = client.post(f"{base}/nguoi-nop", data=APPLICANT)
    assert response.status_code == 303
    assert path(response.location) == f"{base}/thong-tin"

    # Step 2: the procedure's own fields, from its schema.
    step2 = client.get(f"{base}/thong-tin")
    assert step2.status_code == 200
    for field in procedure.form_schema:
        assert soup(step2).find(id=field["name"]) or soup(step2).find(
            attrs={"name": field["name"]}
        ), field["name"]
    response = client.post(f"{base}/thong-tin", data=posted_answers(procedure))
    assert response.status_code == 303
    assert path(response.location) == f"{base}/giay-to"

    # Step 3: documents, one upload per required scan.
    step3 = client.get(f"{base}/giay-to")
    assert step3.status_code == 200
    codes = required_scans(procedure)
    assert codes
    for code in codes:
        assert soup(step3).find(id=f"file-{code}") is not None
        response = upload(client, base, code, jpeg_bytes())
        assert response.status_code == 303
        assert path(response.location) == f"{base}/giay-to"
    response = client.post(f"{base}/giay-to", data={})
    assert response.status_code == 303
    assert path(response.location) == f"{base}/nhan-tra"

    # Step 4: how the papers travel and the result comes back (by post here).
    assert client.get(f"{base}/nhan-tra").status_code == 200
    response = client.post(
        f"{base}/nhan-tra",
        data={
            "intake_channel": "online",
            "return_channel": "post",
            "return_province": "40",
            "return_commune": COMMUNE,
            "return_village": "Bản Huồi Tụ",
            "return_street": "Nhà số 5",
        },
    )
    assert response.status_code == 303
    assert path(response.location) == f"{base}/kiem-tra"

    # Step 5: check and submit.
    check = client.get(f"{base}/kiem-tra")
    assert check.status_code == 200
    check_page = soup(check)
    assert check_page.find(id="error-summary") is None
    assert check_page.find("form", action=f"{base}/nop") is not None
    assert "Bản Huồi Tụ" in check.text and "Nhà số 5" in check.text
    assert "Qua dịch vụ bưu chính công ích" in check.text
    response = client.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 303
    assert path(response.location) == base

    dossier = dossier_at(base)
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.procedure_id == procedure.id
    assert dossier.return_channel == "post"
    assert dossier.return_commune_code == COMMUNE
    assert len(dossier.attachments) == len(codes)
    show = client.get(base)
    assert show.status_code == 200
    assert dossier.code in show.text
    assert "Đã nộp" in show.text
    assert f"{base}/giay-tiep-nhan.pdf" in show.text

    mine = client.get("/ho-so-cua-toi")
    assert dossier.code in mine.text
    assert f"{base}/giay-tiep-nhan.pdf" in mine.text


def test_two_procedures_make_two_dossiers_with_their_own_codes(client, citizen) -> None:
    login(client, citizen)
    first = submitted(client, procedure_named("Đăng ký khai sinh"), "a")
    second = submitted(client, procedure_named("Đăng ký thường trú"), "b")
    assert first.id != second.id
    assert first.code != second.code
    mine = client.get("/ho-so-cua-toi").text
    assert first.code in mine and second.code in mine


# --- drafts: leave, come back, another device -------------------------------------------------


def test_leave_after_step_one_and_continue_on_another_device(
    app, client, citizen, procedure
) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "leave": "1"})
    assert response.status_code == 303
    assert path(response.location) == "/ho-so-cua-toi"
    mine = client.get("/ho-so-cua-toi")
    drafts = soup(mine).find("h2", string=re.compile("Đang soạn"))
    assert "(1)" in drafts.get_text()
    assert procedure.name in mine.text
    assert f"{base}/" in mine.text

    dossier = dossier_at(base)
    assert dossier.is_draft
    assert dossier.address_village == "Bản Huồi Tụ"
    assert dossier.steps_saved == ["nguoi-nop"]

    # Another device: a new client, same account.
    phone = app.test_client()
    login(phone, citizen)
    listing = phone.get("/ho-so-cua-toi")
    assert procedure.name in listing.text and f"{base}/" in listing.text
    step1 = soup(phone.get(f"{base}/nguoi-nop"))
    assert step1.find(id="village")["value"] == "Bản Huồi Tụ"
    assert step1.find(id="commune").find("option", selected=True)["value"] == COMMUNE
    # The second device finishes and submits.
    response = phone.post(f"{base}/thong-tin", data=posted_answers(procedure))
    assert response.status_code == 303
    for code in required_scans(procedure):
        assert upload(phone, base, code, jpeg_bytes()).status_code == 303
    assert phone.post(f"{base}/nhan-tra", data=DELIVERY).status_code == 303
    assert phone.post(f"{base}/nop", data={"declaration": "1"}).status_code == 303
    assert dossier_at(base).status == DossierStatus.SUBMITTED
    # The first device sees it submitted.
    assert dossier_at(base).code in client.get("/ho-so-cua-toi").text


def test_each_step_is_saved_on_the_server(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    answers = sample_answers(procedure)
    client.post(f"{base}/thong-tin", data={**answers, "leave": "1"})
    dossier = dossier_at(base)
    assert dossier.answers["child_full_name"] == answers["child_full_name"]
    assert "thong-tin" in dossier.steps_saved
    page = soup(client.get(f"{base}/thong-tin"))
    assert page.find(id="child_full_name")["value"] == answers["child_full_name"]


# --- validation errors -------------------------------------------------------------------------


def test_applicant_step_errors_next_to_field_and_in_summary(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "phone": "12345", "commune": ""})
    assert response.status_code == 422
    page = soup(response)
    assert page.find("html") is not None
    assert "Số điện thoại di động chưa đúng" in field_error(page, "phone")
    assert "Vui lòng chọn xã, phường" in field_error(page, "commune")
    summary = summary_text(page)
    assert "Số điện thoại di động chưa đúng" in summary
    assert "Vui lòng chọn xã, phường" in summary
    hrefs = [a["href"] for a in page.select("#error-summary a")]
    assert "#phone" in hrefs and "#commune" in hrefs
    # What was typed is kept; nothing is saved as complete.
    assert page.find(id="village")["value"] == "Bản Huồi Tụ"
    assert "nguoi-nop" not in (dossier_at(base).steps_saved or [])


@pytest.mark.parametrize(
    "email",
    ["nguyen.van.an@example.vn", "  Le.Thi.Hoa+hoso@Example.COM  ", "tran.b@xn--nghan-ysa.vn"],
)
def test_applicant_step_keeps_a_real_e_mail_address(client, citizen, procedure, email) -> None:
    """The optional e-mail filled with what people type (a fresh install once answered 500:
    WTForms' Email validator needs email-validator, which only a test would have caught)."""
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "email": email})
    assert response.status_code == 303, response.text
    assert dossier_at(base).applicant_email == email.strip()


@pytest.mark.parametrize("email", ["an@", "nguyễn văn an@gmail", "a" * 300 + "@example.vn"])
def test_applicant_step_refuses_a_wrong_e_mail_address_politely(
    client, citizen, procedure, email
) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "email": email})
    assert response.status_code == 422
    assert "Địa chỉ thư điện tử chưa đúng." in field_error(soup(response), "email")


def test_without_javascript_the_commune_list_follows_the_province(
    client, citizen, procedure
) -> None:
    login(client, citizen)
    base = start(client, procedure)
    page = soup(client.get(f"{base}/nguoi-nop"))
    assert page.find("noscript").find("button", attrs={"name": "refresh"}) is not None
    response = client.post(
        f"{base}/nguoi-nop", data={**APPLICANT, "province": "1", "commune": "", "refresh": "1"}
    )
    assert response.status_code == 200  # a refresh, not a failed validation
    page = soup(response)
    assert page.find(id="error-summary") is None
    options = [o.get_text() for o in page.find(id="commune").find_all("option")]
    assert "Phường Ba Đình" in options
    assert "Xã Anh Sơn" not in options
    assert page.find(id="province").find("option", selected=True)["value"] == "1"
    assert page.find(id="village")["value"] == "Bản Huồi Tụ"  # what was typed stays
    assert "nguoi-nop" not in (dossier_at(base).steps_saved or [])


def test_htmx_commune_picker_fragment(client) -> None:
    response = client.get(
        "/dia-chi/xa",
        query_string={"return_province": "1", "name": "return_commune"},
        headers=HTMX,
    )
    assert response.status_code == 200
    select_ = soup(response).find("select")
    assert select_["id"] == select_["name"] == "return_commune"
    options = [o.get_text() for o in select_.find_all("option")]
    assert "Phường Ba Đình" in options and "Xã Anh Sơn" not in options
    assert "<html" not in response.text


def test_commune_from_another_province_is_refused(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "province": "1"})
    assert response.status_code == 422
    assert "Vui lòng chọn xã, phường trong danh sách" in field_error(soup(response), "commune")


def test_answers_step_errors_next_to_field_and_in_summary(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    answers = {
        **posted_answers(procedure),
        "child_full_name": "",
        **born("2025-02-31", "child_birth_date"),
    }
    response = client.post(f"{base}/thong-tin", data=answers)
    assert response.status_code == 422
    page = soup(response)
    assert "Vui lòng nhập" in field_error(page, "child_full_name")
    assert "phải là một ngày có thật" in field_error(page, "child_birth_date")
    boxes = [page.find(id=i) for i in ("child_birth_date", "child_birth_date-thang")]
    assert [box["value"] for box in boxes] == ["31", "02"]  # kept as typed
    summary = summary_text(page)
    assert "Vui lòng nhập" in summary and "phải là một ngày có thật" in summary
    # Valid answers are kept even while others need fixing.
    dossier = dossier_at(base)
    assert dossier.answers["mother_full_name"] == answers["mother_full_name"]
    assert "child_full_name" not in dossier.answers
    assert "thong-tin" not in dossier.steps_saved


def test_delivery_step_requires_both_choices_and_a_postal_address(
    client, citizen, procedure
) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nhan-tra", data={"return_province": "40"})
    assert response.status_code == 422
    page = soup(response)
    summary = summary_text(page)
    assert "Vui lòng chọn cách gửi giấy tờ" in summary
    assert "Vui lòng chọn cách nhận kết quả" in summary
    response = client.post(
        f"{base}/nhan-tra",
        data={"intake_channel": "online", "return_channel": "post", "return_province": "40"},
    )
    assert response.status_code == 422
    page = soup(response)
    assert "Vui lòng chọn xã, phường" in field_error(page, "return_commune")
    assert "thôn, bản" in field_error(page, "return_village")


def test_channels_not_allowed_by_the_procedure_are_refused(client, citizen) -> None:
    procedure = procedure_named("Đăng ký kết hôn")  # online and counter only
    login(client, citizen)
    base = start(client, procedure)
    page = soup(client.get(f"{base}/nhan-tra"))
    assert page.find("input", attrs={"name": "return_channel", "value": "post"}) is None
    response = client.post(
        f"{base}/nhan-tra",
        data={
            **DELIVERY,
            "return_channel": "post",
            "return_commune": COMMUNE,
            "return_village": "Xóm 1",
        },
    )
    assert response.status_code == 422
    assert dossier_at(base).return_channel == ""


def test_htmx_step_with_errors_returns_a_422_fragment(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "phone": "1"}, headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.text and "<body" not in response.text
    page = soup(response)
    assert "Số điện thoại di động chưa đúng" in field_error(page, "phone")
    assert "Số điện thoại di động chưa đúng" in summary_text(page)
    assert "HX-Request" in response.headers["Vary"]

    response = client.post(f"{base}/thong-tin", data={}, headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.text
    assert soup(response).find(id="error-summary") is not None


def test_htmx_step_success_answers_with_the_next_step(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    expected = {
        "nguoi-nop": (APPLICANT, "thong-tin", "Thông tin hồ sơ"),
        "thong-tin": (sample_answers(procedure), "giay-to", "Giấy tờ kèm theo"),
    }
    for step, (data, following, heading) in expected.items():
        response = client.post(f"{base}/{step}", data=data, headers=HTMX)
        assert response.status_code == 200, (step, response.text)
        assert response.headers["HX-Push-Url"] == f"{base}/{following}"
        assert "HX-Location" not in response.headers
        assert "<html" not in response.text
        assert soup(response).h1.get_text(strip=True) == heading


def test_htmx_leave_navigates_to_my_dossiers(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "leave": "1"}, headers=HTMX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/ho-so-cua-toi"


def test_unknown_step_is_404(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    assert client.get(f"{base}/khong-co").status_code == 404


# --- cannot submit an incomplete dossier ----------------------------------------------------------


def test_missing_required_documents_block_submit(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    client.post(f"{base}/nguoi-nop", data=APPLICANT)
    client.post(f"{base}/thong-tin", data=posted_answers(procedure))
    client.post(f"{base}/nhan-tra", data=DELIVERY)

    # "Continue" on the documents step refuses to go on.
    response = client.post(f"{base}/giay-to", data={})
    assert response.status_code == 422
    assert "Vẫn còn giấy tờ bắt buộc chưa tải lên" in response.text

    check = client.get(f"{base}/kiem-tra")
    page = soup(check)
    missing = summary_text(page)
    for document in procedure.documents:
        if document.code in required_scans(procedure):
            assert document.name in missing
    assert page.find("form", action=f"{base}/nop") is None

    response = client.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 422
    assert "Hồ sơ chưa đủ để nộp" in response.text
    dossier = dossier_at(base)
    assert dossier.is_draft and dossier.code is None
    assert count(DossierEvent) == 0


def test_submit_without_declaration_is_refused(client, citizen, procedure) -> None:
    login(client, citizen)
    base = fill_draft(client, procedure)
    response = client.post(f"{base}/nop", data={})
    assert response.status_code == 422
    page = soup(response)
    assert "Vui lòng đánh dấu ô cam đoan trước khi nộp." in field_error(page, "declaration")
    assert not page.find(id="declaration").has_attr("checked")
    assert dossier_at(base).is_draft

    response = client.post(f"{base}/nop", data={}, headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.text
    assert "Vui lòng đánh dấu ô cam đoan" in response.text
    assert dossier_at(base).is_draft


def test_htmx_submit_answers_with_the_dossier_page(client, citizen, procedure) -> None:
    login(client, citizen)
    base = fill_draft(client, procedure)
    response = client.post(f"{base}/nop", data={"declaration": "1"}, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == base
    assert not dossier_at(base).is_draft
    # A retry (the answer lost on the way) shows the same page and submits nothing twice.
    again = client.post(f"{base}/nop", data={"declaration": "1"}, headers=HTMX)
    assert again.status_code == 200 and again.headers["HX-Push-Url"] == base
    assert soup(again).find("main").h1.get_text() == soup(response).find("main").h1.get_text()


# --- uploads ---------------------------------------------------------------------------------


def test_text_file_named_jpg_is_rejected_by_content(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    code = required_scans(procedure)[0]
    response = upload(client, base, code, b"Day la mot tep van ban, khong phai anh.\n" * 20)
    assert response.status_code == 422
    assert "<html" in response.text
    row = soup(response).find(id=f"doc-{code}")
    assert MSG_UNSUPPORTED in row.get_text(" ", strip=True)
    assert count(Attachment) == 0

    response = upload(client, base, code, b"<html>not an image</html>", "x.jpg", headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.text.replace("&lt;html", "")
    assert MSG_UNSUPPORTED in response.text
    assert soup(response).find("li", id=f"doc-{code}") is not None
    assert count(Attachment) == 0


def test_oversize_file_is_rejected_with_a_clear_message(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    code = required_scans(procedure)[0]
    big = b"\xff\xd8\xff\xe0" + os.urandom(UPLOAD_LIMIT + 10)
    response = upload(client, base, code, big)
    assert response.status_code == 422
    message = soup(response).find(id=f"doc-{code}").select_one(".error").get_text()
    assert "Tệp quá lớn" in message
    assert "200 KB" in message  # the configured limit, in words a citizen reads
    assert count(Attachment) == 0
    # The page announces the configured limit too.
    page = client.get(f"{base}/giay-to").text
    assert "tối đa 200 KB" in page
    assert 'data-upload-max="204800"' in page  # app.js stops a larger PDF before it leaves


def test_request_beyond_the_body_limit_gets_a_vietnamese_413_page(
    app, client, citizen, procedure
) -> None:
    login(client, citizen)
    base = start(client, procedure)
    code = required_scans(procedure)[0]
    huge = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(client, base, code, huge, "scan.pdf")
    assert response.status_code == 413
    page = soup(response)
    text = page.get_text(" ", strip=True)
    assert "Tệp quá lớn" in text
    assert "Mỗi tệp tối đa 200 KB, mỗi lần gửi tối đa 712 KB" in text  # the limits restated
    back = page.find("a", string="Quay lại bước Giấy tờ kèm theo")
    assert back is not None and back["href"] == f"{base}/giay-to"
    assert count(Attachment) == 0


def test_empty_upload_asks_for_a_file(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    code = required_scans(procedure)[0]
    response = client.post(f"{base}/giay-to/{code}", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Vui lòng chọn tệp" in response.text


def test_upload_to_an_unknown_document_is_404(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    assert upload(client, base, "khong_co", jpeg_bytes()).status_code == 404


def test_image_is_downscaled_and_served_to_its_owner(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    code = required_scans(procedure)[0]
    response = upload(client, base, code, jpeg_bytes(3000, 2000), "IMG_0001.JPG")
    assert response.status_code == 303
    (attachment,) = db.session.scalars(select(Attachment)).all()
    assert attachment.media_type == "image/jpeg"

    served = client.get(f"{base}/tep/{attachment.id}")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG"
    assert max(image.size) <= 1600
    assert image.size == (1600, 1067)
    # The file lives outside static/.
    assert "/static/" not in f"{base}/tep/{attachment.id}"


def test_htmx_upload_returns_the_document_row(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    code = required_scans(procedure)[0]
    response = upload(client, base, code, jpeg_bytes(), headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    row = soup(response).find("li", id=f"doc-{code}")
    assert row is not None
    assert row.find("a", href=re.compile(rf"^{base}/tep/\d+$")) is not None


def test_attachment_is_hidden_from_other_citizens_and_anonymous(
    app, client, citizen, make_user, procedure
) -> None:
    login(client, citizen)
    base = start(client, procedure)
    upload(client, base, required_scans(procedure)[0], jpeg_bytes())
    attachment = db.session.scalars(select(Attachment)).one()
    url = f"{base}/tep/{attachment.id}"
    assert client.get(url).status_code == 200

    other = app.test_client()
    login(other, make_user())
    response = other.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"

    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 303
    assert path(response.location) == "/dang-nhap"


def test_removing_a_file(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    upload(client, base, required_scans(procedure)[0], jpeg_bytes())
    attachment = db.session.scalars(select(Attachment)).one()
    response = client.post(f"{base}/tep/{attachment.id}/xoa")
    assert response.status_code == 303
    assert count(Attachment) == 0
    assert client.get(f"{base}/tep/{attachment.id}").status_code == 404


# --- idempotency -------------------------------------------------------------------------------


def test_start_twice_with_the_same_token_makes_one_draft(client, citizen, procedure) -> None:
    login(client, citizen)
    first = start(client, procedure, "same-token")
    second = start(client, procedure, "same-token")
    assert first == second
    assert count(Dossier) == 1
    third = start(client, procedure, "another-token")
    assert third != first
    assert count(Dossier) == 2


def test_submit_twice_gives_the_same_dossier(client, citizen, procedure) -> None:
    login(client, citizen)
    base = fill_draft(client, procedure)
    first = client.post(f"{base}/nop", data={"declaration": "1"})
    code = dossier_at(base).code
    second = client.post(f"{base}/nop", data={"declaration": "1"})
    assert first.status_code == second.status_code == 303
    assert path(first.location) == path(second.location) == base
    assert count(Dossier) == 1
    dossier = dossier_at(base)
    assert dossier.code == code
    events = db.session.scalars(select(DossierEvent).filter_by(action="submitted")).all()
    assert len(events) == 1
    assert events[0].dossier_id == dossier.id
    assert events[0].actor_id == citizen.id
    # A retry without the declaration (the form was already used) still shows the dossier.
    third = client.post(f"{base}/nop", data={})
    assert third.status_code == 303 and path(third.location) == base
    assert count(DossierEvent) == 1


def test_back_button_after_submit_shows_the_dossier(client, citizen, procedure) -> None:
    login(client, citizen)
    dossier = submitted(client, procedure)
    base = f"/ho-so/{dossier.id}"
    for step in ("nguoi-nop", "thong-tin", "giay-to", "nhan-tra", "kiem-tra"):
        response = client.get(f"{base}/{step}")
        assert response.status_code == 303, step
        assert path(response.location) == base, step
    # Posting an old step form changes nothing either.
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "village": "Khác"})
    assert response.status_code == 303 and path(response.location) == base
    response = upload(client, base, required_scans(procedure)[0], jpeg_bytes())
    assert response.status_code == 303 and path(response.location) == base
    dossier = dossier_at(base)
    assert dossier.address_village == "Bản Huồi Tụ"
    assert len(dossier.attachments) == len(required_scans(procedure))


def test_starting_again_after_submit_with_the_same_token_does_not_reopen(
    client, citizen, procedure
) -> None:
    login(client, citizen)
    dossier = submitted(client, procedure, "tok-x")
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": "tok-x"})
    assert response.status_code == 303
    follow = client.get(path(response.location))
    assert follow.status_code == 303
    assert path(follow.location) == f"/ho-so/{dossier.id}"
    assert count(Dossier) == 1


# --- dossier code and sequence -----------------------------------------------------------------


def test_dossier_code_format_and_sequence_per_unit_per_day(
    app, client, citizen, make_user, procedure
) -> None:
    clock.freeze(MONDAY_9AM)
    login(client, citizen)
    first = submitted(client, procedure, "a")
    other = app.test_client()
    login(other, make_user())
    second = submitted(other, procedure, "b")

    for dossier in (first, second):
        assert CODE_RE.match(dossier.code), dossier.code
        assert len(dossier.code) == 25
    unit = db.session.scalars(select(Unit).filter_by(commune_code=COMMUNE)).one()
    assert first.receiving_unit_id == second.receiving_unit_id == unit.id
    assert first.code == f"{unit.code}-261123-0001"
    assert second.code == f"{unit.code}-261123-0002"

    # Another unit (a provincial procedure) has its own sequence the same day.
    provincial = submitted(client, procedure_named("Giải quyết hưởng trợ cấp thất nghiệp"), "c")
    assert provincial.receiving_unit.code.startswith("000.00.00.")
    assert provincial.code == f"{provincial.receiving_unit.code}-261123-0001"

    # The next day starts again at 0001.
    clock.freeze(datetime(2026, 11, 25, 9, 0))
    third = submitted(client, procedure, "d")
    assert third.code == f"{unit.code}-261125-0001"


def test_dossier_code_is_on_the_dossier_page(client, citizen, procedure) -> None:
    clock.freeze(MONDAY_9AM)
    login(client, citizen)
    dossier = submitted(client, procedure)
    page = soup(client.get(f"/ho-so/{dossier.id}"))
    assert page.select_one("strong.code").get_text(strip=True) == dossier.code


# --- provisional due date (DOMAIN §5) -------------------------------------------------------------


def test_same_day_procedure_submitted_before_the_cutoff_is_due_the_same_day(
    client, citizen, procedure
) -> None:
    clock.freeze(MONDAY_9AM)
    login(client, citizen)
    dossier = submitted(client, procedure)
    assert dossier.submitted_at == MONDAY_9AM
    assert dossier.due_date == date(2026, 11, 23)
    assert "23/11/2026" in client.get(f"/ho-so/{dossier.id}").text


def test_same_day_procedure_after_the_cutoff_skips_the_holiday(client, citizen, procedure) -> None:
    clock.freeze(datetime(2026, 11, 23, 16, 0))
    login(client, citizen)
    dossier = submitted(client, procedure)
    assert dossier.due_date == date(2026, 11, 25)  # 24/11 is Vietnam Culture Day


def test_seven_day_procedure_due_date(client, citizen) -> None:
    clock.freeze(MONDAY_9AM)
    procedure = procedure_named("Đăng ký thường trú")
    login(client, citizen)
    dossier = submitted(client, procedure)
    expected = deadlines.due_date(
        MONDAY_9AM,
        procedure.processing_days,
        deadlines.WorkingCalendar(),
        deadlines.DEFAULT_CUTOFF if procedure.cutoff_15h else None,
    )
    assert procedure.processing_days == 7
    assert expected == date(2026, 12, 3)  # 24/11 off: 25, 26, 27, 30/11, 1, 2, 3/12
    assert dossier.due_date == expected
    assert "03/12/2026" in client.get(f"/ho-so/{dossier.id}").text


# --- the event log is append-only -----------------------------------------------------------------


def test_submit_logs_who_when_what(client, citizen, procedure) -> None:
    clock.freeze(MONDAY_9AM)
    login(client, citizen)
    dossier = submitted(client, procedure)
    (event,) = dossier.events
    assert event.action == "submitted"
    assert event.actor_id == citizen.id
    assert event.actor_role == "citizen"
    assert event.at == MONDAY_9AM
    assert (event.from_status, event.to_status) == ("draft", "submitted")


def test_events_cannot_be_updated_or_deleted_through_the_orm(client, citizen, procedure) -> None:
    login(client, citizen)
    dossier = submitted(client, procedure)
    event = dossier.events[0]
    event.note = "sửa lại lịch sử"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(DossierEvent, event.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(DossierEvent, event.id).note == ""


def test_events_cannot_be_updated_with_raw_sql_on_postgresql(
    backend, client, citizen, procedure
) -> None:
    if backend != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    login(client, citizen)
    dossier = submitted(client, procedure)
    event_id = dossier.events[0].id
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(
            text("UPDATE dossier_events SET note = 'x' WHERE id = :id"), {"id": event_id}
        )
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM dossier_events WHERE id = :id"), {"id": event_id})
    db.session.rollback()
    assert count(DossierEvent) == 1
