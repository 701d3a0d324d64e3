"""What the catalogue file's checks share: the error they raise and the small checks of one
value. Pure module: no Flask, no database."""

from __future__ import annotations

import re
from typing import Any

IDENTIFIER_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


class SchemaError(ValueError):
    """Catalogue data (a procedure or a form schema) is malformed."""


def is_int(value: Any) -> bool:
    # bool is a subclass of int; `True` is never a valid count or amount.
    return isinstance(value, int) and not isinstance(value, bool)


def non_empty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def check_bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SchemaError(f"{where} must be true or false, got {value!r}")
    return value


def check_text(value: Any, where: str) -> str:
    if not non_empty_str(value):
        raise SchemaError(f"{where} must be a non-empty string")
    return value.strip()


def optional_text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SchemaError(f"{where} must be a string")
    return value.strip()


def check_unknown_keys(data: dict, allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SchemaError(f"{where}: unknown key(s) {', '.join(unknown)}")
