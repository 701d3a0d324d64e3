"""Low-bandwidth budgets: every citizen page and htmx fragment, compressed by the app itself.

Budgets (issue 2): compressed HTML + render-blocking CSS <= 14 KB per page; htmx fragments
<= 2 KB compressed. Run with ``-s`` to print the measured sizes.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brotli
import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from helpers import PASSWORD, book_first_slot, complete_draft, jpeg_bytes, make_post_office

from app import geo
from app.accounts.models import User
from app.catalogue.models import Procedure
from app.catalogue.operations import save_collection_account
from app.dossiers.operations.attachments import remove_attachment
from app.dossiers.operations.submitting import submit
from app.extensions import db

ROOT = Path(__file__).resolve().parents[1]
PAGE_BUDGET = 14 * 1024
FRAGMENT_BUDGET = 2 * 1024
BR = {"Accept-Encoding": "br"}
HTMX_BR = {"Accept-Encoding": "br", "HX-Request": "true"}
COMMUNE = "17329"
STEPS = ("nguoi-nop", "thong-tin", "giay-to", "nhan-tra", "kiem-tra")


# --- data ---------------------------------------------------------------------------------


class Site:
    """A signed-in citizen with a complete draft and a submitted dossier."""

    def __init__(self, app: Flask, citizen: User, procedure: Procedure) -> None:
        self.procedure = procedure
        self.draft = complete_draft(citizen, procedure, "draft", street="Nhà số 5")
        self.done = complete_draft(citizen, procedure, "done", street="Nhà số 5")
        # The post office of the applicants' commune comes to collect the papers.
        office = make_post_office()
        book_first_slot(self.draft, office)
        book_first_slot(self.done, office)
        assert submit(self.done, citizen)
        # A dossier with a fee due, whose unit collects by transfer: the payment page's QR.
        residence = db.session.scalar(db.select(Procedure).filter_by(code="1.004222"))
        self.paying = complete_draft(citizen, residence, "paying", street="Nhà số 5")
        assert submit(self.paying, citizen)
        save_collection_account(
            self.paying.receiving_unit,
            bank_bin="970405",
            account_number="3600205012345",
            account_name="Ủy ban nhân dân xã Anh Sơn",
        )
        db.session.commit()
        self.anonymous = app.test_client()
        self.user = app.test_client()
        response = self.user.post("/dang-nhap", data={"phone": citizen.phone, "password": PASSWORD})
        assert response.status_code == 303

    def step(self, name: str) -> str:
        return f"/ho-so/{self.draft.id}/{name}"


def claim_code_page(site: Site) -> str:
    """Step 2 of claiming an account, reached by asking for a code (every phone looks alike)."""
    response = site.anonymous.post("/nhan-tai-khoan", data={"phone": "0987000333"})
    assert response.status_code == 303, response.text
    return "/nhan-tai-khoan/ma"


def rating_page(site: Site) -> str:
    """The rating link's page (the invitation made directly: the SMS needs a public URL)."""
    from app.feedback.operations import invite

    _, token = invite(site.done)
    db.session.commit()
    return f"/danh-gia/{token}"


def feedback_status(site: Site) -> str:
    """A complaint's page by its code, answered."""
    from app.feedback.operations import answer_feedback, send_feedback

    item = send_feedback(
        body="Đề nghị xã hướng dẫn rõ giấy tờ cần nộp khi đăng ký thường trú cho con.",
        name="Lầu Bá Chư",
        unit_id=site.done.receiving_unit_id,
    )
    db.session.flush()
    answer_feedback(item, "UBND xã đã niêm yết danh mục giấy tờ tại bộ phận một cửa. " * 4, 1)
    db.session.commit()
    return f"/phan-anh/{item.code}"


# name -> (signed in?, url builder)
PAGES: dict[str, tuple[bool, Callable[[Site], str]]] = {
    "home": (True, lambda s: "/"),
    "catalogue": (True, lambda s: "/thu-tuc"),
    "catalogue typo": (True, lambda s: "/thu-tuc?q=khai+snh"),
    "catalogue elsewhere": (True, lambda s: "/thu-tuc?q=ho+chieu"),
    "procedure": (True, lambda s: f"/thu-tuc/{s.procedure.code}"),
    "login": (False, lambda s: "/dang-nhap"),
    "public statistics": (False, lambda s: "/thong-ke"),
    "register": (False, lambda s: "/dang-ky"),
    "claim account": (False, lambda s: "/nhan-tai-khoan"),
    "claim account code": (False, claim_code_page),
    **{f"step {name}": (True, lambda s, name=name: s.step(name)) for name in STEPS},
    "lookup": (True, lambda s: "/tra-cuu"),
    "lookup result": (True, lambda s: f"/tra-cuu/{s.done.code}"),
    "my dossiers": (True, lambda s: "/ho-so-cua-toi"),
    "dossier": (True, lambda s: f"/ho-so/{s.done.id}"),
    "pickup booking": (True, lambda s: f"/ho-so/{s.draft.id}/hen-buu-dien"),
    "pickup booking later": (True, lambda s: f"/ho-so/{s.done.id}/hen-buu-dien"),
    "dossier with a fee": (True, lambda s: f"/ho-so/{s.paying.id}"),
    "payment": (True, lambda s: f"/ho-so/{s.paying.id}/nop-phi"),
    "rating": (False, rating_page),
    "feedback form": (False, lambda s: "/phan-anh"),
    "feedback status": (False, feedback_status),
}


