"""One round trip per step: an htmx step POST answers with the next step itself.

Without JavaScript the flow stays POST → 303 → GET (tests/dossiers/test_journey.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from flask import request_started
from helpers import jpeg_bytes, login, sample_answers
from sqlalchemy import select

from app.dossiers.models import Dossier
from app.extensions import db

HTMX = {"HX-Request": "true"}
APPLICANT = {
    "phone": "0912 345 678",
    "email": "lo.thi.mai@example.vn",
    "province": "40",
    "commune": "17329",  # Xã Anh Sơn, Nghệ An
    "village": "Bản Huồi Tụ",
    "street": "Số 12, đường Lê Lợi",
}
DELIVERY = {"intake_channel": "online", "return_channel": "online", "return_province": "40"}
CSRF = re.compile(r'(name="csrf_token" value=")[^"]*"')


@contextmanager
def requests_counted(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """Every request the app receives while the block runs, as "METHOD path"."""
    seen: list[str] = []

    def record(sender, **extra) -> None:  # type: ignore[no-untyped-def]
        from flask import request

        seen.append(f"{request.method} {request.path}")

    request_started.connect(record, app)
    try:
        yield seen
    finally:
        request_started.disconnect(record, app)


def start(client, procedure) -> str:  # type: ignore[no-untyped-def]
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": "t-1"})
    assert response.status_code == 303, response.text
    return urlsplit(response.location).path.rsplit("/", 1)[0]


def without_csrf(html: str) -> str:
    """The markup with each form's CSRF token blanked (tokens are signed anew each render)."""
    return CSRF.sub(r'\1"', html)


def scans(procedure) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.code for d in procedure.documents if d.is_required and d.scan_required]


def test_the_htmx_journey_costs_one_request_per_step(app, client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    steps = [
        ("nguoi-nop", APPLICANT, "thong-tin", "Thông tin hồ sơ"),
        ("thong-tin", sample_answers(procedure), "giay-to", "Giấy tờ kèm theo"),
        ("giay-to", {}, "nhan-tra", "Gửi hồ sơ và nhận kết quả"),
        ("nhan-tra", DELIVERY, "kiem-tra", "Kiểm tra và nộp hồ sơ"),
    ]
    with requests_counted(app) as seen:
        for step, data, following, heading in steps:
            if step == "giay-to":
                for code in scans(procedure):
                    row = client.post(
                        f"{base}/giay-to/{code}",
                        data={"file": (io.BytesIO(jpeg_bytes()), "giay-khai-sinh.jpg")},
                        content_type="multipart/form-data",
                        headers=HTMX,
                    )
                    assert row.status_code == 200, row.text
            response = client.post(f"{base}/{step}", data=data, headers=HTMX)
            assert response.status_code == 200, (step, response.text)
            assert response.headers["HX-Push-Url"] == f"{base}/{following}"
            page = BeautifulSoup(response.text, "html.parser")
            assert page.h1.get_text(strip=True) == heading
            assert heading[:15] in response.text.split("</title>")[0]  # the tab title follows
            assert page.find(id="error-summary") is None
            assert "<html" not in response.text
        submitted = client.post(f"{base}/nop", data={"declaration": "1"}, headers=HTMX)
    # The dossier's own page, its <main> swapped in and its address pushed (not 204 + GET).
    assert submitted.status_code == 200, submitted.text
    assert submitted.headers["HX-Push-Url"] == base
    assert submitted.headers["HX-Reselect"] == "#main"
    assert submitted.headers["HX-Reswap"] == "outerHTML"
    assert "HX-Redirect" not in submitted.headers
    main = BeautifulSoup(submitted.text, "html.parser").find("main", id="main")
    dossier = db.session.scalars(select(Dossier).filter_by(owner_id=citizen.id)).one()
    assert dossier.code in main.get_text()
    uploads = [f"POST {base}/giay-to/{code}" for code in scans(procedure)]
    step_posts = [f"POST {base}/{step}" for step, *_ in steps]
    assert seen == [*step_posts[:2], *uploads, *step_posts[2:], f"POST {base}/nop"]
    dossier = db.session.scalars(select(Dossier).filter_by(owner_id=citizen.id)).one()
    assert not dossier.is_draft and dossier.code


def test_the_answer_is_the_fragment_the_get_would_render(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    # Delivery chosen first (without JS), then the papers step saved with htmx: the delivery step
    # it answers with shows what was saved, not the papers form's (empty) fields.
    for step, data in (
        ("nguoi-nop", APPLICANT),
        ("thong-tin", sample_answers(procedure)),
        ("nhan-tra", {**DELIVERY, "intake_channel": "counter"}),
    ):
        assert client.post(f"{base}/{step}", data=data).status_code == 303
    for code in scans(procedure):
        client.post(
            f"{base}/giay-to/{code}",
            data={"file": (io.BytesIO(jpeg_bytes()), "so-ho-khau.jpg")},
            content_type="multipart/form-data",
        )
    answered = client.post(f"{base}/giay-to", data={}, headers=HTMX)
    fetched = client.get(f"{base}/nhan-tra", headers=HTMX)
    assert answered.status_code == fetched.status_code == 200
    assert without_csrf(answered.text) == without_csrf(fetched.text)
    page = BeautifulSoup(answered.text, "html.parser")
    assert page.find("input", attrs={"name": "intake_channel", "value": "counter"}).has_attr(
        "checked"
    )
    assert "HX-Request" in answered.headers["Vary"]

    # Back to the applicant step and saved again: the answers step, as its GET shows it.
    answered = client.post(f"{base}/nguoi-nop", data=APPLICANT, headers=HTMX)
    fetched = client.get(f"{base}/thong-tin", headers=HTMX)
    assert without_csrf(answered.text) == without_csrf(fetched.text)


def test_without_javascript_a_step_is_still_post_redirect_get(app, client, citizen, procedure):  # type: ignore[no-untyped-def]
    login(client, citizen)
    base = start(client, procedure)
    with requests_counted(app) as seen:
        response = client.post(f"{base}/nguoi-nop", data=APPLICANT, follow_redirects=True)
    assert seen == [f"POST {base}/nguoi-nop", f"GET {base}/thong-tin"]
    assert response.status_code == 200 and "<html" in response.text
    assert "HX-Push-Url" not in response.headers


def test_steps_that_lead_elsewhere_still_navigate(client, citizen, procedure) -> None:
    login(client, citizen)
    base = start(client, procedure)
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "leave": "1"}, headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/ho-so-cua-toi"
    assert "HX-Push-Url" not in response.headers

    # A wrong entry answers the same step with its errors, no URL pushed, nothing saved.
    response = client.post(f"{base}/nguoi-nop", data={**APPLICANT, "phone": "12"}, headers=HTMX)
    assert response.status_code == 422 and "HX-Push-Url" not in response.headers
    db.session.expire_all()
    dossier = db.session.scalars(select(Dossier).filter_by(owner_id=citizen.id)).one()
    assert dossier.applicant_phone != "12"
