"""What a catalogue file changes in the database: the new procedures and, per changed procedure,
the fields, documents and form fields that differ, old → new (``flask catalogue sync``).

Pure module: it compares plain dicts shaped like ``validate_procedure``'s result (the file's,
and the database's as ``app/catalogue/queries.py`` reads it) and words the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# The procedure's own fields, in the order the report lists them.
FIELDS = (
    "name",
    "level",
    "authority_level",
    "competent_authority",
    "field",
    "processing_days",
    "processing_note",
    "cutoff_15h",
    "channels",
    "fees",
    "fee_note",
    "fee_timing",
    "legal_basis",
    "description",
    "helper_guide",
    "check",
)
_SHOWN = 70  # characters of a value the report shows


@dataclass(frozen=True)
class Change:
    """One value that changes; ``old`` or ``new`` is None when the thing is added or removed."""

    what: str  # "fees.post", "documents.to_khai.name", "form.ho_ten"
    old: Any
    new: Any


@dataclass(frozen=True)
class ProcedureChanges:
    code: str
    name: str
    fields: list[Change] = field(default_factory=list)
    documents_added: list[dict[str, Any]] = field(default_factory=list)
    documents_removed: list[dict[str, Any]] = field(default_factory=list)
    documents_changed: list[Change] = field(default_factory=list)
    form: list[Change] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(
            (
                self.fields,
                self.documents_added,
                self.documents_removed,
                self.documents_changed,
                self.form,
            )
        )


@dataclass(frozen=True)
class CatalogueChanges:
    new: list[dict[str, Any]]  # the file's entries to add
    changed: list[tuple[dict[str, Any], ProcedureChanges]]  # the file's entry, what changes
    unchanged: list[str]  # codes
    missing: list[tuple[str, str]]  # (code, name) in the database, not in the file: kept

    @property
    def to_write(self) -> list[dict[str, Any]]:
        return self.new + [entry for entry, _ in self.changed]


def _by_key(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def _order(old: list[str], new: list[str]) -> Change | None:
    """The new order of the items both lists keep, when it differs."""
    kept_old = [k for k in old if k in new]
    kept_new = [k for k in new if k in old]
    return Change("", kept_old, kept_new) if kept_old != kept_new else None


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    found = []
    for name in FIELDS:
        if name not in new:  # a key the file leaves to the application (the helpers' guide)
            continue
        if name == "fees":
            for channel in sorted(set(old["fees"]) | set(new["fees"])):
                before, after = old["fees"].get(channel), new["fees"].get(channel)
                if before != after:
                    found.append(Change(f"fees.{channel}", before, after))
        elif old.get(name) != new[name]:
            found.append(Change(name, old.get(name), new[name]))
    return found


def _item_changes(
    prefix: str, old: list[dict[str, Any]], new: list[dict[str, Any]], key: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Change]]:
    """Items (documents by code, form fields by name) added, removed and changed."""
    before, after = _by_key(old, key), _by_key(new, key)
    added = [item for item in new if item[key] not in before]
    removed = [item for item in old if item[key] not in after]
    changed = []
    for item in new:
        was = before.get(item[key])
        if was is None:
            continue
        for attribute in sorted(set(was) | set(item)):
            if was.get(attribute) != item.get(attribute):
                changed.append(
                    Change(
                        f"{prefix}.{item[key]}.{attribute}", was.get(attribute), item.get(attribute)
                    )
                )
    order = _order([i[key] for i in old], [i[key] for i in new])
    if order is not None:
        changed.append(Change(f"{prefix} (thứ tự)", order.old, order.new))
    return added, removed, changed


def _form_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    added, removed, changed = _item_changes("form", old, new, "name")
    return (
        [Change(f"form.{item['name']}", None, item) for item in added]
        + [Change(f"form.{item['name']}", item, None) for item in removed]
        + changed
    )


def procedure_changes(old: dict[str, Any], new: dict[str, Any]) -> ProcedureChanges:
    """What changes when the database's ``old`` procedure becomes the file's ``new``."""
    added, removed, changed = _item_changes("documents", old["documents"], new["documents"], "code")
    return ProcedureChanges(
        code=new["code"],
        name=new["name"],
        fields=_field_changes(old, new),
        documents_added=added,
        documents_removed=removed,
        documents_changed=changed,
        form=_form_changes(old["form"], new["form"]),
    )


def compare(current: dict[str, dict[str, Any]], wanted: list[dict[str, Any]]) -> CatalogueChanges:
    """``current``: the database's procedures by code; ``wanted``: the file's, validated."""
    new, changed, unchanged = [], [], []
    for entry in wanted:
        old = current.get(entry["code"])
        if old is None:
            new.append(entry)
            continue
        changes = procedure_changes(old, entry)
        if changes:
            changed.append((entry, changes))
        else:
            unchanged.append(entry["code"])
    in_file = {entry["code"] for entry in wanted}
    missing = [(code, old["name"]) for code, old in current.items() if code not in in_file]
    return CatalogueChanges(new, changed, unchanged, sorted(missing))


# --- the report ---------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _document(item: dict[str, Any]) -> str:
    return f"{item['code']} ({item['name']})"


def _procedure_lines(changes: ProcedureChanges) -> list[str]:
    lines = [f"  ~ {changes.code} {changes.name}"]
    for change in changes.fields + changes.documents_changed + changes.form:
        lines.append(f"      {change.what}: {_shown(change.old)} → {_shown(change.new)}")
    lines += [f"      giấy tờ thêm: {_document(item)}" for item in changes.documents_added]
    lines += [f"      giấy tờ bỏ: {_document(item)}" for item in changes.documents_removed]
    return lines


def report(changes: CatalogueChanges) -> list[str]:
    """The lines ``flask catalogue sync`` prints (in Vietnamese, field names as in the file)."""
    lines = []
    if changes.new:
        lines.append(f"Thủ tục mới ({len(changes.new)}):")
        lines += [f"  + {entry['code']} {entry['name']}" for entry in changes.new]
    if changes.changed:
        lines.append(f"Thủ tục thay đổi ({len(changes.changed)}):")
        for _, procedure in changes.changed:
            lines += _procedure_lines(procedure)
    if changes.missing:
        lines.append(f"Thủ tục không có trong tệp, giữ nguyên ({len(changes.missing)}):")
        lines += [f"  = {code} {name}" for code, name in changes.missing]
    if changes.unchanged:
        lines.append(f"Không đổi: {len(changes.unchanged)} thủ tục.")
    if not changes.to_write:
        lines.append("Không có thay đổi nào.")
    return lines
