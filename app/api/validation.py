"""Check a request against the JSON Schemas of :mod:`app.api.openapi`, with Vietnamese messages.

Only the part of JSON Schema that the contract uses for requests is understood: ``$ref`` to a
component, ``type``, ``properties``, ``required``, ``additionalProperties: false``,
``minLength``, ``maxLength``, ``pattern``, ``enum``, ``const``, ``format`` (``date``,
``date-time``), ``minimum`` and ``maximum`` (integers), a list of types (``["string", "null"]``)
and ``oneOf`` with a ``discriminator``. A schema using anything else is a
programming error (``ValueError``), so the contract cannot silently say more than is checked.
The tests cross-check these answers with the ``jsonschema`` package on the same schemas.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from app.api.openapi import resolve

_KNOWN = {
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "const",
    "format",
    "oneOf",
    "discriminator",
    "description",
    "x-error-message",
    "minimum",
    "maximum",
}
_TYPES = {
    "string": (str, "Phải là một chuỗi ký tự."),
    "boolean": (bool, "Phải là true hoặc false."),
    "object": (dict, "Phải là một đối tượng JSON."),
    "integer": (int, "Phải là một số nguyên."),
    "null": (type(None), "Phải là null."),
}
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
REQUIRED = "Trường này là bắt buộc."
BODY = "body"


def errors(value: Any, schema: dict[str, Any]) -> dict[str, str]:
    """Field name → message for what is wrong with ``value``; empty when it is valid.

    A field's name is its property name (``"body"`` for the value itself)."""
    found: dict[str, str] = {}
    _check(value, schema, "", found)
    if "" in found:
        found[BODY] = found.pop("")
    return found


def _check(value: Any, schema: dict[str, Any], where: str, found: dict[str, str]) -> None:
    schema = resolve(schema)
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError(f"validation does not understand {sorted(unknown)}")
    if "oneOf" in schema:
        _one_of(value, schema, where, found)
        return
    message = _scalar_error(value, schema)
    if message:
        found.setdefault(where, message)
        return
    if isinstance(value, dict):
        _object(value, schema, where, found)


def _one_of(value: Any, schema: dict[str, Any], where: str, found: dict[str, str]) -> None:
    """A discriminated union: the discriminator property picks the one schema that applies."""
    if not isinstance(value, dict):
        found.setdefault(where, _TYPES["object"][1])
        return
    name = schema["discriminator"]["propertyName"]
    mapping = schema["discriminator"]["mapping"]
    target = mapping.get(value.get(name)) if isinstance(value.get(name), str) else None
    if target is not None:
        _check(value, {"$ref": target}, where, found)
        return
    found[_join(where, name)] = (
        REQUIRED if name not in value else "Phải là một trong: " + ", ".join(mapping) + "."
    )
    # Still report the fields every variant shares, so one answer lists every mistake.
    variants = [resolve({"$ref": ref}) for ref in mapping.values()]
    shared = {
        key: spec
        for key, spec in variants[0]["properties"].items()
        if key != name and all(v["properties"].get(key) == spec for v in variants)
    }
    required = [k for k in shared if all(k in v.get("required", []) for v in variants)]
    _object(value, {"properties": shared, "required": required}, where, found)


def _object(value: dict, schema: dict[str, Any], where: str, found: dict[str, str]) -> None:
    properties = schema.get("properties", {})
    if schema.get("additionalProperties", True) not in (True, False):
        raise ValueError("validation understands only additionalProperties: false")
    for key in schema.get("required", []):
        if key not in value:
            found.setdefault(_join(where, key), REQUIRED)
    for key, item in value.items():
        if key in properties:
            _check(item, properties[key], _join(where, key), found)
        elif schema.get("additionalProperties", True) is False:
            found.setdefault(_join(where, key), "Trường này không được hỗ trợ.")


def _scalar_error(value: Any, schema: dict[str, Any]) -> str:
    custom = schema.get("x-error-message")
    kinds = schema.get("type")
    if kinds is not None:
        message = _type_error(value, kinds if isinstance(kinds, list) else [kinds])
        if message:
            return message
    if _out_of_bounds(value, schema):
        return custom or f"Phải từ {schema.get('minimum', '')} đến {schema.get('maximum', '')}."
    if "const" in schema and value != schema["const"]:
        return custom or f"Phải có giá trị {schema['const']!r}."
    if "enum" in schema and value not in schema["enum"]:
        return "Phải là một trong: " + ", ".join(str(v) for v in schema["enum"]) + "."
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            return "Không được để trống." if schema["minLength"] == 1 else "Quá ngắn."
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"Tối đa {schema['maxLength']} ký tự."
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return custom or "Không đúng định dạng."
        if "format" in schema and not _format_ok(value, schema["format"]):
            return {
                "date": "Phải là một ngày dạng YYYY-MM-DD, ví dụ 2026-11-23.",
                "date-time": "Phải là thời điểm theo RFC 3339, ví dụ 2026-11-23T09:30:00+07:00.",
            }[schema["format"]]
    return ""


def _out_of_bounds(value: Any, schema: dict[str, Any]) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return value < schema.get("minimum", value) or value > schema.get("maximum", value)


def _type_error(value: Any, kinds: list[str]) -> str:
    """ "" when ``value`` is of one of ``kinds``, else the first kind's message."""
    for kind in kinds:
        if kind not in _TYPES:
            raise ValueError(f"validation does not understand type {kind!r}")
    for kind in kinds:
        python_type = _TYPES[kind][0]
        # JSON true/false are booleans, never numbers; and a number is never a boolean here.
        if isinstance(value, python_type) and (kind == "boolean" or not isinstance(value, bool)):
            return ""
    return _TYPES[kinds[0]][1]


def _format_ok(value: str, form: str) -> bool:
    try:
        if form == "date":
            return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(
                date.fromisoformat(value)
            )
        if form == "date-time":
            return bool(_RFC3339.match(value)) and bool(
                datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            )
    except ValueError:
        return False
    raise ValueError(f"validation does not understand format {form!r}")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
