"""API fixtures: two post offices, their tokens, shipments of both legs, and a client that
checks every JSON answer against the OpenAPI document (app/api/openapi.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

import pytest
from flask import Flask
from helpers import complete_draft, submit_via_services
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.api import openapi
from app.core import clock
from app.extensions import db
from app.postal import s10, tokens
from app.postal.flow import Leg
from app.postal.models import ApiToken, PostOffice, PostOfficeCommune, Shipment, SlotTemplateRow
from app.postal.operations import booking
from app.postal.operations.tokens import issue as issue_token
from app.postal.queries.slots import offered_slots

MONDAY = datetime(2026, 11, 23, 9, 0)  # every API test runs then (Tuesday 24/11 is a holiday)
COMMUNE = "17329"  # where tests/helpers.py's applicants live
OTHER_COMMUNE = "16813"


class Contract:
    """The OpenAPI document, and the check that an answer is what it documents."""

    base = "urn:motcua:api-v1"

    def __init__(self) -> None:
        self.document = openapi.document(tokens.SCOPES)
        self.prefix = self.document["servers"][0]["url"]
        self.registry = Registry().with_resource(
            self.base, Resource.from_contents(self.document, default_specification=DRAFT202012)
        )

    def template(self, app: Flask, method: str, url: str) -> str:
        """The document's path template for a URL or rule (``/items/{item_number}``)."""
        adapter = app.url_map.bind("localhost")
        rule, _ = adapter.match(url.split("?")[0], method, return_rule=True)
        path = rule.rule.removeprefix(self.prefix)
        for name in rule.arguments:
            path = path.replace(f"<{name}>", "{" + name + "}")
        return path

    def check(self, app: Flask, method: str, url: str, response: Any) -> None:
        """The answer's status is documented for the operation and its body fits the schema."""
        template = self.template(app, method, url)
        operation = self.document["paths"][template][method.lower()]
        status = str(response.status_code)
        assert status in operation["responses"], (method, template, status, response.text)
        documented = operation["responses"][status]
        assert response.mimetype == "application/json", response.text
        for header in documented.get("headers", {}):
            assert response.headers.get(header), (method, template, status, header)
        pointer = "/".join(
            p.replace("~", "~0").replace("/", "~1")
            for p in ("paths", template, method.lower(), "responses", status, "content", _JSON)
        )
        Draft202012Validator(
            {"$ref": f"{self.base}#/{pointer}/schema"},
            registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        ).validate(response.get_json())


CONTRACT = Contract()
_JSON = "application/json"


class Api:
    """A test client for /api/v1/ that validates every answer against the contract."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        url = CONTRACT.prefix + path
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        CONTRACT.check(self.app, method, url, response)
        return response

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> Any:
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs: Any) -> Any:
        return self.call("POST", path, token, **kwargs)


@pytest.fixture(autouse=True)
def monday(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests with the app run on Monday 23/11/2026, 09:00; pure tests need no app."""
    if "app" not in request.fixturenames:
        yield
        return
    clock.freeze(MONDAY)
    yield
    clock.freeze(None)


@pytest.fixture
def contract() -> Contract:
    return CONTRACT


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app)


@pytest.fixture
def office(app: Flask) -> PostOffice:
    office = PostOffice(code="463100", name="Bưu điện xã Anh Sơn", address="Khối 1, xã Anh Sơn")
    office.communes.append(PostOfficeCommune(commune_code=COMMUNE))
    for weekday in range(5):
        office.templates.append(
            SlotTemplateRow(weekday=weekday, start=time(8), end=time(11), capacity=5)
        )
    db.session.add(office)
    db.session.commit()
    return office


@pytest.fixture
def other_office(app: Flask) -> PostOffice:
    other = PostOffice(code="463200", name="Bưu điện xã Tam Quang", address="Bản Xốp Mạt")
    other.communes.append(PostOfficeCommune(commune_code=OTHER_COMMUNE))
    db.session.add(other)
    db.session.commit()
    return other


@pytest.fixture
def issue(app: Flask):  # type: ignore[no-untyped-def]
    def factory(office: PostOffice, *scopes: str) -> tuple[ApiToken, str]:
        token, plain = issue_token(
            office, "Hệ thống bưu chính", list(scopes or tokens.SCOPES), None
        )
        db.session.commit()
        return token, plain

    return factory


@pytest.fixture
def bearer(office: PostOffice, issue) -> str:  # type: ignore[no-untyped-def]
    """A token of ``office`` with every scope."""
    return issue(office)[1]


@pytest.fixture
def make_return(make_user, procedure):  # type: ignore[no-untyped-def]
    """A result (leg B) at ``office`` in ``status``, built directly (the real hand-over is
    tested in tests/postal/test_legs.py)."""
    serials = itertools.count(1)

    def factory(office: PostOffice, status: str = "collected_from_agency", **fields: Any):  # type: ignore[no-untyped-def]
        serial = next(serials)
        dossier = submit_via_services(make_user(), procedure, f"r{serial}")
        values: dict[str, Any] = {
            "dossier_id": dossier.id,
            "leg": Leg.RETURN,
            "status": status,
            "post_office_id": office.id,
            "item_number": s10.item_number("EB", serial),
            "planned_day": clock.today(),
            "recipient_name": dossier.applicant_name,
            "commune_code": COMMUNE,
            "village": "Bản Huồi Tụ",
            "landmark": "Cạnh nhà văn hóa bản",
            "contact_phone": dossier.applicant_phone,
        }
        values.update(fields)
        shipment = Shipment(**values)
        db.session.add(shipment)
        db.session.commit()
        return shipment

    return factory


@pytest.fixture
def booked_pickup(office, make_user, procedure):  # type: ignore[no-untyped-def]
    """A submitted dossier whose home pickup is booked in the office's first open slot."""

    def factory(token: str = "p1", submitted: bool = True):  # type: ignore[no-untyped-def]
        owner = make_user()
        dossier = (
            submit_via_services(owner, procedure, token)
            if submitted
            else complete_draft(owner, procedure, token)
        )
        slot = offered_slots(office)[0]
        shipment = booking.book_pickup(
            dossier,
            slot,
            commune_code=COMMUNE,
            village="Bản Huồi Tụ",
            landmark="Cạnh nhà văn hóa bản",
            contact_phone="0912345678",
        )
        db.session.commit()
        return shipment

    return factory
