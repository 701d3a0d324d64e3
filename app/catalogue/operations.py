"""Catalogue writes: units (from the national list, and by the administrator), procedures from
declarative data, the helpers' guide of a procedure. They flush; the caller commits."""

from __future__ import annotations

import re
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import geo
from app.catalogue import usage
from app.catalogue.banks import bank_name, clean_account_name, clean_account_number
from app.catalogue.guide import GUIDE_MAX_LENGTH, normalise_guide
from app.catalogue.models import (
    UNIT_KINDS,
    CollectionAccount,
    Procedure,
    RequiredDocument,
    Unit,
)
from app.catalogue.queries import province_centre_code, unit_by_code, unit_of_commune
from app.catalogue.schema import validate_procedure
from app.core.errors import Invalid
from app.core.text import fold, normalise_spaces
from app.extensions import db

# QCVN 102:2016/BTTTT code of an agency: three groups of digits and the tree letter + 2 digits.
UNIT_CODE_PATTERN: Final = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}", re.ASCII)


def commune_unit_code(index: int, tree: str) -> str:
    """Demo QCVN 102-style code for the n-th commune centre (1-based): 000.NN.NN.<tree>."""
    return f"000.{index // 100:02d}.{index % 100:02d}.{tree}"


def sync_units(province_code: int, tree: str) -> int:
    """Create the provincial centre and one centre per commune of the province (idempotent)."""
    province_name = dict(geo.provinces())[province_code]
    existing = {u.code for u in db.session.scalars(select(Unit))}
    wanted = [
        Unit(
            code=province_centre_code(tree),
            name=f"Trung tâm Phục vụ hành chính công tỉnh {province_name}",
            kind="province_centre",
            parent_name=f"UBND TỈNH {province_name.upper()}",
        )
    ]
    by_code = sorted(geo.communes(province_code), key=lambda c: int(c.code))
    for index, place in enumerate(by_code, start=1):
        lower = place.name[0].lower() + place.name[1:]
        wanted.append(
            Unit(
                code=commune_unit_code(index, tree),
                name=f"Trung tâm Phục vụ hành chính công {lower}",
                kind="commune_centre",
                commune_code=place.code,
                parent_name=f"UBND {place.name.upper()}",
                address=place.full_name,
            )
        )
    added = [u for u in wanted if u.code not in existing]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


def upsert_procedure(data: dict[str, Any]) -> Procedure:
    """Create or update a procedure from its declarative description: every field the data
    holds, its required documents and its form. The helpers' guide changes only when the data
    holds one; ``is_active`` and the supplement rule are the installation's, never touched."""
    clean = validate_procedure(data)
    procedure = db.session.scalar(select(Procedure).filter_by(code=clean["code"]))
    if procedure is None:
        procedure = Procedure(code=clean["code"])
        db.session.add(procedure)
    procedure.name = clean["name"]
    procedure.search_text = fold(f"{clean['name']} {clean['code']} {clean.get('field', '')}")
    procedure.level = clean["level"]
    procedure.authority_level = clean["authority_level"]
    procedure.competent_authority = clean["competent_authority"]
    procedure.field = clean.get("field", "")
    procedure.processing_days = clean["processing_days"]
    procedure.processing_note = clean.get("processing_note") or ""
    procedure.cutoff_15h = clean["cutoff_15h"]
    fees = clean["fees"]
    procedure.fee_online = fees.get("online", 0)
    procedure.fee_post = fees.get("post", 0)
    procedure.fee_counter = fees.get("counter", 0)
    procedure.fee_note = clean.get("fee_note") or ""
    procedure.fee_timing = clean["fee_timing"]
    procedure.channels = list(clean["channels"])
    procedure.legal_basis = list(clean["legal_basis"])
    procedure.description = clean.get("description") or ""
    procedure.form_schema = clean["form"]
    procedure.to_verify = list(clean.get("check") or [])
    if "helper_guide" in data or procedure.helper_guide is None:
        # A file that leaves the guide out keeps the one the administrator wrote.
        procedure.helper_guide = clean["helper_guide"]
    _set_documents(procedure, clean["documents"])
    db.session.flush()
    return procedure


