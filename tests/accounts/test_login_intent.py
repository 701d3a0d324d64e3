""" "Nộp hồ sơ" pressed while signed out: signing in or registering lands in the new draft.

The start of an application is a POST and is never replayed: the sign-in's own POST (with its
CSRF token) creates the draft from the procedure code and one-time token carried in ``next``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import PASSWORD, SentCodes, born
from sqlalchemy import func, select

from app.core.roles import Role
from app.dossiers.models import Dossier
from app.extensions import db

HTMX = {"HX-Request": "true"}
NEW_PHONE = "0987654321"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> SentCodes:
    return SentCodes(monkeypatch)


def press_apply(client, procedure) -> str:  # type: ignore[no-untyped-def]
    """The signed-out "Nộp hồ sơ trực tuyến" button: where it leads (a GET, nothing written)."""
    page = BeautifulSoup(client.get(f"/thu-tuc/{procedure.code}").text, "html.parser")
    button = page.find("button", string="Nộp hồ sơ trực tuyến")
    form = button.find_parent("form")
    assert form["method"] == "get" and form["action"] == "/dang-nhap"
    next_path = form.find("input", attrs={"name": "next"})["value"]
    assert next_path.startswith(f"/thu-tuc/{procedure.code}/nop-ho-so?client_token=")
    response = client.get("/dang-nhap", query_string={"next": next_path})
    assert response.status_code == 200
    return response.request.full_path  # the login form posts back to its own URL


def drafts_of(user_id: int) -> list[Dossier]:
    db.session.expire_all()
    return list(db.session.scalars(select(Dossier).filter_by(owner_id=user_id)))


def test_signing_in_from_apply_lands_in_the_new_draft(client, citizen, procedure) -> None:
    login_url = press_apply(client, procedure)
    assert drafts_of(citizen.id) == []
    response = client.post(login_url, data={"phone": citizen.phone, "password": PASSWORD})
    assert response.status_code == 303
    [draft] = drafts_of(citizen.id)
    assert draft.is_draft and draft.procedure_id == procedure.id
    assert urlsplit(response.location).path == f"/ho-so/{draft.id}/nguoi-nop"
    step = client.get(response.location)
    assert step.status_code == 200 and procedure.name in step.text

    # The same sign-in sent again (a retry on a weak link) lands in the same draft.
    again = client.post(login_url, data={"phone": citizen.phone, "password": PASSWORD})
    assert urlsplit(again.location).path == f"/ho-so/{draft.id}/nguoi-nop"
    assert len(drafts_of(citizen.id)) == 1


def test_over_htmx_the_sign_in_navigates_to_the_draft(client, citizen, procedure) -> None:
    login_url = press_apply(client, procedure)
    data = {"phone": citizen.phone, "password": PASSWORD}
    response = client.post(login_url, data=data, headers=HTMX)
    [draft] = drafts_of(citizen.id)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/ho-so/{draft.id}/nguoi-nop"


def test_a_wrong_password_creates_nothing(client, citizen, procedure) -> None:
    login_url = press_apply(client, procedure)
    response = client.post(login_url, data={"phone": citizen.phone, "password": "sai-mat-khau-1"})
    assert response.status_code == 422
    assert drafts_of(citizen.id) == []


def test_registering_from_apply_lands_in_the_new_draft(client, procedure, sent) -> None:
    login_url = press_apply(client, procedure)
    page = BeautifulSoup(client.get(login_url).text, "html.parser")
    register_url = page.find("a", string="Đăng ký")["href"]
    details = {
        "full_name": "Lò Thị Mai",
        "phone": "0987 654 321",
        **born("1990-05-12"),
        "sex": "female",
        "id_number": "040 190 777 001",
        "email": "lo.thi.mai@example.vn",
        "password": "mat-khau-rat-dai",
        "password_again": "mat-khau-rat-dai",
        "consent": "y",
    }
    response = client.post(register_url, data=details)
    assert response.status_code == 303, response.text
    response = client.post(response.location, data={"code": sent.last(NEW_PHONE)})
    assert response.status_code == 303, response.text
    [draft] = list(db.session.scalars(select(Dossier)))
    assert draft.owner.phone == NEW_PHONE and draft.procedure_id == procedure.id
    assert urlsplit(response.location).path == f"/ho-so/{draft.id}/nguoi-nop"


def test_staff_signing_in_from_apply_land_on_the_procedure(client, make_user, procedure) -> None:
    clerk = make_user(Role.OFFICER)
    login_url = press_apply(client, procedure)
    response = client.post(login_url, data={"phone": clerk.phone, "password": PASSWORD})
    assert urlsplit(response.location).path == f"/thu-tuc/{procedure.code}"
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


def test_a_next_elsewhere_is_still_only_followed(client, citizen, procedure) -> None:
    """Any other local ``next`` is a page to show, and an outside one is ignored."""
    data = {"phone": citizen.phone, "password": PASSWORD}
    response = client.post(f"/dang-nhap?next=/thu-tuc/{procedure.code}", data=data)
    assert urlsplit(response.location).path == f"/thu-tuc/{procedure.code}"
    client.post("/dang-xuat")
    response = client.post("/dang-nhap?next=//example.com/thu-tuc/x/nop-ho-so", data=data)
    assert urlsplit(response.location).path == "/ho-so-cua-toi"
    assert drafts_of(citizen.id) == []
