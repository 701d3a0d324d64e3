"""The procedure file's schema: validation of the catalogue (procedures, their documents, fees
and form fields).

Pure module: no Flask, no database. The catalogue is data (JSON); everything that loads a
procedure into the application goes through `validate_procedure` so a typo in the data is
caught at import time, not when a citizen opens the form. Error messages of `SchemaError` are
for administrators and developers (English); the rules that clean a citizen's answers to a
procedure's form are in `app/catalogue/answers.py`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from app.catalogue.guide import GUIDE_MAX_LENGTH, normalise_guide

FIELD_TYPES = ("text", "textarea", "date", "number", "choice", "commune", "yesno")
LEVELS = ("toan_trinh", "mot_phan")
CHANNELS = ("online", "post", "counter")
DOCUMENT_KINDS = ("original", "copy", "original_or_copy")
AUTHORITY_LEVELS = ("commune", "province")

DEMO_CATALOGUE_PATH = Path(__file__).parent / "data" / "procedures.json"

# National procedure code, e.g. "1.001193" (a local instance appends the unit; not stored here).
PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}$")
IDENTIFIER_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

TEXT_FIELD_TYPES = ("text", "textarea")
_FIELD_KEYS = frozenset(
    {"name", "label", "type", "required", "help", "choices", "max_length", "min", "max"}
)
_DOCUMENT_KEYS = frozenset({"code", "name", "kind", "copies", "scan_required", "required", "note"})
_REQUIRED_PROCEDURE_KEYS = (
    "code",
    "name",
    "level",
    "authority_level",
    "competent_authority",
    "field",
    "processing_days",
    "cutoff_15h",
    "fees",
    "channels",
    "legal_basis",
    "description",
    "documents",
    "form",
)
_OPTIONAL_PROCEDURE_KEYS = ("fee_note", "processing_note", "helper_guide", "check")
_PROCEDURE_KEYS = frozenset(_REQUIRED_PROCEDURE_KEYS + _OPTIONAL_PROCEDURE_KEYS)
# Optional keys the administrator also edits in the application (the helpers' guide screen).
EDITED_IN_APP = ("helper_guide",)


class SchemaError(ValueError):
    """Catalogue data (a procedure or a form schema) is malformed."""


# ---------------------------------------------------------------------------
# Small checks


def _is_int(value: Any) -> bool:
    # bool is a subclass of int; `True` is never a valid count or amount.
    return isinstance(value, int) and not isinstance(value, bool)


def _non_empty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SchemaError(f"{where} must be true or false, got {value!r}")
    return value


def _check_text(value: Any, where: str) -> str:
    if not _non_empty_str(value):
        raise SchemaError(f"{where} must be a non-empty string")
    return value.strip()


def _optional_text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SchemaError(f"{where} must be a string")
    return value.strip()


def _helper_guide(value: Any, where: str) -> str:
    """Plain text, one step per line (app/catalogue/guide.py), at most GUIDE_MAX_LENGTH."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SchemaError(f"{where} must be a string (one step per line)")
    guide = normalise_guide(value)
    if len(guide) > GUIDE_MAX_LENGTH:
        raise SchemaError(f"{where} is longer than {GUIDE_MAX_LENGTH} characters")
    return guide