def _set_documents(procedure: Procedure, documents: list[dict[str, Any]]) -> None:
    """The procedure's required documents as listed, in that order. A document keeps its row
    (matched by code, which the dossiers' attachments name); one no longer listed goes."""
    rows = {row.code: row for row in procedure.documents}
    kept = []
    for position, doc in enumerate(documents):
        row = rows.get(doc["code"]) or RequiredDocument(code=doc["code"])
        row.name = doc["name"]
        row.kind = doc["kind"]
        row.copies = doc.get("copies", 1)
        row.scan_required = doc.get("scan_required", True)
        row.is_required = doc.get("required", True)
        row.note = doc.get("note") or ""
        row.position = position
        kept.append(row)
    procedure.documents = kept


# --- units, by the administrator ----------------------------------------------------------------


def _check_unit(
    unit: Unit | None,
    *,
    code: str,
    kind: str,
    commune_code: str,
    province_code: int,
    province_tree: str,
) -> None:
    if not UNIT_CODE_PATTERN.fullmatch(code):
        raise Invalid(
            "Mã đơn vị chưa đúng mẫu QCVN 102:2016: 3 chữ số, 2 chữ số, 2 chữ số và một chữ cái "
            "in hoa kèm 2 chữ số, cách nhau bằng dấu chấm (ví dụ 000.00.15.H40).",
            "code",
        )
    other = unit_by_code(code)
    if other is not None and other is not unit:
        raise Invalid(f"Mã {code} đã được dùng cho “{other.name}”.", "code")
    if unit is not None and code != unit.code:
        if unit.code == province_centre_code(province_tree):
            raise Invalid(
                "Không đổi được mã của Trung tâm cấp tỉnh: hồ sơ gửi về tỉnh được tiếp nhận "
                "theo mã này.",
                "code",
            )
        if usage.dossier_count(unit.id) or usage.issued_codes(unit.id):
            raise Invalid(
                "Không đổi được mã vì đơn vị đã có hồ sơ mang mã này. Mã hồ sơ đã cấp phải "
                "giữ nguyên.",
                "code",
            )
    if kind not in UNIT_KINDS:
        raise Invalid("Vui lòng chọn loại đơn vị.", "kind")
    if kind == "commune_centre" and commune_code:
        place = geo.commune(commune_code)
        if place is None or place.province_code != province_code:
            raise Invalid("Xã, phường đã chọn không thuộc tỉnh này.", "commune_code")
        holder = unit_of_commune(commune_code)
        if holder is not None and holder is not unit:
            raise Invalid(
                f"Xã, phường này đã có trung tâm: “{holder.name}”. Một điểm tiếp nhận thêm của "
                "xã thì để trống ô này.",
                "commune_code",
            )
    elif commune_code:
        raise Invalid(
            "Trung tâm cấp tỉnh không gắn với một xã; hãy để trống ô này.", "commune_code"
        )


def _default_parent_name(kind: str, commune_code: str, province_code: int) -> str:
    if kind == "commune_centre":
        place = geo.commune(commune_code)
        return f"UBND {place.name.upper()}" if place else ""
    province = dict(geo.provinces()).get(province_code, "")
    return f"UBND TỈNH {province.upper()}" if province else ""


def save_unit(
    unit: Unit | None,
    *,
    code: str,
    name: str,
    kind: str,
    commune_code: str = "",
    parent_name: str = "",
    address: str = "",
    support_phone: str = "",
    online_target: float | None = None,
    province_code: int,
    province_tree: str,
) -> Unit:
    """Create (``unit`` None) or update a unit. Raises :class:`Invalid`."""
    code = code.strip().upper()
    name = normalise_spaces(name)
    commune_code = (commune_code or "").strip()
    if not name:
        raise Invalid("Vui lòng nhập tên đơn vị.", "name")
    _check_unit(
        unit,
        code=code,
        kind=kind,
        commune_code=commune_code,
        province_code=province_code,
        province_tree=province_tree,
    )
    if unit is None:
        unit = Unit(code=code)
        db.session.add(unit)
    unit.code = code
    unit.name = name
    unit.kind = kind
    unit.commune_code = commune_code or None
    unit.parent_name = normalise_spaces(parent_name) or _default_parent_name(
        kind, commune_code, province_code
    )
    unit.address = normalise_spaces(address)
    unit.support_phone = normalise_spaces(support_phone)
    unit.online_target = online_target
    db.session.flush()
    return unit