@pytest.fixture
def site(app: Flask, citizen: User, procedure: Procedure) -> Site:
    return Site(app, citizen, procedure)


def get_page(site: Site, name: str):  # type: ignore[no-untyped-def]
    signed_in, url = PAGES[name]
    client = site.user if signed_in else site.anonymous
    response = client.get(url(site), headers=BR)
    assert response.status_code == 200, (name, response.status_code)
    return response


def decoded(response) -> bytes:  # type: ignore[no-untyped-def]
    if response.headers.get("Content-Encoding") == "br":
        return brotli.decompress(response.data)
    return response.data


def css_size(site: Site) -> int:
    """Compressed bytes of the render-blocking stylesheet, as the app serves it."""
    response = site.user.get(url_for("static", filename="css/app.css"), headers=BR)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == "br"
    return len(response.data)


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_brotli_compressed_and_within_budget(app, site, name) -> None:
    response = get_page(site, name)
    assert response.headers.get("Content-Encoding") == "br"
    html = decoded(response)
    assert html.lstrip().lower().startswith(b"<!doctype html>")
    # Only one stylesheet blocks rendering, and it is the one measured.
    stylesheets = BeautifulSoup(html, "html.parser").select('link[rel="stylesheet"]')
    assert [link["href"].split("?")[0] for link in stylesheets] == ["/static/css/app.css"]
    css = css_size(site)
    total = len(response.data) + css
    print(
        f"\nBUDGET page {name:14} raw {len(html):6} B  br {len(response.data):5} B"
        f"  + css {css} B = {total} B (budget {PAGE_BUDGET})"
    )
    assert total <= PAGE_BUDGET


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_are_never_cached_and_vary_on_htmx(site, name) -> None:
    response = get_page(site, name)
    cache = response.headers.get("Cache-Control", "")
    assert "no-store" in cache
    vary = {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}
    assert "hx-request" in vary
    assert "accept-encoding" in vary


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_link_static_files_with_a_content_hash(site, name) -> None:
    page = BeautifulSoup(decoded(get_page(site, name)), "html.parser")
    urls = [tag["src"] for tag in page.find_all("script", src=True)]
    urls += [tag["href"] for tag in page.find_all("link", href=True)]
    urls += [tag["data-htmx"] for tag in page.find_all("script", attrs={"data-htmx": True})]
    statics = [u for u in urls if u.startswith("/static/")]
    assert len(statics) == 3  # the stylesheet, app.js and the htmx it loads (the icon is inline)
    for url in statics:
        match = re.fullmatch(r"/static/([\w./-]+)\?v=([0-9a-f]{8,})", url)
        assert match, url
        digest = hashlib.sha256((ROOT / "static" / match.group(1)).read_bytes()).hexdigest()
        assert digest.startswith(match.group(2)), url


def test_scripts_are_deferred(site) -> None:
    page = BeautifulSoup(decoded(get_page(site, "home")), "html.parser")
    scripts = page.find_all("script", src=True)
    assert scripts
    assert all(s.has_attr("defer") for s in scripts)


# --- static files ------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["css/app.css", "js/app.js", "vendor/htmx.min.js"])
def test_fingerprinted_static_files_are_cached_for_a_year(client, filename) -> None:
    url = url_for("static", filename=filename)
    assert re.search(r"\?v=[0-9a-f]{8,}$", url), url
    response = client.get(url, headers=BR)
    assert response.status_code == 200
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache
    assert "immutable" in cache
    assert "no-cache" not in cache and "no-store" not in cache
    assert response.headers.get("Content-Encoding") == "br"