def _check_unknown_keys(data: dict, allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SchemaError(f"{where}: unknown key(s) {', '.join(unknown)}")


# ---------------------------------------------------------------------------
# Form schema


def _validate_choices(raw: Any, where: str) -> list[list[str]]:
    if not isinstance(raw, list | tuple) or not raw:
        raise SchemaError(f"{where}: a choice field needs a non-empty 'choices' list")
    choices: list[list[str]] = []
    seen: set[str] = set()
    for i, pair in enumerate(raw):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise SchemaError(f"{where}: choice #{i + 1} must be a [value, label] pair")
        value, label = pair
        if not _non_empty_str(value):
            raise SchemaError(f"{where}: choice #{i + 1} has an empty value")
        if not _non_empty_str(label):
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
    _check_unknown_keys(raw, _FIELD_KEYS, where)

    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        raise SchemaError(f"{where}: unknown type {ftype!r} (expected one of {FIELD_TYPES})")
    field: dict[str, Any] = {
        "name": name,
        "label": _check_text(raw.get("label"), f"{where}: label"),
        "type": ftype,
        "required": _check_bool(raw.get("required", False), f"{where}: required"),
        "help": _optional_text(raw.get("help"), f"{where}: help"),
    }

    if ftype == "choice":
        field["choices"] = _validate_choices(raw.get("choices"), where)
    elif "choices" in raw:
        raise SchemaError(f"{where}: 'choices' is only allowed for choice fields")

    if ftype in TEXT_FIELD_TYPES:
        max_length = raw.get("max_length")
        if max_length is not None and (not _is_int(max_length) or max_length < 1):
            raise SchemaError(f"{where}: max_length must be a positive integer")
        field["max_length"] = max_length
    elif raw.get("max_length") is not None:
        raise SchemaError(f"{where}: 'max_length' is only allowed for text and textarea fields")

    if ftype == "number":
        for bound in ("min", "max"):
            value = raw.get(bound)
            if value is not None and not _is_int(value):
                raise SchemaError(f"{where}: {bound} must be an integer")
            field[bound] = value
        if field["min"] is not None and field["max"] is not None and field["min"] > field["max"]:
            raise SchemaError(f"{where}: min ({field['min']}) is greater than max ({field['max']})")
    elif raw.get("min") is not None or raw.get("max") is not None:
        raise SchemaError(f"{where}: 'min' and 'max' are only allowed for number fields")
    return field


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


# ---------------------------------------------------------------------------
# Procedures


def _validate_document(raw: Any, index: int, where: str) -> dict:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: document #{index + 1} must be an object")
    code = raw.get("code")
    if not isinstance(code, str) or not IDENTIFIER_RE.match(code):
        raise SchemaError(
            f"{where}: document #{index + 1} code {code!r} is not a snake_case identifier"
        )
    dwhere = f"{where}: document {code!r}"
    _check_unknown_keys(raw, _DOCUMENT_KEYS, dwhere)
    kind = raw.get("kind")
    if kind not in DOCUMENT_KINDS:
        raise SchemaError(f"{dwhere}: kind {kind!r} is not one of {DOCUMENT_KINDS}")
    copies = raw.get("copies", 1)
    if not _is_int(copies) or copies < 1:
        raise SchemaError(f"{dwhere}: copies must be a positive integer")
    return {
        "code": code,
        "name": _check_text(raw.get("name"), f"{dwhere}: name"),
        "kind": kind,
        "copies": copies,
        "scan_required": _check_bool(raw.get("scan_required", False), f"{dwhere}: scan_required"),
        "required": _check_bool(raw.get("required", True), f"{dwhere}: required"),
        "note": _optional_text(raw.get("note"), f"{dwhere}: note"),
    }


def _validate_channels(raw: Any, level: str, where: str) -> list[str]:
    if not isinstance(raw, list) or not raw:
        raise SchemaError(f"{where}: channels must be a non-empty list")
    for channel in raw:
        if channel not in CHANNELS:
            raise SchemaError(f"{where}: unknown channel {channel!r}")
    if len(set(raw)) != len(raw):
        raise SchemaError(f"{where}: duplicate channel in {raw!r}")
    if level == "toan_trinh" and "online" not in raw:
        raise SchemaError(f"{where}: a toan_trinh procedure must accept online submission")
    # Keep a stable order whatever the data says.
    return [c for c in CHANNELS if c in raw]


def _validate_fees(raw: Any, channels: list[str], where: str) -> dict[str, int]:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: fees must be an object keyed by channel")
    for key in raw:
        if key not in CHANNELS:
            raise SchemaError(f"{where}: fees has an unknown channel {key!r}")
        if key not in channels:
            raise SchemaError(f"{where}: fees given for channel {key!r} which is not offered")
    fees: dict[str, int] = {}
    for channel in channels:
        if channel not in raw:
            raise SchemaError(f"{where}: fees missing for channel {channel!r}")
        amount = raw[channel]
        if not _is_int(amount) or amount < 0:
            raise SchemaError(
                f"{where}: fee for {channel!r} must be a non-negative integer (đồng), "
                f"got {amount!r}"
            )
        fees[channel] = amount
    return fees


def validate_procedure(data: dict) -> dict:
    """Check one catalogue entry and return it normalised (optional keys filled in)."""
    if not isinstance(data, dict):
        raise SchemaError("a procedure must be an object")
    code = data.get("code")
    if not isinstance(code, str) or not PROCEDURE_CODE_RE.match(code):
        raise SchemaError(f"procedure code {code!r} must look like '1.001193'")
    where = f"procedure {code}"
    _check_unknown_keys(data, _PROCEDURE_KEYS, where)
    for key in _REQUIRED_PROCEDURE_KEYS:
        if key not in data:
            raise SchemaError(f"{where}: missing key {key!r}")

    level = data["level"]
    if level not in LEVELS:
        raise SchemaError(f"{where}: level {level!r} is not one of {LEVELS}")
    authority_level = data["authority_level"]
    if authority_level not in AUTHORITY_LEVELS:
        raise SchemaError(
            f"{where}: authority_level {authority_level!r} is not one of {AUTHORITY_LEVELS}"
        )
    days = data["processing_days"]
    if not _is_int(days) or days < 0:
        raise SchemaError(f"{where}: processing_days must be a non-negative integer")

    channels = _validate_channels(data["channels"], level, where)
    fees = _validate_fees(data["fees"], channels, where)

    legal_basis = data["legal_basis"]
    if not isinstance(legal_basis, list) or not legal_basis:
        raise SchemaError(f"{where}: legal_basis must be a non-empty list")
    legal = [_check_text(item, f"{where}: legal_basis entry") for item in legal_basis]

    documents_raw = data["documents"]
    if not isinstance(documents_raw, list) or not documents_raw:
        raise SchemaError(f"{where}: documents must be a non-empty list")
    documents = [_validate_document(d, i, where) for i, d in enumerate(documents_raw)]
    codes = [d["code"] for d in documents]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise SchemaError(f"{where}: duplicate document code(s) {', '.join(duplicates)}")

    try:
        form = validate_form_schema(data["form"])
    except SchemaError as exc:
        raise SchemaError(f"{where}: {exc}") from exc
    if not form:
        raise SchemaError(f"{where}: form must have at least one field")

    check = data.get("check", [])
    if not isinstance(check, list) or not all(isinstance(k, str) for k in check):
        raise SchemaError(f"{where}: check must be a list of key names")
    for key in check:
        if key not in _PROCEDURE_KEYS or key == "check":
            raise SchemaError(f"{where}: check names an unknown key {key!r}")

    return {
        "code": code,
        "name": _check_text(data["name"], f"{where}: name"),
        "level": level,
        "authority_level": authority_level,
        "competent_authority": _check_text(
            data["competent_authority"], f"{where}: competent_authority"
        ),
        "field": _check_text(data["field"], f"{where}: field"),
        "processing_days": days,
        "processing_note": _optional_text(data.get("processing_note"), f"{where}: processing_note"),
        "cutoff_15h": _check_bool(data["cutoff_15h"], f"{where}: cutoff_15h"),
        "fees": fees,
        "fee_note": _optional_text(data.get("fee_note"), f"{where}: fee_note"),
        "channels": channels,
        "legal_basis": legal,
        "description": _check_text(data["description"], f"{where}: description"),
        "documents": documents,
        "form": form,
        "helper_guide": _helper_guide(data.get("helper_guide"), f"{where}: helper_guide"),
        "check": list(dict.fromkeys(check)),
    }


def validate_catalogue(items: Any) -> list[dict]:
    """Validate a list of procedures and check that their codes are unique."""
    if not isinstance(items, list):
        raise SchemaError("the catalogue must be a JSON list of procedures")
    procedures: list[dict] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            procedure = validate_procedure(item)
        except SchemaError as exc:
            raise SchemaError(f"catalogue entry #{index + 1}: {exc}") from exc
        if procedure["code"] in seen:
            raise SchemaError(f"catalogue: procedure code {procedure['code']} appears twice")
        seen.add(procedure["code"])
        procedures.append(procedure)
    return procedures


def _read(path: Path | None) -> list[Any]:
    source = Path(path) if path is not None else DEMO_CATALOGUE_PATH
    try:
        return json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{source.name}: invalid JSON ({exc})") from exc


def load_demo_catalogue(path: Path | None = None) -> list[dict]:
    """Read and validate the demo catalogue (data/procedures.json beside this module)."""
    return validate_catalogue(_read(path))


def load_catalogue_file(path: Path | None = None) -> list[dict]:
    """Read and validate a catalogue file to load into a live database. An entry that leaves
    out a key the administrator also edits in the application (``EDITED_IN_APP``) comes back
    without it, so that loading the file keeps what they wrote."""
    items = _read(path)
    procedures = validate_catalogue(items)
    for item, procedure in zip(items, procedures, strict=True):
        for key in EDITED_IN_APP:
            if key not in item:
                del procedure[key]
    return procedures