def delete_unit(unit: Unit, province_tree: str) -> None:
    """Delete a unit nobody works in and no dossier ever went through."""
    if unit.code == province_centre_code(province_tree):
        raise Invalid(
            "Không thể xóa Trung tâm cấp tỉnh: mọi hồ sơ không thuộc một xã được tiếp nhận tại đây."
        )
    dossiers = usage.dossier_count(unit.id)
    if dossiers or usage.issued_codes(unit.id):
        raise Invalid(
            f"Không thể xóa “{unit.name}” vì đơn vị đã tiếp nhận hoặc đang giữ hồ sơ"
            f"{f' ({dossiers} hồ sơ)' if dossiers else ''}. Hồ sơ phải được lưu giữ cùng đơn vị "
            "đã xử lý; bạn có thể sửa tên, địa chỉ của đơn vị nếu cần."
        )
    staff = usage.staff_count(unit.id)
    if staff:
        raise Invalid(
            f"Không thể xóa “{unit.name}” vì còn {staff} cán bộ thuộc đơn vị. Hãy chuyển các "
            "cán bộ này sang đơn vị khác trước, rồi xóa lại."
        )
    try:
        with db.session.begin_nested():
            if unit.collection_account is not None:  # no dossier ever paid into it
                db.session.delete(unit.collection_account)
            db.session.delete(unit)
            db.session.flush()
    except IntegrityError as error:  # a reference this module does not know about yet
        raise Invalid(
            f"Không thể xóa “{unit.name}” vì đơn vị vẫn đang được dữ liệu khác sử dụng."
        ) from error


# --- the account a unit collects fees into -----------------------------------------------------


def save_collection_account(
    unit: Unit, *, bank_bin: str, account_number: str, account_name: str
) -> CollectionAccount:
    """Create or replace ``unit``'s collection account (the VietQR on its dossiers' payment
    pages and receipts names it). Raises :class:`Invalid` tied to the field."""
    bank = bank_name(bank_bin or "")
    if bank is None:
        raise Invalid("Vui lòng chọn ngân hàng giữ tài khoản thu phí.", "bank_bin")
    number = clean_account_number(account_number)
    if number is None:
        raise Invalid(
            "Số tài khoản gồm 6 đến 19 chữ số hoặc chữ cái, không dấu, ví dụ 0011 0012 3456 "
            "(dấu cách, dấu chấm được bỏ đi).",
            "account_number",
        )
    name = clean_account_name(account_name)
    if not name:
        raise Invalid(
            "Vui lòng nhập tên chủ tài khoản như ngân hàng ghi, ví dụ KHO BAC NHA NUOC NGHE AN.",
            "account_name",
        )
    if len(name) > 70:
        raise Invalid(
            "Tên chủ tài khoản dài quá 70 ký tự: hãy ghi như sao kê ngân hàng.", "account_name"
        )
    account = unit.collection_account or CollectionAccount(unit=unit)
    account.bank_bin, account.bank_name = bank_bin, bank
    account.account_number, account.account_name = number, name
    db.session.add(account)
    db.session.flush()
    return account


def remove_collection_account(unit: Unit) -> None:
    """``unit`` no longer takes transfers: its payment pages offer cash only."""
    if unit.collection_account is not None:
        db.session.delete(unit.collection_account)
        unit.collection_account = None
        db.session.flush()


# --- the helpers' guide of each procedure -------------------------------------------------------


def save_helper_guide(procedure: Procedure, text: str) -> Procedure:
    """Store the guide as one step per line; empty means the page shows the default guide."""
    guide = normalise_guide(text)
    if len(guide) > GUIDE_MAX_LENGTH:
        raise Invalid(
            f"Hướng dẫn dài {len(guide)} ký tự, tối đa {GUIDE_MAX_LENGTH} ký tự. Hãy viết gọn "
            "lại: mỗi dòng một việc cần làm.",
            "helper_guide",
        )
    procedure.helper_guide = guide
    db.session.flush()
    return procedure
