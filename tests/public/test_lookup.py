"""Public status look-up (no personal data) and the health check."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import fill_draft, login
from sqlalchemy.exc import OperationalError

from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db

OWNER = {
    "full_name": "Lương Thị Xuân",
    "phone": "0966123456",
    "id_number": "040195654321",
    "date_of_birth": date(1995, 8, 20),
    "sex": "female",
}
VILLAGE = "Bản Huồi Tụ"


@pytest.fixture
def owner(make_user):  # type: ignore[no-untyped-def]
    return make_user(**OWNER)


@pytest.fixture
def dossier(app, owner, procedure) -> Dossier:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 23, 9, 0))
    client = app.test_client()
    login(client, owner)
    base = fill_draft(client, procedure)
    assert client.post(f"{base}/nop", data={"declaration": "1"}).status_code == 303
    db.session.expire_all()
    return db.session.get(Dossier, int(base.rsplit("/", 1)[1]))


def personal_data(dossier: Dossier) -> list[str]:
    return [
        OWNER["full_name"],
        OWNER["phone"],
        "0912345678",  # the contact phone typed in the journey (helpers.fill_draft)
        "0912 345 678",
        OWNER["id_number"],
        OWNER["id_number"][-4:],
        VILLAGE,
        "20/08/1995",
    ]


def test_lookup_form_is_public(client) -> None:
    response = client.get("/tra-cuu")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    form = page.find("form", action="/tra-cuu")
    assert form["method"].lower() == "get"
    assert form.find("input", attrs={"name": "ma"}) is not None


def test_code_typed_with_spaces_and_lower_case_redirects_to_the_canonical_url(
    client, dossier
) -> None:
    messy = "  " + dossier.code.lower().replace("-", " - ", 1) + " "
    response = client.get("/tra-cuu", query_string={"ma": messy})
    assert response.status_code == 303
    assert urlsplit(response.location).path == f"/tra-cuu/{dossier.code}"


def test_empty_code_shows_the_form(client) -> None:
    response = client.get("/tra-cuu", query_string={"ma": "   "})
    assert response.status_code == 200
    assert "Không tìm thấy" not in response.text


def test_public_page_shows_status_and_dates_but_no_personal_data(client, dossier) -> None:
    response = client.get(f"/tra-cuu/{dossier.code}")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    facts = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("dl.facts dt")
    }
    assert facts["Mã hồ sơ"] == dossier.code
    assert facts["Trạng thái"] == "Đã nộp, chờ tiếp nhận"
    assert facts["Ngày nộp"] == "23/11/2026"
    assert facts["Hẹn trả kết quả"] == "23/11/2026"
    assert facts["Thủ tục"] == dossier.procedure.name
    for value in personal_data(dossier):
        assert value not in response.text, value
    assert page.select("ol.timeline") == []


def test_lower_case_code_in_the_path_is_found(client, dossier) -> None:
    response = client.get(f"/tra-cuu/{dossier.code.lower()}")
    assert response.status_code == 200
    assert dossier.code in response.text


@pytest.mark.parametrize("code", ["000.00.01.H40-261123-9999", "khong-phai-ma", "'; DROP TABLE x"])
def test_unknown_code_is_404_with_a_clear_message(client, dossier, code) -> None:
    response = client.get(f"/tra-cuu/{code}")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ" in response.text
    for value in personal_data(dossier):
        assert value not in response.text


def test_a_draft_is_not_found_by_lookup(app, client, owner, procedure) -> None:
    login(client, owner)
    base = fill_draft(client, procedure)
    draft = db.session.get(Dossier, int(base.rsplit("/", 1)[1]))
    assert draft.code is None
    assert client.get("/tra-cuu/000.00.01.H40-261123-0001").status_code == 404


def test_owner_signed_in_sees_the_timeline(app, owner, dossier) -> None:
    client = app.test_client()
    login(client, owner)
    response = client.get(f"/tra-cuu/{dossier.code}")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    items = page.select("ol.timeline li")
    assert len(items) == 1
    assert "Đã nộp hồ sơ trực tuyến" in items[0].get_text()
    assert "09:00, 23/11/2026" in items[0].get_text()


def test_another_citizen_sees_no_timeline(app, make_user, dossier) -> None:
    client = app.test_client()
    login(client, make_user())
    response = client.get(f"/tra-cuu/{dossier.code}")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select("ol.timeline") == []
    assert "Đã nộp hồ sơ trực tuyến" not in response.text
    for value in personal_data(dossier):
        assert value not in response.text


# --- health check ---------------------------------------------------------------------------


def test_healthz_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(client, monkeypatch) -> None:
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] != "ok"
    assert body["database"] != "ok"
    assert body.get("reason")
    assert "OperationalError" in body["reason"]
