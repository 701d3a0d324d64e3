"""Catalogue reads: finding procedures and units, a unit's usage, the catalogue as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from app import geo
from app.catalogue import search, usage
from app.catalogue.models import CollectionAccount, Procedure, Unit
from app.core.text import fold
from app.extensions import db


def province_centre_code(province_tree: str) -> str:
    return f"000.00.00.{province_tree}"


# --- procedures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueSearch:
    """What the catalogue search shows: the matches; when there are none, a national procedure
    done elsewhere that the query names; else the near misses ("Có phải bạn muốn tìm …")."""

    procedures: list[Procedure]
    suggestions: list[Procedure] = field(default_factory=list)
    elsewhere: search.Elsewhere | None = None


def search_procedures(query: str = "", level: str = "") -> CatalogueSearch:
    """Active procedures (of ``level`` if given) matching ``query`` without caring about case or
    diacritics; ranked in Python (the catalogue is tens of procedures, loaded once)."""
    candidates = list(db.session.scalars(_search_statement(level)))
    if not fold(query):
        return CatalogueSearch(candidates)
    found = [p for p in candidates if search.matches(query, p.search_text)]
    if found:
        return CatalogueSearch(search.rank_matches(query, found, _name))
    done_elsewhere = search.elsewhere(query, [p.name for p in candidates])
    if done_elsewhere:
        return CatalogueSearch([], elsewhere=done_elsewhere)
    return CatalogueSearch([], search.suggest(query, candidates, _name))


@lru_cache(maxsize=8)
def _search_statement(level: str) -> Select[tuple[Procedure]]:
    """Built once per process and level. Only the columns the search and its results use: the
    forms and guides (JSON, long text) of every procedure would cost more to read than the
    rest of the page."""
    stmt = (
        select(Procedure)
        .options(
            load_only(
                Procedure.code,
                Procedure.name,
                Procedure.search_text,
                Procedure.level,
                Procedure.processing_days,
                Procedure.cutoff_15h,
                Procedure.fee_online,
            )
        )
        .where(Procedure.is_active.is_(True))
        .order_by(Procedure.name)
    )
    return stmt.where(Procedure.level == level) if level else stmt


def _name(procedure: Procedure) -> str:
    return procedure.name


def active_procedure(code: str) -> Procedure | None:
    """The procedure a citizen may open (its page), or None; its documents (which the page
    lists) joined in the same query: one round trip."""
    return db.session.scalars(_active_procedure_statement(), {"code": code}).unique().one_or_none()


@cache
def _active_procedure_statement() -> Select[tuple[Procedure]]:
    """Built once per process: building the options costs more than running the query."""
    return (
        select(Procedure)
        .options(joinedload(Procedure.documents))
        .where(Procedure.code == bindparam("code"), Procedure.is_active.is_(True))
    )


def procedure_by_code(code: str) -> Procedure | None:
    """Any procedure, open to citizens or not (the administration)."""
    return db.session.scalar(select(Procedure).filter_by(code=code))


def search_all_procedures(query: str = "") -> list[Procedure]:
    """Every procedure (inactive ones too: a guide may be written before it opens), by name;
    ``query`` matches name, code or field without caring about case or diacritics."""
    procedures = list(db.session.scalars(select(Procedure).order_by(Procedure.name)))
    procedures.sort(key=lambda p: (not p.is_active, fold(p.name)))
    key = fold(query)
    if not key:
        return procedures
    return [p for p in procedures if key in fold(f"{p.name} {p.code} {p.field}")]


def receiving_unit_for(procedure: Procedure, commune_code: str, tree: str) -> Unit:
    """Commune-tier procedures go to the applicant's commune centre when it is in our province;
    everything else to the provincial centre (Decree 118/2025: any centre may receive)."""
    if procedure.authority_level == "commune" and commune_code:
        unit = db.session.scalar(select(Unit).filter_by(commune_code=commune_code))
        if unit is not None:
            return unit
    unit = db.session.scalar(select(Unit).filter_by(code=province_centre_code(tree)))
    if unit is None:
        raise LookupError("the provincial service centre is missing: run `flask seed`")
    return unit


def procedure_as_data(procedure: Procedure) -> dict[str, Any]:
    """A procedure as the catalogue file describes it (``validate_procedure``'s result)."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "level": procedure.level,
        "authority_level": procedure.authority_level,
        "competent_authority": procedure.competent_authority,
        "field": procedure.field,
        "processing_days": procedure.processing_days,
        "processing_note": procedure.processing_note,
        "cutoff_15h": procedure.cutoff_15h,
        "fees": {channel: procedure.fee_for(channel) for channel in procedure.channels},
        "fee_note": procedure.fee_note,
        "fee_timing": procedure.fee_timing,
        "channels": list(procedure.channels),
        "legal_basis": list(procedure.legal_basis),
        "description": procedure.description,
        "documents": [
            {
                "code": document.code,
                "name": document.name,
                "kind": document.kind,
                "copies": document.copies,
                "scan_required": document.scan_required,
                "required": document.is_required,
                "note": document.note,
            }
            for document in procedure.documents
        ],
        "form": procedure.form_schema,
        "helper_guide": procedure.helper_guide,
        "check": list(procedure.to_verify),
    }


def catalogue_as_data() -> dict[str, dict[str, Any]]:
    """Every procedure in the database, as data, by code."""
    procedures = db.session.scalars(
        select(Procedure).options(selectinload(Procedure.documents)).order_by(Procedure.code)
    )
    return {procedure.code: procedure_as_data(procedure) for procedure in procedures}


# --- units --------------------------------------------------------------------------------------


def all_units() -> list[Unit]:
    """Every unit by code, with its collection account (the administrator's list shows it)."""
    return list(
        db.session.scalars(
            select(Unit).options(selectinload(Unit.collection_account)).order_by(Unit.code)
        )
    )


def search_units(query: str = "") -> list[Unit]:
    """Units ordered by code; ``query`` matches code, name, commune or address, without caring
    about case or diacritics. Filtered in Python: a province has at most a few hundred units."""
    units = all_units()
    key = fold(query)
    if not key:
        return units
    return [unit for unit in units if key in _unit_search_text(unit)]


def _unit_search_text(unit: Unit) -> str:
    place = geo.commune(unit.commune_code)
    return fold(f"{unit.code} {unit.name} {place.name if place else ''} {unit.address}")


def unit_usage(unit: Unit, province_tree: str) -> dict[str, Any]:
    """What the unit's page says about deleting it: who and what still use it."""
    return {
        "staff": usage.staff_count(unit.id),
        "dossiers": usage.dossier_count(unit.id),
        "issued": usage.issued_codes(unit.id),
        "province_centre": unit.code == province_centre_code(province_tree),
    }


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).filter_by(code=code))


def unit_of_commune(commune_code: str) -> Unit | None:
    return db.session.scalar(select(Unit).filter_by(commune_code=commune_code))


# --- the administration's home page -------------------------------------------------------------


def _count(stmt) -> int:  # type: ignore[no-untyped-def]
    return int(db.session.scalar(stmt) or 0)


def units_card() -> dict[str, Any]:
    return {
        "units": _count(select(func.count()).select_from(Unit)),
        "accounts": _count(select(func.count()).select_from(CollectionAccount)),
    }


def guides_card() -> dict[str, Any]:
    return {
        "procedures": _count(select(func.count()).select_from(Procedure)),
        "guides": _count(
            select(func.count()).select_from(Procedure).where(Procedure.helper_guide != "")
        ),
    }