def test_static_without_fingerprint_is_not_cached_forever(client) -> None:
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_fingerprint_changes_with_the_content(app) -> None:
    version = app.jinja_env.globals["static_version"]
    css = (ROOT / "static" / "css" / "app.css").read_bytes()
    assert version("css/app.css") == hashlib.sha256(css).hexdigest()[:10]
    assert version("css/app.css") != version("js/app.js")


# --- htmx fragments ---------------------------------------------------------------------------


def _search(site: Site):  # type: ignore[no-untyped-def]
    return site.user.get("/thu-tuc?q=dang+ky", headers=HTMX_BR)


def _search_typo(site: Site):  # type: ignore[no-untyped-def]
    return site.user.get("/thu-tuc?q=khai+snh", headers=HTMX_BR)


def _search_elsewhere(site: Site):  # type: ignore[no-untyped-def]
    return site.user.get("/thu-tuc?q=ho+chieu", headers=HTMX_BR)


def _communes(site: Site):  # type: ignore[no-untyped-def]
    return site.user.get("/dia-chi/xa?province=40", headers=HTMX_BR)


def _document_row(site: Site):  # type: ignore[no-untyped-def]
    code = next(d.code for d in site.procedure.documents if d.scan_required and d.is_required)
    return site.user.post(
        f"/ho-so/{site.draft.id}/giay-to/{code}",
        data={"file": (io.BytesIO(jpeg_bytes(800, 600)), "trang-2.jpg")},
        content_type="multipart/form-data",
        headers=HTMX_BR,
    )


def _lookup(site: Site):  # type: ignore[no-untyped-def]
    """The commune search of a step fragment: "xã" matches every commune, so the answer is as
    long as it gets (10 matches), with the commune already chosen kept."""
    url = f"/dia-chi/xa/tim?name=commune&province=40&commune_q=x%C3%A3&commune={COMMUNE}"
    return site.user.get(url, headers=HTMX_BR)


def _step(step: str) -> Callable[[Site], Any]:
    def get(site: Site):  # type: ignore[no-untyped-def]
        return site.user.get(site.step(step), headers=HTMX_BR)

    return get


# A wrong entry on each step, as a hurried citizen sends it: every field that can be wrong is.
WRONG_ENTRIES: dict[str, dict[str, str]] = {
    "nguoi-nop": {
        "phone": "091 234",
        "email": "lo.thi.mai@",
        "province": "40",
        "commune": "99999",
        "village": "",
        "street": "Nhà số 5, đường Lê Lợi",
    },
    "thong-tin": {},  # nothing filled in: every required answer is listed
    "nhan-tra": {
        "return_channel": "post",
        "return_province": "40",
        "return_commune": "",
        "return_village": "",
        "return_street": "Nhà số 5, đường Lê Lợi",
    },
}


def _wrong(step: str) -> Callable[[Site, dict[str, str]], Any]:
    def post(site: Site, headers: dict[str, str]):  # type: ignore[no-untyped-def]
        return site.user.post(site.step(step), data=WRONG_ENTRIES[step], headers=headers)

    return post


