"""A procedure's form schema: the fields a citizen fills in (text, date, number, choice, commune
picker, yes/no), checked and normalised. Pure module: no Flask, no database."""

from __future__ import annotations

from typing import Any

from app.catalogue.checks import (
    IDENTIFIER_RE,
    SchemaError,
    check_bool,
    check_text,
    check_unknown_keys,
    is_int,
    non_empty_str,
    optional_text,
)

FIELD_TYPES = ("text", "textarea", "date", "number", "choice", "commune", "yesno")
TEXT_FIELD_TYPES = ("text", "textarea")
_FIELD_KEYS = frozenset(
    {"name", "label", "type", "required", "help", "choices", "max_length", "min", "max"}
)


def _validate_choices(raw: Any, where: str) -> list[list[str]]:
    if not isinstance(raw, list | tuple) or not raw:
        raise SchemaError(f"{where}: a choice field needs a non-empty 'choices' list")
    choices: list[list[str]] = []
    seen: set[str] = set()
    for i, pair in enumerate(raw):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise SchemaError(f"{where}: choice #{i + 1} must be a [value, label] pair")
        value, label = pair
        if not non_empty_str(value):
            raise SchemaError(f"{where}: choice #{i + 1} has an empty value")
        if not non_empty_str(label):
            raise SchemaError(f"{where}: choice {value!r} has an empty label")
        value = value.strip()
        if value in seen:
            raise SchemaError(f"{where}: duplicate choice value {value!r}")
        seen.add(value)
        choices.append([value, label.strip()])
    return choices


def _validate_field(raw: Any, index: int) -> dict:
    if not isinstance(raw, dict):
        raise SchemaError(f"form field #{index + 1} must be an object")
    name = raw.get("name")
    if not isinstance(name, str) or not IDENTIFIER_RE.match(name):
        raise SchemaError(
            f"form field #{index + 1}: name {name!r} is not a snake_case ASCII identifier"
        )
    where = f"form field {name!r}"
    check_unknown_keys(raw, _FIELD_KEYS, where)

    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        raise SchemaError(f"{where}: unknown type {ftype!r} (expected one of {FIELD_TYPES})")
    field: dict[str, Any] = {
        "name": name,
        "label": check_text(raw.get("label"), f"{where}: label"),
        "type": ftype,
        "required": check_bool(raw.get("required", False), f"{where}: required"),
        "help": optional_text(raw.get("help"), f"{where}: help"),
    }

    field.update(_choice_keys(raw, ftype, where))
    field.update(_text_keys(raw, ftype, where))
    field.update(_number_keys(raw, ftype, where))
    return field


def _choice_keys(raw: dict, ftype: str, where: str) -> dict[str, Any]:
    if ftype == "choice":
        return {"choices": _validate_choices(raw.get("choices"), where)}
    if "choices" in raw:
        raise SchemaError(f"{where}: 'choices' is only allowed for choice fields")
    return {}


def _text_keys(raw: dict, ftype: str, where: str) -> dict[str, Any]:
    max_length = raw.get("max_length")
    if ftype not in TEXT_FIELD_TYPES:
        if max_length is not None:
            raise SchemaError(f"{where}: 'max_length' is only allowed for text and textarea fields")
        return {}
    if max_length is not None and (not is_int(max_length) or max_length < 1):
        raise SchemaError(f"{where}: max_length must be a positive integer")
    return {"max_length": max_length}


def _number_keys(raw: dict, ftype: str, where: str) -> dict[str, Any]:
    low, high = raw.get("min"), raw.get("max")
    if ftype != "number":
        if low is not None or high is not None:
            raise SchemaError(f"{where}: 'min' and 'max' are only allowed for number fields")
        return {}
    for bound, value in (("min", low), ("max", high)):
        if value is not None and not is_int(value):
            raise SchemaError(f"{where}: {bound} must be an integer")
    if low is not None and high is not None and low > high:
        raise SchemaError(f"{where}: min ({low}) is greater than max ({high})")
    return {"min": low, "max": high}


def validate_form_schema(fields: list[dict]) -> list[dict]:
    """Check a procedure's form schema and return it normalised.

    Defaults are filled in (`required` False, `help` ""; `max_length` None for text types;
    `min`/`max` None for numbers). The result validates again unchanged.
    """
    if not isinstance(fields, list):
        raise SchemaError("form schema must be a list of fields")
    result: list[dict] = []
    seen: set[str] = set()
    for index, raw in enumerate(fields):
        field = _validate_field(raw, index)
        if field["name"] in seen:
            raise SchemaError(f"form field {field['name']!r} is defined twice")
        seen.add(field["name"])
        result.append(field)
    return result
