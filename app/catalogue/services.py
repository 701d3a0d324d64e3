"""Catalogue operations: units from the national list, procedures from declarative data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app import geo
from app.catalogue.models import Procedure, RequiredDocument, Unit
from app.catalogue.schema import validate_procedure
from app.core.text import fold
from app.extensions import db


def commune_unit_code(index: int, tree: str) -> str:
    """Demo QCVN 102-style code for the n-th commune centre (1-based): 000.NN.NN.<tree>."""
    return f"000.{index // 100:02d}.{index % 100:02d}.{tree}"


def sync_units(province_code: int, tree: str) -> int:
    """Create the provincial centre and one centre per commune of the province (idempotent)."""
    province_name = dict(geo.provinces())[province_code]
    existing = {u.code for u in db.session.scalars(select(Unit))}
    wanted = [
        Unit(
            code=f"000.00.00.{tree}",
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
    """Create or replace a procedure from its declarative description."""
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
    procedure.channels = list(clean["channels"])
    procedure.legal_basis = list(clean["legal_basis"])
    procedure.description = clean.get("description") or ""
    procedure.form_schema = clean["form"]
    procedure.to_verify = list(clean.get("check") or [])
    procedure.helper_guide = clean.get("helper_guide") or ""
    procedure.documents = [
        RequiredDocument(
            code=doc["code"],
            name=doc["name"],
            kind=doc["kind"],
            copies=doc.get("copies", 1),
            scan_required=doc.get("scan_required", True),
            is_required=doc.get("required", True),
            note=doc.get("note") or "",
            position=position,
        )
        for position, doc in enumerate(clean["documents"])
    ]
    db.session.flush()
    return procedure


def search_procedures(query: str = "", level: str = "") -> list[Procedure]:
    stmt = select(Procedure).where(Procedure.is_active.is_(True)).order_by(Procedure.name)
    for word in fold(query).split():
        stmt = stmt.where(Procedure.search_text.contains(word, autoescape=True))
    if level:
        stmt = stmt.where(Procedure.level == level)
    return list(db.session.scalars(stmt))


def receiving_unit_for(procedure: Procedure, commune_code: str, tree: str) -> Unit:
    """Commune-tier procedures go to the applicant's commune centre when it is in our province;
    everything else to the provincial centre (Decree 118/2025: any centre may receive)."""
    if procedure.authority_level == "commune" and commune_code:
        unit = db.session.scalar(select(Unit).filter_by(commune_code=commune_code))
        if unit is not None:
            return unit
    unit = db.session.scalar(select(Unit).filter_by(code=f"000.00.00.{tree}"))
    if unit is None:
        raise LookupError("the provincial service centre is missing: run `flask seed`")
    return unit
