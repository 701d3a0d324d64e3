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