def _documents_missing(site: Site, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    for attachment in list(site.draft.attachments):
        remove_attachment(attachment)
    db.session.commit()
    return site.user.post(site.step("giay-to"), data={}, headers=headers)


def _declaration_missing(site: Site, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return site.user.post(f"/ho-so/{site.draft.id}/nop", data={}, headers=headers)


# Each journey step refusing a wrong entry (422), with htmx (a fragment) or without (the page).
ERRORS: dict[str, Callable[[Site, dict[str, str]], Any]] = {
    "error nguoi-nop": _wrong("nguoi-nop"),
    "error thong-tin": _wrong("thong-tin"),
    "error giay-to": _documents_missing,
    "error nhan-tra": _wrong("nhan-tra"),
    "error kiem-tra": _declaration_missing,
}

# name -> (request, expected status)
FRAGMENTS: dict[str, tuple[Callable[[Site], Any], int]] = {
    "catalogue search": (_search, 200),
    "search typo": (_search_typo, 200),
    "search elsewhere": (_search_elsewhere, 200),
    "commune options": (_communes, 200),
    "commune lookup": (_lookup, 200),
    "document row": (_document_row, 200),
    **{f"step {name}": (_step(name), 200) for name in STEPS},
    **{name: (lambda site, post=post: post(site, HTMX_BR), 422) for name, post in ERRORS.items()},
}


def _fragment(site: Site, name: str):  # type: ignore[no-untyped-def]
    request, status = FRAGMENTS[name]
    response = request(site)
    assert response.status_code == status, (name, response.status_code)
    body = decoded(response)
    assert b"<html" not in body and b"<body" not in body, name
    return response, body


@pytest.mark.parametrize("name", list(FRAGMENTS))
def test_fragment_is_brotli_compressed(site, name) -> None:
    response, _ = _fragment(site, name)
    assert response.headers.get("Content-Encoding") == "br"


@pytest.mark.parametrize("name", list(FRAGMENTS))
def test_fragment_within_budget(site, name) -> None:
    """Brotli bytes as the app sends them (test_fragment_is_brotli_compressed: it does)."""
    response, body = _fragment(site, name)
    assert response.headers.get("Content-Encoding") == "br"
    print(
        f"\nBUDGET fragment {name:17} raw {len(body):6} B  br {len(response.data):5} B"
        f" (budget {FRAGMENT_BUDGET})"
    )
    assert len(response.data) <= FRAGMENT_BUDGET


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_page_is_compressed_and_within_budget(site, name) -> None:
    """Without JS a wrong entry answers the whole page again, 422, compressed like any page."""
    response = ERRORS[name](site, BR)
    assert response.status_code == 422, (name, response.status_code)
    assert response.headers.get("Content-Encoding") == "br"
    html = decoded(response)
    assert html.lstrip().lower().startswith(b"<!doctype html>")
    total = len(response.data) + css_size(site)
    print(f"\nBUDGET page {name:17} raw {len(html):6} B  br {len(response.data):5} B + css")
    assert total <= PAGE_BUDGET


@pytest.mark.parametrize("signed_in", [False, True])
def test_not_found_page_is_compressed_and_within_budget(site, signed_in) -> None:
    client = site.user if signed_in else site.anonymous
    response = client.get("/thu-tuc/khong-co-thu-tuc-nay", headers=BR)
    assert response.status_code == 404
    assert response.headers.get("Content-Encoding") == "br"
    assert "Không tìm thấy trang".encode() in decoded(response)
    assert len(response.data) + css_size(site) <= PAGE_BUDGET


def test_commune_options_within_budget_for_every_province(app, client) -> None:
    sizes = {}
    for code, name in geo.provinces():
        response = client.get(f"/dia-chi/xa?province={code}", headers=HTMX_BR)
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == "br", name
        assert brotli.decompress(response.data).count(b"<option") == len(geo.communes(code)) + 1
        sizes[name] = len(response.data)
    largest = max(sizes, key=sizes.get)
    print(f"\nBUDGET fragment commune options, largest: {largest} {sizes[largest]} B")
    assert len(sizes) == 34
    assert sizes[largest] <= FRAGMENT_BUDGET


def test_fragments_vary_on_htmx(site) -> None:
    response = _search(site)
    assert "HX-Request" in response.headers.get("Vary", "")
    assert "no-store" in response.headers.get("Cache-Control", "")


# --- the administrator's outbox ------------------------------------------------------------------


def test_admin_outbox_pages_within_budget(app, admin_client) -> None:
    """/quan-tri/tin-nhan with a full page of 50 messages, 14 days of counts and 12 months of
    costs, and one message's page: on the same budget as a citizen's page."""
    from datetime import timedelta

    from app.core import clock
    from app.notifications.models import Notification

    now = clock.now()
    RESULT_READY = (
        "Một Cửa: hồ sơ 000.12.34.H40-261207-0001 đã có kết quả. Nhận tại Bộ phận Một cửa xã."
    )
    statuses = ("pending", "sent", "delivered", "rejected", "failed")
    for n in range(60):
        db.session.add(
            Notification(
                channel="sms" if n % 4 else "email",
                recipient=f"09120{n:05d}" if n % 4 else f"lo.thi.mai{n}@example.vn",
                template="result_ready",
                subject="",
                body=RESULT_READY,
                segments=2,
                status=statuses[n % 5],
                attempts=n % 5,
                next_attempt_at=now,
                last_error="SendFailed: timed out" if n % 5 == 4 else "",
                created_at=now - timedelta(days=n % 14, minutes=n),
                sent_at=now - timedelta(days=n * 6) if n % 5 in (1, 2) else None,
                held_reason="[103] balance too low" if n % 10 == 0 else "",
            )
        )
    db.session.commit()
    for url in ("/quan-tri/tin-nhan", "/quan-tri/tin-nhan/5"):
        response = admin_client.get(url, headers=BR)
        assert response.status_code == 200, url
        assert response.headers.get("Content-Encoding") == "br"
        css = len(admin_client.get(url_for("static", filename="css/app.css"), headers=BR).data)
        total = len(response.data) + css
        print(
            f"\nBUDGET admin {url:22} raw {len(decoded(response)):6} B  br {len(response.data):5} B"
            f"  + css {css} B = {total} B (budget {PAGE_BUDGET})"
        )
        assert total <= PAGE_BUDGET
