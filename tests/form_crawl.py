"""A browser without JavaScript that finds every ``<form method="post">`` the app serves and posts
it, for tests/test_every_form.py.

It requests every GET URL rule of the app (ids filled from the rows that exist) as one identity,
parses the forms of each page with BeautifulSoup, takes the CSRF token from the page as a browser
does, and posts each form with the values a :class:`Filler` chooses: realistic ones, or hostile
ones drawn by Hypothesis. Every answer is judged by :func:`judge`. After a realistic post that
is accepted, the page it redirects to is crawled as well (a registration's code step is only
reached that way).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import pikepdf
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from PIL import Image

# Answers a form post may get: success, or a refusal the app means (shown in Vietnamese).
ACCEPTED = {200, 201, 204, 302, 303}
REFUSALS = {400, 403, 404, 409, 422, 429}
VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)
# Where a refusal says what is wrong: the error summary, a message beside a field or an alert
# (422); for the other refusals also a flashed message or the heading of the error page.
FORM_MESSAGE_PLACES = ".summary, .error, [role=alert]"
MESSAGE_PLACES = FORM_MESSAGE_PLACES + ", .flash, h1"
BUTTON_TYPES = {"submit", "button", "reset", "image"}


@cache
def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@cache
def pdf_bytes() -> bytes:
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@dataclass
class Control:
    """One named control of a form, as the page serves it."""

    name: str
    kind: str  # text, email, tel, date, number, password, hidden, file, select, textarea, ...
    value: str = ""
    options: list[str] = field(default_factory=list)  # select, radio and checkbox values
    accept: str = ""
    maxlength: int | None = None
    inputmode: str = ""


@dataclass
class Form:
    page: str  # the URL of the page that served it
    action: str
    controls: dict[str, Control]
    buttons: list[tuple[str, str]]  # named submit buttons: (name, value)
    multipart: bool

    @property
    def signature(self) -> tuple[str, tuple[str, ...]]:
        """The same form on another page, or for another row: ids in the action do not count."""
        return re.sub(r"/\d+", "/<id>", self.action), tuple(sorted(self.controls))


def _control(tag: Tag) -> tuple[str, Control] | None:
    name = tag.get("name")
    if not name or tag.has_attr("disabled"):
        return None
    if tag.name == "select":
        options = [o.get("value", o.get_text()) for o in tag.find_all("option")]
        chosen = tag.find("option", selected=True)
        value = chosen.get("value", "") if chosen else (options[0] if options else "")
        return name, Control(name, "select", value, options)
    if tag.name == "textarea":
        return name, Control(name, "textarea", tag.get_text(), maxlength=_int(tag.get("maxlength")))
    kind = (tag.get("type") or "text").lower()
    if kind in BUTTON_TYPES:
        return None
    return name, Control(
        name,
        kind,
        tag.get("value", "on" if kind in ("checkbox", "radio") else ""),
        accept=tag.get("accept", ""),
        maxlength=_int(tag.get("maxlength")),
        inputmode=tag.get("inputmode", ""),
    )


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def forms_of(page_url: str, html: str, with_layout: bool) -> list[Form]:
    """The post forms of a page; those of the layout (sign out, "next person") only when asked,
    since every page repeats them."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all("form"):
        if (tag.get("method") or "get").lower() != "post":
            continue
        if not with_layout and soup.find("main") and tag.find_parent("main") is None:
            continue
        controls: dict[str, Control] = {}
        for element in tag.find_all(["input", "select", "textarea"]):
            parsed = _control(element)
            if parsed is None:
                continue
            name, control = parsed
            if name in controls and control.kind in ("radio", "checkbox"):
                controls[name].options.append(control.value)
            else:
                if control.kind in ("radio", "checkbox"):
                    control.options = [control.value]
                controls[name] = control
        buttons = [
            (b["name"], b.get("value", ""))
            for b in tag.find_all(["button", "input"])
            if b.get("name") and (b.name == "button" or b.get("type") == "submit")
        ]
        action = urljoin(page_url, tag.get("action") or page_url)
        multipart = "multipart" in (tag.get("enctype") or "") or any(
            c.kind == "file" for c in controls.values()
        )
        found.append(Form(page_url, urlsplit(action).path, controls, buttons, multipart))
    return found


def layout_problem(html: str) -> str:
    """What a full page (a GET without htmx) lacks of the site's layout, or "": a template that
    loses its ``extends`` swaps a bare fragment into the browser's document."""
    soup = BeautifulSoup(html, "html.parser")
    missing = [
        what
        for what, found in (
            ("<title>", soup.head and soup.head.title),
            ("<main id=main>", soup.find("main", id="main")),
            ("the footer", soup.find("footer", class_="foot")),
        )
        if not found
    ]
    return f"a full page without {', '.join(missing)}" if missing else ""


def vietnamese_message(html: str, places: str = MESSAGE_PLACES) -> str:
    """The Vietnamese text of the places a refusal says what is wrong, or ""."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select(places):
        text = element.get_text(" ", strip=True)
        if VIETNAMESE.search(text):
            return text
    return ""


def _main_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    return (soup.find("main") or soup).get_text(" ", strip=True)


def judge(status: int, body: str) -> str:
    """Why this answer to a form post is wrong, or "" when it is one the app means."""
    if status >= 500:
        return f"{status}"
    if status in ACCEPTED:
        return ""
    if status not in REFUSALS:
        return f"{status}: not an answer the app means"
    if not vietnamese_message(body, FORM_MESSAGE_PLACES if status == 422 else MESSAGE_PLACES):
        return f"{status} without a Vietnamese message: {_main_text(body)[:300]!r}"
    return untied_errors(body) if status == 422 else ""


def untied_errors(html: str) -> str:
    """A message beside a field (``.field .error``) that a screen reader cannot reach from the
    field: without an id, or with one that no ``aria-describedby`` names."""
    soup = BeautifulSoup(html, "html.parser")
    tags = soup.select("[aria-describedby]")
    described = {name for tag in tags for name in tag["aria-describedby"].split()}
    untied = [
        element.get_text(" ", strip=True)[:60]
        for element in soup.select(".field .error")
        if element.get("id") not in described
    ]
    return f"422 with field errors not tied to their field: {untied}" if untied else ""


@dataclass
class Outcome:
    form: Form
    values: dict[str, Any]
    status: int
    problem: str
    location: str = ""


Filler = Callable[[Form], Iterator[dict[str, Any]]]


def post(client: FlaskClient, form: Form, values: dict[str, Any], htmx: bool = False) -> Outcome:
    """Post ``values`` to ``form`` as a browser would; a raised exception is a 500."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, tuple):  # a file: (bytes, file name)
            data[name] = (io.BytesIO(value[0]), value[1])
        else:
            data[name] = value
    headers = {"HX-Request": "true"} if htmx else {}
    content_type = "multipart/form-data" if form.multipart else None
    try:
        response = client.post(form.action, data=data, headers=headers, content_type=content_type)
    except Exception as error:  # noqa: BLE001 - what production would answer with a 500
        return Outcome(form, values, 500, f"raised {error!r}")
    body = response.get_data(as_text=True)
    location = response.headers.get("Location", "")
    response.close()
    return Outcome(form, values, response.status_code, judge(response.status_code, body), location)
