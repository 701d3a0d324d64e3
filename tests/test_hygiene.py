"""HTML hygiene of every citizen page: headings, labels, own-origin assets, language, CSRF.

CSRF protection is switched on for this whole module (it is off in the other tests).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from helpers import (
    PASSWORD,
    book_first_slot,
    born,
    complete_draft,
    jpeg_bytes,
    make_post_office,
    sample_answers,
)
from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import Procedure
from app.dossiers.models import Attachment, Dossier
from app.dossiers.operations.submitting import submit
from app.extensions import db

HTMX = {"HX-Request": "true"}
COMMUNE = "17329"
STEPS = ("nguoi-nop", "thong-tin", "giay-to", "nhan-tra", "kiem-tra")
NOT_LABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
SAFE_SCHEMES = ("http", "https", "data", "mailto", "tel")
URL_ATTRIBUTES = ("src", "href", "action", "hx-get", "hx-post", "formaction", "poster")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


# --- data and clients -------------------------------------------------------------------------


def csrf_token_of(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None and field.get("value"), "page has no CSRF token"
    return field["value"]


def sign_in(client: FlaskClient, user: User) -> None:
    token = csrf_token_of(client.get("/dang-nhap").text)
    response = client.post(
        "/dang-nhap", data={"phone": user.phone, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text


class Site:
    def __init__(self, app: Flask, citizen: User, procedure: Procedure) -> None:
        self.procedure = procedure
        self.draft = complete_draft(citizen, procedure, "draft")
        self.done = complete_draft(citizen, procedure, "done")
        # The post office of the applicants' commune comes to collect the papers.
        office = make_post_office()
        book_first_slot(self.draft, office)
        book_first_slot(self.done, office)
        assert submit(self.done, citizen)
        db.session.commit()
        self.anonymous = app.test_client()
        self.user = app.test_client()
        sign_in(self.user, citizen)

    def step(self, name: str) -> str:
        return f"/ho-so/{self.draft.id}/{name}"

    def token(self) -> str:
        return csrf_token_of(self.user.get(self.step("kiem-tra")).text)


def claim_code_page(site: Site) -> str:
    """Step 2 of claiming an account, reached by asking for a code (every phone looks alike)."""
    token = csrf_token_of(site.anonymous.get("/nhan-tai-khoan").text)
    response = site.anonymous.post(
        "/nhan-tai-khoan", data={"phone": "0987000333", "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return "/nhan-tai-khoan/ma"


def code_page(start: str, data: dict[str, str], then: str) -> Callable[[Site], str]:
    """Step 2 of a "we sent a code to your phone" page (registering, resetting a password)."""

    def reach(site: Site) -> str:
        token = csrf_token_of(site.anonymous.get(start).text)
        response = site.anonymous.post(start, data={**data, "csrf_token": token})
        assert response.status_code == 303, response.text
        return then

    return reach


REGISTRATION = {
    "full_name": "Lò Thị Mai",
    "phone": "0987000444",
    **born("1990-05-12"),
    "sex": "female",
    "id_number": "040190777001",
    "password": "Ca-phe-sua-da-2026",
    "password_again": "Ca-phe-sua-da-2026",
    "consent": "y",
}

PAGES: dict[str, tuple[bool, Callable[[Site], str]]] = {
    "home": (False, lambda s: "/"),
    "catalogue": (False, lambda s: "/thu-tuc"),
    "procedure": (False, lambda s: f"/thu-tuc/{s.procedure.code}"),
    "login": (False, lambda s: "/dang-nhap"),
    "register": (False, lambda s: "/dang-ky"),
    "claim account": (False, lambda s: "/nhan-tai-khoan"),
    "claim account code": (False, claim_code_page),
    "register code": (False, code_page("/dang-ky", REGISTRATION, "/dang-ky/ma")),
    "forgotten password": (False, lambda s: "/quen-mat-khau"),
    "forgotten password code": (
        False,
        code_page("/quen-mat-khau", {"phone": "0987000333"}, "/quen-mat-khau/ma"),
    ),
    "my account": (True, lambda s: "/tai-khoan"),
    "change password": (True, lambda s: "/tai-khoan/doi-mat-khau"),
    **{f"step {name}": (True, lambda s, name=name: s.step(name)) for name in STEPS},
    "lookup": (False, lambda s: "/tra-cuu"),
    "lookup result": (False, lambda s: f"/tra-cuu/{s.done.code}"),
    "my dossiers": (True, lambda s: "/ho-so-cua-toi"),
    "dossier": (True, lambda s: f"/ho-so/{s.done.id}"),
    "pickup booking": (True, lambda s: f"/ho-so/{s.draft.id}/hen-buu-dien"),
    "pickup booking later": (True, lambda s: f"/ho-so/{s.done.id}/hen-buu-dien"),
    "home signed in": (True, lambda s: "/"),
    "procedure signed in": (True, lambda s: f"/thu-tuc/{s.procedure.code}"),
}


@pytest.fixture
def site(app: Flask, citizen: User, procedure: Procedure) -> Site:
    return Site(app, citizen, procedure)


def page_of(site: Site, name: str) -> tuple[FlaskClient, BeautifulSoup]:
    signed_in, url = PAGES[name]
    client = site.user if signed_in else site.anonymous
    response = client.get(url(site))
    assert response.status_code == 200, (name, response.status_code)
    assert response.mimetype == "text/html"
    return client, BeautifulSoup(response.text, "html.parser")


# --- checks ------------------------------------------------------------------------------------


def unlabelled_controls(root: BeautifulSoup | Tag) -> list[str]:
    """Visible form controls without a label (for=id, a wrapping label, or for radio and
    checkbox options a fieldset with a legend)."""
    labelled_ids = {label["for"] for label in root.find_all("label", attrs={"for": True})}
    offenders = []
    for control in root.find_all(["input", "select", "textarea"]):
        kind = (control.get("type") or "text").lower()
        if control.name == "input" and kind in NOT_LABELLED_TYPES:
            continue
        if control.get("id") and control["id"] in labelled_ids:
            continue
        if control.find_parent("label") is not None:
            continue
        fieldset = control.find_parent("fieldset")
        if kind in ("radio", "checkbox") and fieldset is not None and fieldset.find("legend"):
            continue
        offenders.append(str(control)[:120])
    return offenders


def foreign_urls(root: BeautifulSoup | Tag) -> list[str]:
    found = []
    for tag in root.find_all(True):
        for attribute in URL_ATTRIBUTES:
            value = tag.get(attribute)
            if not value:
                continue
            parts = urlsplit(value)
            foreign_host = bool(parts.netloc) and parts.netloc != "localhost"
            odd_scheme = bool(parts.scheme) and parts.scheme not in SAFE_SCHEMES
            if foreign_host or odd_scheme:
                found.append(value)
    return found


def post_forms_without_token(root: BeautifulSoup | Tag) -> list[str]:
    offenders = []
    for form in root.find_all("form"):
        if (form.get("method") or "get").lower() != "post" and not form.get("hx-post"):
            continue
        token = form.find("input", attrs={"type": "hidden", "name": "csrf_token"})
        if token is None or not token.get("value"):
            offenders.append(form.get("action") or form.get("hx-post") or str(form)[:80])
    return offenders


@pytest.mark.parametrize("name", list(PAGES))
def test_page_hygiene(site, name) -> None:
    client, page = page_of(site, name)
    assert page.html is not None and page.html.get("lang") == "vi", name
    assert len(page.find_all("h1")) == 1, [h.get_text() for h in page.find_all("h1")]
    assert page.title is not None and page.title.get_text(strip=True)
    assert unlabelled_controls(page) == [], name
    assert foreign_urls(page) == [], name
    duplicates = [i for i, n in Counter(t["id"] for t in page.find_all(id=True)).items() if n > 1]
    assert duplicates == [], name


@pytest.mark.parametrize("name", list(PAGES))
def test_every_post_form_carries_a_csrf_token(site, name) -> None:
    _, page = page_of(site, name)
    assert post_forms_without_token(page) == [], name


@pytest.mark.parametrize("name", list(PAGES))
def test_static_assets_resolve(site, name) -> None:
    client, page = page_of(site, name)
    urls = [tag["src"] for tag in page.find_all("script", src=True)]
    urls += [tag["href"] for tag in page.find_all("link", href=True)]
    urls += [tag["data-htmx"] for tag in page.find_all("script", attrs={"data-htmx": True})]
    statics = [url for url in urls if urlsplit(url).path.startswith("/static/")]
    assert len(statics) == 3, name  # the stylesheet, app.js and the htmx it loads
    for url in statics:
        assert client.get(url).status_code == 200, url


def test_the_checks_catch_offenders() -> None:
    """The helpers above must be able to fail."""
    bad = BeautifulSoup(
        '<form method="post" action="/x"><input name="a" id="a"><select name="b"></select>'
        '<fieldset><legend>L</legend><input name="c" id="c"></fieldset>'
        '<img src="https://cdn.example.com/x.png"><a href="//evil.example/">x</a></form>'
        '<form hx-post="/y"><input type="hidden" name="csrf_token" value=""></form>',
        "html.parser",
    )
    assert len(unlabelled_controls(bad)) == 3
    assert len(foreign_urls(bad)) == 2
    assert post_forms_without_token(bad) == ["/x", "/y"]


# --- htmx fragments carry their own tokens ------------------------------------------------------


def test_htmx_fragments_with_forms_carry_csrf_tokens_and_labels(site) -> None:
    token = site.token()
    code = next(d.code for d in site.procedure.documents if d.is_required and d.scan_required)
    responses = {
        # First: the answers posted empty below would make the check page lose its form.
        "error kiem-tra": site.user.post(
            f"/ho-so/{site.draft.id}/nop", data={"csrf_token": token}, headers=HTMX
        ),
        "document row": site.user.post(
            f"/ho-so/{site.draft.id}/giay-to/{code}",
            data={"file": (io.BytesIO(jpeg_bytes(400, 300)), "b.jpg"), "csrf_token": token},
            content_type="multipart/form-data",
            headers=HTMX,
        ),
        "error nguoi-nop": site.user.post(
            site.step("nguoi-nop"), data={"phone": "1", "csrf_token": token}, headers=HTMX
        ),
        "error thong-tin": site.user.post(
            site.step("thong-tin"), data={"csrf_token": token}, headers=HTMX
        ),
        "error nhan-tra": site.user.post(
            site.step("nhan-tra"), data={"csrf_token": token}, headers=HTMX
        ),
        "login error": site.anonymous.post(
            "/dang-nhap",
            data={"phone": "1", "csrf_token": csrf_token_of(site.anonymous.get("/dang-nhap").text)},
            headers=HTMX,
        ),
    }
    for name, response in responses.items():
        assert response.status_code in (200, 422), (name, response.status_code)
        assert "<html" not in response.text, name
        fragment = BeautifulSoup(response.text, "html.parser")
        assert fragment.find("form") is not None, name
        assert post_forms_without_token(fragment) == [], name
        assert unlabelled_controls(fragment) == [], name
        assert foreign_urls(fragment) == [], name


# --- CSRF is enforced -----------------------------------------------------------------------------


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_posts_without_a_token_are_refused(site, citizen, headers) -> None:
    draft = f"/ho-so/{site.draft.id}"
    attachment = site.draft.attachments[0]
    code = attachment.document_code
    dossiers, attachments = _count(Dossier), _count(Attachment)
    user_posts = [
        (f"/thu-tuc/{site.procedure.code}/nop-ho-so", {"client_token": "new"}),
        (f"{draft}/nguoi-nop", {"phone": "0912345678", "commune": COMMUNE, "village": "X"}),
        (f"{draft}/thong-tin", sample_answers(site.procedure)),
        (f"{draft}/giay-to", {}),
        (f"{draft}/nhan-tra", {"intake_channel": "online", "return_channel": "online"}),
        (f"{draft}/giay-to/{code}", {"file": (io.BytesIO(jpeg_bytes(50, 50)), "c.jpg")}),
        (f"{draft}/tep/{attachment.id}/xoa", {}),
        (f"{draft}/nop", {"declaration": "1"}),
        ("/dang-xuat", {}),
    ]
    for url, data in user_posts:
        response = site.user.post(url, data=data, headers=headers)
        assert response.status_code == 400, (url, response.status_code)
        assert "Phiên làm việc đã hết hạn" in response.text
    anonymous_posts = [
        ("/dang-nhap", {"phone": citizen.phone, "password": PASSWORD}),
        ("/dang-ky", {"full_name": "A", "phone": "0987000111"}),
    ]
    for url, data in anonymous_posts:
        response = site.anonymous.post(url, data=data, headers=headers)
        assert response.status_code == 400, (url, response.status_code)

    # Nothing happened: no new draft, no file added or removed, not submitted, still signed in.
    assert _count(Dossier) == dossiers
    assert _count(Attachment) == attachments
    db.session.expire_all()
    assert db.session.get(Dossier, site.draft.id).is_draft
    assert site.user.get("/ho-so-cua-toi").status_code == 200
    assert site.anonymous.get("/ho-so-cua-toi").status_code == 303


def test_a_token_from_another_session_is_refused(app, site, make_user) -> None:
    stranger = app.test_client()
    sign_in(stranger, make_user())
    foreign_token = csrf_token_of(stranger.get("/ho-so-cua-toi").text)
    response = site.user.post(
        f"/ho-so/{site.draft.id}/nop", data={"declaration": "1", "csrf_token": foreign_token}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Dossier, site.draft.id).is_draft


def test_posts_with_the_token_are_accepted(site) -> None:
    """Control for the refusals above: the same requests with the page's token go through."""
    token = site.token()
    response = site.user.post(
        f"/ho-so/{site.draft.id}/nop", data={"declaration": "1", "csrf_token": token}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert not db.session.get(Dossier, site.draft.id).is_draft
    response = site.user.post("/dang-xuat", data={"csrf_token": token}, headers=HTMX)
    assert response.status_code in (204, 303)
    assert site.user.get("/ho-so-cua-toi").status_code == 303
