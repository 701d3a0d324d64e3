"""The procedure file's schema: validation of the catalogue (procedures, their documents, fees
and form fields).

Pure module: no Flask, no database. The catalogue is data (JSON); everything that loads a
procedure into the application goes through `validate_procedure` so a typo in the data is
caught at import time, not when a citizen opens the form. Error messages of `SchemaError` are
for administrators and developers (English); the rules that clean a citizen's answers to a
procedure's form are in `app/catalogue/answers.py`, the form schema in `app/catalogue/fields.py`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from app.catalogue.checks import (
    IDENTIFIER_RE,
    SchemaError,
    check_bool,
    check_text,
    check_unknown_keys,
    is_int,
    optional_text,
)
from app.catalogue.fields import validate_form_schema
from app.catalogue.guide import GUIDE_MAX_LENGTH, normalise_guide

LEVELS = ("toan_trinh", "mot_phan")
CHANNELS = ("online", "post", "counter")
DOCUMENT_KINDS = ("original", "copy", "original_or_copy")
AUTHORITY_LEVELS = ("commune", "province")
# When a fee is paid (Procedure.fee_timing): before the dossier is accepted for processing, or
# before the result is handed over. Left out, a procedure's fee is paid before processing.
FEE_TIMINGS = ("before_processing", "before_result")
DEFAULT_FEE_TIMING = "before_processing"

DEMO_CATALOGUE_PATH = Path(__file__).parent / "data" / "procedures.json"

# National procedure code, e.g. "1.001193" (a local instance appends the unit; not stored here).
PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}$")

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
_OPTIONAL_PROCEDURE_KEYS = (
    "fee_note",
    "fee_timing",
    "processing_note",
    "helper_guide",
    "check",
)
_PROCEDURE_KEYS = frozenset(_REQUIRED_PROCEDURE_KEYS + _OPTIONAL_PROCEDURE_KEYS)
# Optional keys the administrator also edits in the application (the helpers' guide screen).
EDITED_IN_APP = ("helper_guide",)


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
    check_unknown_keys(raw, _DOCUMENT_KEYS, dwhere)
    kind = raw.get("kind")
    if kind not in DOCUMENT_KINDS:
        raise SchemaError(f"{dwhere}: kind {kind!r} is not one of {DOCUMENT_KINDS}")
    copies = raw.get("copies", 1)
    if not is_int(copies) or copies < 1:
        raise SchemaError(f"{dwhere}: copies must be a positive integer")
    return {
        "code": code,
        "name": check_text(raw.get("name"), f"{dwhere}: name"),
        "kind": kind,
        "copies": copies,
        "scan_required": check_bool(raw.get("scan_required", False), f"{dwhere}: scan_required"),
        "required": check_bool(raw.get("required", True), f"{dwhere}: required"),
        "note": optional_text(raw.get("note"), f"{dwhere}: note"),
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
        if not is_int(amount) or amount < 0:
            raise SchemaError(
                f"{where}: fee for {channel!r} must be a non-negative integer (đồng), "
                f"got {amount!r}"
            )
        fees[channel] = amount
    return fees


def _validate_legal_basis(legal_basis: Any, where: str) -> list[str]:
    if not isinstance(legal_basis, list) or not legal_basis:
        raise SchemaError(f"{where}: legal_basis must be a non-empty list")
    return [check_text(item, f"{where}: legal_basis entry") for item in legal_basis]


def _validate_documents(documents_raw: Any, where: str) -> list[dict]:
    if not isinstance(documents_raw, list) or not documents_raw:
        raise SchemaError(f"{where}: documents must be a non-empty list")
    documents = [_validate_document(d, i, where) for i, d in enumerate(documents_raw)]
    codes = [d["code"] for d in documents]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise SchemaError(f"{where}: duplicate document code(s) {', '.join(duplicates)}")
    return documents


def _validate_form(raw: Any, where: str) -> list[dict]:
    try:
        form = validate_form_schema(raw)
    except SchemaError as exc:
        raise SchemaError(f"{where}: {exc}") from exc
    if not form:
        raise SchemaError(f"{where}: form must have at least one field")
    return form


def _validate_check(check: Any, where: str) -> list[str]:
    if not isinstance(check, list) or not all(isinstance(k, str) for k in check):
        raise SchemaError(f"{where}: check must be a list of key names")
    for key in check:
        if key not in _PROCEDURE_KEYS or key == "check":
            raise SchemaError(f"{where}: check names an unknown key {key!r}")
    return check


def validate_procedure(data: dict) -> dict:
    """Check one catalogue entry and return it normalised (optional keys filled in)."""
    if not isinstance(data, dict):
        raise SchemaError("a procedure must be an object")
    code = data.get("code")
    if not isinstance(code, str) or not PROCEDURE_CODE_RE.match(code):
        raise SchemaError(f"procedure code {code!r} must look like '1.001193'")
    where = f"procedure {code}"
    check_unknown_keys(data, _PROCEDURE_KEYS, where)
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
    if not is_int(days) or days < 0:
        raise SchemaError(f"{where}: processing_days must be a non-negative integer")

    channels = _validate_channels(data["channels"], level, where)
    fees = _validate_fees(data["fees"], channels, where)

    legal = _validate_legal_basis(data["legal_basis"], where)
    documents = _validate_documents(data["documents"], where)
    form = _validate_form(data["form"], where)
    check = _validate_check(data.get("check", []), where)
    fee_timing = data.get("fee_timing", DEFAULT_FEE_TIMING)
    if fee_timing not in FEE_TIMINGS:
        raise SchemaError(f"{where}: fee_timing {fee_timing!r} is not one of {FEE_TIMINGS}")

    return {
        "code": code,
        "name": check_text(data["name"], f"{where}: name"),
        "level": level,
        "authority_level": authority_level,
        "competent_authority": check_text(
            data["competent_authority"], f"{where}: competent_authority"
        ),
        "field": check_text(data["field"], f"{where}: field"),
        "processing_days": days,
        "processing_note": optional_text(data.get("processing_note"), f"{where}: processing_note"),
        "cutoff_15h": check_bool(data["cutoff_15h"], f"{where}: cutoff_15h"),
        "fees": fees,
        "fee_note": optional_text(data.get("fee_note"), f"{where}: fee_note"),
        "fee_timing": fee_timing,
        "channels": channels,
        "legal_basis": legal,
        "description": check_text(data["description"], f"{where}: description"),
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
