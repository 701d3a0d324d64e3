"""One dossier and what hangs off it: found by its code (the public look-up), the citizen's own
list, a dossier's files, papers and timeline, the procedure a citizen starts."""

from __future__ import annotations

import re
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, load_only

from app.catalogue.models import Procedure, RequiredDocument, Unit
from app.dossiers.models import Attachment, Dossier, DossierEvent
from app.dossiers.statuses import DossierStatus
from app.extensions import db

_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")


def normalise_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def submitted_by_code(code: str) -> Dossier | None:
    """The dossier the public look-up shows, with its procedure and receiving unit in the same
    query (one round trip), and only the columns templates/public/lookup.html prints: the
    answers and the procedure's form, JSON, would cost more to decode than the rest of the
    query. A column left out still loads when read, by a query of its own
    (tests/public/test_reads.py counts them)."""
    if not _CODE.match(code):
        return None
    return db.session.scalar(_lookup_statement(), {"code": code})


@cache
def _lookup_statement() -> Select[tuple[Dossier]]:
    """Built once per process: building the options costs more than running the query."""
    return (
        select(Dossier)
        .options(
            load_only(*(getattr(Dossier, name) for name in _LOOKUP_COLUMNS)),
            joinedload(Dossier.procedure).load_only(
                Procedure.name, Procedure.processing_days, Procedure.cutoff_15h
            ),
            joinedload(Dossier.receiving_unit).load_only(Unit.name, Unit.support_phone),
        )
        .where(Dossier.code == bindparam("code"), Dossier.status != DossierStatus.DRAFT)
    )


# The look-up page's facts (status, dates, due date or "from when the papers arrive") and the
# owner check; the timeline, shown to the owner only, loads the events apart.
_LOOKUP_COLUMNS = (
    "code",
    "status",
    "owner_id",
    "procedure_id",
    "receiving_unit_id",
    "submitted_at",
    "intake_channel",
    "papers_received_at",
    "received_at",
    "due_date",
)


def citizen_timeline(dossier: Dossier) -> list[DossierEvent]:
    """Events the citizen may see: everything except internal notes."""
    return [e for e in dossier.events if not e.internal]


def owned_dossiers(user_id: int) -> list[Dossier]:
    return list(
        db.session.scalars(
            select(Dossier)
            .where(Dossier.owner_id == user_id)
            .order_by(Dossier.updated_at.desc(), Dossier.id.desc())
        )
    )


def procedure_offered_online(code: str) -> Procedure | None:
    """The active procedure ``code`` when a citizen may apply for it online."""
    procedure = db.session.scalar(select(Procedure).filter_by(code=code, is_active=True))
    if procedure is None or "online" not in procedure.channels:
        return None
    return procedure


def attachment_of(dossier: Dossier, attachment_id: int) -> Attachment | None:
    """One of ``dossier``'s files, or None (another dossier's file is not found either)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.dossier_id != dossier.id:
        return None
    return attachment


def document_of(dossier: Dossier, code: str) -> RequiredDocument | None:
    """The paper ``code`` of the dossier's procedure."""
    return next((d for d in dossier.procedure.documents if d.code == code), None)
