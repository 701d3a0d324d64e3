"""Mẫu 01 for a dossier: plain data built from the dossier, then rendered on demand.

Rendering on every request (no stored PDF) means a failed render loses nothing: the dossier is
already committed, and the next request simply renders again.
"""

from __future__ import annotations

import logging

from flask import current_app, request, url_for

from app import geo
from app.accounts.models import User
from app.core import clock
from app.core.identity import mask_id_number, mask_phone
from app.documents.receipt import ReceiptDocument, ReceiptDocumentLine, render_receipt
from app.dossiers.models import RETURN_CHANNEL_LABELS, Dossier
from app.extensions import db

log = logging.getLogger(__name__)


class RenderFailed(RuntimeError):
    pass


def lookup_url(code: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"] or request.host_url
    return base.rstrip("/") + url_for("public.lookup_code", code=code)


def receipt_document(dossier: Dossier) -> ReceiptDocument:
    procedure = dossier.procedure
    unit = dossier.receiving_unit
    present = {a.document_code for a in dossier.documents}
    lines = tuple(
        ReceiptDocumentLine(name=d.name, kind_label=d.kind_label, copies=d.copies)
        for d in procedure.documents
        if d.code in present or (d.is_required and not d.scan_required)
    )
    province = dict(geo.provinces()).get(current_app.config["PROVINCE_CODE"], "")
    submitted = dossier.submitted_at or clock.now()
    # Once an officer accepts, the receipt carries the acceptance time, the final
    # appointment (the date first promised, even if an apology moved it later) and the
    # officer's name; before that it is the online system's provisional receipt.
    accepted = next((e for e in reversed(dossier.events) if e.action == "accepted"), None)
    received = dossier.received_at or submitted
    receiver = db.session.get(User, accepted.actor_id) if accepted and accepted.actor_id else None
    appointment = dossier.original_due_date or dossier.due_date
    return ReceiptDocument(
        issuing_body_parent=unit.parent_name,
        issuing_body=unit.name,
        number=f"{dossier.sequence_number:04d}/TN",
        place=province,
        issued_at=received,
        dossier_code=dossier.code or "",
        receiving_unit=unit.name,
        applicant_name=dossier.applicant_name,
        applicant_address=geo.address_line(
            dossier.address_street, dossier.address_village, dossier.address_commune_code
        ),
        applicant_phone_masked=mask_phone(dossier.applicant_phone),
        applicant_email=dossier.applicant_email,
        applicant_id_masked=mask_id_number(dossier.applicant_id_number),
        procedure_name=procedure.name,
        procedure_code=procedure.code,
        documents=lines,
        number_of_sets=1,
        processing_days=procedure.processing_days,
        received_at=received,
        appointment_at=appointment or received.date(),
        return_channel_label=RETURN_CHANNEL_LABELS.get(dossier.return_channel, ""),
        return_address=geo.address_line(
            dossier.return_street, dossier.return_village, dossier.return_commune_code
        )
        if dossier.return_channel == "post"
        else "",
        register_book=f"Sổ theo dõi hồ sơ năm {received.year}",
        register_number=dossier.sequence_number or 0,
        receiver_name=_receiver(dossier, receiver),
        lookup_url=lookup_url(dossier.code or ""),
        provisional=dossier.received_at is None,
    )


def _receiver(dossier: Dossier, accepted_by: User | None) -> str:
    """Who received the dossier: the officer who accepted it; before that the clerk who took
    it at a post-office counter, or else the online system."""
    if accepted_by is not None:
        return accepted_by.full_name
    clerk = dossier.submitted_by
    if clerk is not None and clerk.id != dossier.owner_id and clerk.post_office is not None:
        return f"{clerk.full_name} ({clerk.post_office.name})"
    return "Hệ thống tiếp nhận hồ sơ trực tuyến"


def receipt_pdf(dossier: Dossier) -> bytes:
    document = receipt_document(dossier)
    try:
        return render_receipt(document)
    except Exception as error:  # WeasyPrint, fonts, disk: the citizen gets a retry page
        log.exception("receipt rendering failed for %s", dossier.code)
        raise RenderFailed(str(error)) from error
