"""The API's own request validation says what ``jsonschema`` says on the same schemas. Pure."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.api import openapi, validation
from app.core.bounds import MAX_ID
from app.postal import tokens

DOCUMENT = openapi.document(tokens.SCOPES)
BASE = "urn:motcua:api-v1"
REGISTRY = Registry().with_resource(
    BASE, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012)
)
ITEM = "EA000000015VN"
DELIVERED = {"recipient_name": "Lê Văn Nam", "relation": "family", "id_checked": True}


def _jsonschema_valid(value: Any, pointer: str) -> bool:
    validator = Draft202012Validator(
        {"$ref": f"{BASE}#{pointer}"},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return validator.is_valid(value)


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": "vnpost:2026-11-23:000123", "item_number": ITEM, "type": kind, **fields}


BODIES = [
    _event("out_for_delivery"),
    _event("out_for_delivery", occurred_at="2026-11-23T08:55:00+07:00"),
    _event("out_for_delivery", occurred_at="2026-11-23T01:55:00.250Z"),
    _event("out_for_delivery", occurred_at="2026-11-23T08:55:00"),
    _event("out_for_delivery", occurred_at="23/11/2026 08:55"),
    _event("out_for_delivery", note="x"),
    _event("delivered", **DELIVERED),
    _event("delivered", **DELIVERED, note="Giao tại nhà"),
    _event("delivered", **{**DELIVERED, "id_checked": False}),
    _event("delivered", **{**DELIVERED, "id_checked": 1}),
    _event("delivered", **{**DELIVERED, "recipient_name": " "}),
    _event("delivered", **{**DELIVERED, "recipient_name": "x" * 121}),
    _event("delivered", **{**DELIVERED, "relation": "neighbour"}),
    _event("delivered", recipient_name="Lê Văn Nam"),
    _event("delivery_failed", reason="nobody_home"),
    _event("delivery_failed", reason="nobody_home", note="x" * 300),
    _event("delivery_failed", reason="nobody_home", note="x" * 301),
    _event("delivery_failed"),
    _event("delivery_failed", reason="rain"),
    _event("returned_to_agency"),
    _event("returned_to_agency", reason="other"),
    _event("lost"),
    {**_event("out_for_delivery"), "event_id": ""},
    {**_event("out_for_delivery"), "event_id": "x" * 80},
    {**_event("out_for_delivery"), "event_id": "x" * 81},
    {**_event("out_for_delivery"), "event_id": "mã sự kiện"},
    {**_event("out_for_delivery"), "event_id": 42},
    {**_event("out_for_delivery"), "item_number": "ea000000015vn"},
    {**_event("out_for_delivery"), "item_number": None},
    {"event_id": "e1", "item_number": ITEM},
    {},
    [],
    "out_for_delivery",
    None,
]


@pytest.mark.parametrize("body", BODIES, ids=[str(i) for i in range(len(BODIES))])
def test_event_bodies_are_judged_as_jsonschema_judges_them(body: Any) -> None:
    found = validation.errors(body, openapi.EVENT_REQUEST)
    pointer = "/paths/~1events/post/requestBody/content/application~1json/schema"
    assert (found == {}) == _jsonschema_valid(body, pointer), found
    assert all(isinstance(m, str) and m for m in found.values())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("date", "2026-11-23"),
        ("date", "2026-02-30"),
        ("date", "20261123"),
        ("date", "23/11/2026"),
        ("cursor", "17"),
        ("cursor", "-1"),
        ("cursor", "abc"),
        ("cursor", "1" * 19),
        ("cursor", "0"),
        ("cursor", "2147483647"),
        ("cursor", "2147483648"),
        ("cursor", "2147483650"),
        ("cursor", "9999999999"),
        ("cursor", "1999999999"),
        ("date", "2199-12-31"),
        ("date", "2200-01-01"),
        ("date", "1900-01-01"),
        ("date", "1899-12-31"),
        ("date", "9999-12-31"),
    ],
)
def test_list_parameters_are_judged_as_jsonschema_judges_them(name: str, value: str) -> None:
    schema = openapi.parameter_schema("/pickups", "get", name)
    index = [p["name"] for p in openapi.PATHS["/pickups"]["get"]["parameters"]].index(name)
    pointer = f"/paths/~1pickups/get/parameters/{index}/schema"
    assert (validation.errors(value, schema) == {}) == _jsonschema_valid(value, pointer)


@pytest.mark.parametrize(
    "value",
    [0, 1, 9, 10, 999999999, 10**9, 2 * 10**9, *(MAX_ID - 10**k for k in range(10)), MAX_ID],
)
def test_the_cursor_pattern_takes_exactly_the_ids_the_database_holds(value: int) -> None:
    schema = openapi.parameter_schema("/pickups", "get", "cursor")
    assert validation.errors(str(value), schema) == {}
    assert validation.errors(str(MAX_ID + 1 + value), schema) != {}
    assert validation.errors(str(value) + "0" * 10, schema) != {}


def test_every_field_is_reported_at_once_even_with_an_unknown_type() -> None:
    found = validation.errors({"event_id": "a b", "type": "lost", "x": 1}, openapi.EVENT_REQUEST)
    assert set(found) == {"event_id", "item_number", "type"}
    assert found["item_number"] == validation.REQUIRED


def test_a_schema_that_says_more_than_is_checked_is_refused() -> None:
    with pytest.raises(ValueError, match="multipleOf"):
        validation.errors(3, {"type": "integer", "multipleOf": 2})
    with pytest.raises(ValueError, match="number"):
        validation.errors(3, {"type": "number"})
    with pytest.raises(ValueError, match="number"):
        validation.errors(3, {"type": ["integer", "number"]})


@pytest.mark.parametrize(
    ("value", "schema", "wrong"),
    [
        (3, {"type": "integer", "minimum": 1}, False),
        (0, {"type": "integer", "minimum": 1}, True),
        (11, {"type": "integer", "maximum": 10}, True),
        (True, {"type": "integer"}, True),  # JSON true is not a number
        ("3", {"type": "integer"}, True),
        (3.5, {"type": "integer"}, True),
        (None, {"type": ["string", "null"]}, False),
        ("x", {"type": ["string", "null"]}, False),
        (3, {"type": ["string", "null"]}, True),
    ],
)
def test_integers_bounds_and_lists_of_types(value, schema, wrong) -> None:  # type: ignore[no-untyped-def]
    assert bool(validation.errors(value, schema)) == wrong
