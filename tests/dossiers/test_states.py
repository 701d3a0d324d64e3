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
    assert assert_errors_tied(page) == len(
        [f for f in procedure.form_schema if f["required"]]
    )

    response = client.post(f"{base}/nhan-tra", data={"return_province": "40"})
    assert response.status_code == 422
    assert assert_errors_tied(BeautifulSoup(response.text, "html.parser")) >= 1
