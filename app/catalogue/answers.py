"""The rules that clean a citizen's answers to a procedure's form (fields declared as data,
app/catalogue/schema.py).

Pure module: no Flask, no database. Its error messages are shown to citizens (Vietnamese).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from app.catalogue.fields import TEXT_FIELD_TYPES, validate_form_schema
from app.core.dates import DatePartsError, joined, parse_parts, split_value, typed_parts

# Citizen-facing messages (Vietnamese).
MSG_REQUIRED_INPUT = "Vui lòng nhập {label}."
MSG_REQUIRED_CHOICE = "Vui lòng chọn {label}."
MSG_BAD_DATE = "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm."
MSG_BAD_CHOICE = "Vui lòng chọn một giá trị trong danh sách."
MSG_BAD_INT = "Giá trị phải là số nguyên."
MSG_TOO_SMALL = "Giá trị phải từ {min} trở lên."
MSG_TOO_LARGE = "Giá trị không được lớn hơn {max}."
MSG_TOO_LONG = "Không được nhập quá {max_length} ký tự (hiện có {length} ký tự)."
MSG_BAD_YESNO = "Vui lòng chọn Có hoặc Không."

_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_MAX_DIGITS = 15


def parse_date(value: str) -> date | None:
    """Parse "YYYY-MM-DD" (from <input type=date>) or "dd/mm/yyyy"; None if invalid."""
    value = value.strip()
    match = _ISO_DATE_RE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _VN_DATE_RE.match(value)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


Cleaned = tuple[Any, str | None]  # (clean value, None) or (None, Vietnamese error message)


def _clean_text(field: dict, value: str) -> Cleaned:
    max_length = field.get("max_length")
    if max_length is not None and len(value) > max_length:
        return None, MSG_TOO_LONG.format(max_length=max_length, length=len(value))
    return value, None


# Dates that cannot be after today: a birth, a death.
_PAST_SUFFIXES = ("birth_date", "death_date")


def raw_answers(fields: list[dict], form: Mapping[str, Any]) -> dict[str, str]:
    """The answers as posted: one value per field; a date typed in three boxes
    (``name-ngay``, ``name-thang``, ``name-nam``) joined as "d/m/y", kept as typed."""
    raw: dict[str, str] = {}
    for field in fields:
        name = field["name"]
        parts = typed_parts(form, name) if field["type"] == "date" else ("", "", "")
        raw[name] = joined(parts) if any(parts) else str(form.get(name) or "")
    return raw


def _clean_date(field: dict, value: str, today: date | None = None) -> Cleaned:
    """Three boxes joined "d/m/y", an ISO date (the API, stored answers) or dd.mm.yyyy."""
    parts = split_value(value)
    if not any(parts):
        parsed = parse_date(value)
        if parsed is None:
            return None, MSG_BAD_DATE
        parts = split_value(parsed)
    past = field["name"].endswith(_PAST_SUFFIXES)
    try:
        result = parse_parts(
            parts,
            what=field["label"],
            year_word="Năm sinh" if "birth" in field["name"] else "Năm",
            latest=today if past else None,
        )
    except DatePartsError as error:
        return None, str(error)
    return (None, MSG_BAD_DATE) if result is None else (result.isoformat(), None)


def _clean_number(field: dict, value: str) -> Cleaned:
    compact = value.replace(" ", "")
    if not _INT_RE.match(compact):
        return None, MSG_BAD_INT
    if len(compact.lstrip("+-")) > _MAX_DIGITS:
        # Far beyond any real answer; also keeps int() away from its digit limit.
        if field.get("max") is not None:
            return None, MSG_TOO_LARGE.format(max=field["max"])
        return None, MSG_BAD_INT
    number = int(compact)
    if field.get("min") is not None and number < field["min"]:
        return None, MSG_TOO_SMALL.format(min=field["min"])
    if field.get("max") is not None and number > field["max"]:
        return None, MSG_TOO_LARGE.format(max=field["max"])
    return number, None


def _clean_choice(field: dict, value: str) -> Cleaned:
    if value not in {choice[0] for choice in field["choices"]}:
        return None, MSG_BAD_CHOICE
    return value, None


def _clean_yesno(field: dict, value: str) -> Cleaned:
    answer = {"yes": True, "no": False}.get(value.lower())
    return (None, MSG_BAD_YESNO) if answer is None else (answer, None)


def _clean_commune(field: dict, value: str) -> Cleaned:
    return value, None  # any non-empty code; the caller checks that it exists


_CLEANERS = {
    "number": _clean_number,
    "choice": _clean_choice,
    "yesno": _clean_yesno,
    "commune": _clean_commune,
}


def _clean_one(field: dict, value: str, today: date | None) -> Cleaned:
    """Return (clean value, None) or (None, Vietnamese error message) for a non-empty value."""
    if field["type"] in TEXT_FIELD_TYPES:
        return _clean_text(field, value)
    if field["type"] == "date":
        return _clean_date(field, value, today)
    return _CLEANERS[field["type"]](field, value)


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Xã, phường…" -> "xã, phường…", but "CCCD…" stays."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def clean_answers(
    fields: list[dict], raw: dict[str, str], today: date | None = None
) -> tuple[dict, dict[str, str]]:
    """Validate a citizen's answers against a form schema.

    Returns (clean, errors). `clean` holds JSON-serialisable values for every field that
    passed: text stripped, date "YYYY-MM-DD", number int, yesno bool, choice value, commune
    code string; an optional field left empty gives "" for text types and None otherwise.
    `errors` maps field name to a Vietnamese message. Keys of `raw` that are not fields
    (e.g. a CSRF token) are ignored. With ``today``, a birth or death date after it is refused.
    """
    schema = validate_form_schema(fields)
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in schema:
        name = field["name"]
        value = raw.get(name)
        # NUL bytes cannot be stored in PostgreSQL text columns.
        value = "" if value is None else str(value).replace("\x00", "").strip()
        if value == "":
            if field["required"]:
                template = MSG_REQUIRED_INPUT
                if field["type"] in ("choice", "commune", "yesno"):
                    template = MSG_REQUIRED_CHOICE
                errors[name] = template.format(label=_in_sentence(field["label"]))
            else:
                clean[name] = "" if field["type"] in TEXT_FIELD_TYPES else None
            continue
        result, error = _clean_one(field, value, today)
        if error is not None:
            errors[name] = error
        else:
            clean[name] = result
    return clean, errors
