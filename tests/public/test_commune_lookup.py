"""The commune picker: the whole list on full pages (works without JS), a search box and at most
ten matches in htmx fragments, the same commune code posted and checked either way."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from helpers import PASSWORD, complete_draft

from app import geo
from app.extensions import db

HTMX = {"HX-Request": "true"}
XEN = "Xã Mường Xén"


@pytest.fixture
def signed_in(app, citizen, procedure):  # type: ignore[no-untyped-def]
    draft = complete_draft(citizen, procedure, "picker", street="Nhà số 5")
    db.session.commit()
    client = app.test_client()
    client.post("/dang-nhap", data={"phone": citizen.phone, "password": PASSWORD})
    return client, draft


def _options(html: bytes | str, name: str = "commune") -> list[str]:
    select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": name})
    return [option.get_text() for option in select.find_all("option") if option["value"]]


def test_lookup_lists_matches_and_keeps_the_choice(client) -> None:
    xen = geo.find_communes(40, XEN)[0]
    url = f"/dia-chi/xa/tim?name=commune&province=40&commune_q=vinh&commune={xen.code}"
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200
    names = _options(response.data)
    assert names[0] == XEN  # the choice so far, first
    assert set(names[1:]) == {c.name for c in geo.find_communes(40, "vinh")}
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select_one("option[selected]") is None  # several matches: the citizen picks
    assert "6 kết quả" in page.option.get_text()


def test_lookup_of_the_return_address_reads_its_own_fields(client) -> None:
    url = "/dia-chi/xa/tim?name=return_commune&return_province=40&return_commune_q=muong%20xen"
    page = BeautifulSoup(client.get(url, headers=HTMX).data, "html.parser")
    assert page.select_one("select")["name"] == "return_commune"
    assert page.select_one("option[selected]").get_text() == XEN  # one match: chosen


@pytest.mark.parametrize("step, name", [("nguoi-nop", "commune"), ("nhan-tra", "return_commune")])
def test_full_page_lists_every_commune_and_a_fragment_none(signed_in, step, name) -> None:
    client, draft = signed_in
    page = client.get(f"/ho-so/{draft.id}/{step}")
    assert len(_options(page.data, name)) == len(geo.communes(40))
    fragment = client.get(f"/ho-so/{draft.id}/{step}", headers=HTMX)
    assert _options(fragment.data, name) == [geo.commune("17329").name]  # the draft's, no more
    search = BeautifulSoup(fragment.data, "html.parser").find("input", id=f"{name}-q")
    assert search["hx-get"] == "/dia-chi/xa/tim"
    assert BeautifulSoup(fragment.data, "html.parser").find("label", attrs={"for": f"{name}-q"})


def test_the_code_is_checked_as_before(signed_in) -> None:
    """The fragment posts the same field: a code of another province is refused."""
    client, draft = signed_in
    ha_tinh = geo.communes(42)[0].code
    data = {"phone": "0912345678", "province": "40", "commune": ha_tinh, "village": "Bản Huồi Tụ"}
    response = client.post(f"/ho-so/{draft.id}/nguoi-nop", data=data, headers=HTMX)
    assert response.status_code == 422
    assert "Vui lòng chọn xã, phường trong danh sách." in response.text
    xen = geo.find_communes(40, XEN)[0].code
    data["commune"] = xen
    response = client.post(f"/ho-so/{draft.id}/nguoi-nop", data=data, headers=HTMX)
    assert response.status_code in (200, 204, 303)
    db.session.refresh(draft)
    assert draft.address_commune_code == xen
