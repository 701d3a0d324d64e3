"""Mẫu 01 and the citizen's guide for a dossier: plain data built from the dossier, then
rendered once per state and stored (app/documents/store.py): the data is gathered on every
request (cheap), and the PDF is a file read unless something printed on it changed.

A failed render loses nothing: the dossier is already committed, nothing half-written is ever
served (the store writes atomically), and the next request simply renders again.
"""

from __future__ import annotations

import logging

from flask import current_app, url_for

from app import geo
from app.accounts.models import User
from app.core import clock
from app.core.identity import mask_id_number, mask_phone
from app.documents import prerender
from app.documents.guide import CitizenGuide, render_guide
from app.documents.postal import render_receipt_80mm
from app.documents.receipt import (
    ReceiptDocument,
    ReceiptDocumentLine,
    paper_consent_note,
    render_receipt,
    sms_consent_note,
)
from app.dossiers.fees import fee_instructions
from app.dossiers.models import Dossier
from app.dossiers.statuses import RETURN_CHANNEL_LABELS
from app.extensions import db

log = logging.getLogger(__name__)


class RenderFailed(RuntimeError):
    pass


def lookup_url(code: str) -> str:
    """The public look-up page of ``code``, absolute: on PUBLIC_BASE_URL when configured,
    else on the host of the request (or SERVER_NAME outside a request)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        # Explicitly relative: outside a request url_for would otherwise make it absolute.
        return base.rstrip("/") + url_for("public.lookup_code", code=code, _external=False)
    return url_for("public.lookup_code", code=code, _external=True)


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
        consent_note=_consent_note(dossier),
        consent_signature=_consent_on_paper(dossier),
        appointment_pending=dossier.due_text if dossier.due_waits_for_papers else "",
        fee=fee_instructions(dossier),
    )


def _organisation(dossier: Dossier, helper: User) -> str:
    """Whom a helper acts for on this dossier: the community team recorded on it, else the
    post office they work at."""
    if dossier.assist_team is not None:
        return dossier.assist_team.name
    return helper.post_office.name if helper.post_office is not None else ""


def _consent_on_paper(dossier: Dossier) -> bool:
    return dossier.consent is not None and dossier.consent.method == "paper"


def _consent_note(dossier: Dossier) -> str:
    """The citizen's consent to the help, as Mẫu 01 prints it: a sentence to sign when it was
    given on paper, the time the SMS code came back otherwise."""
    consent = dossier.consent
    if consent is None:
        return ""
    if consent.method == "sms_code":
        return sms_consent_note(consent.at)
    helper = consent.recorded_by
    return paper_consent_note(helper.full_name, _organisation(dossier, helper))


def _volunteer(dossier: Dossier) -> User | None:
    """The community team member who filled the dossier in for the citizen, if one did."""
    if dossier.assist_team is None:
        return None
    consent = dossier.consent
    candidates = (
        dossier.submitted_by,
        dossier.created_by,
        consent.recorded_by if consent is not None else None,
    )
    return next((u for u in candidates if u is not None and u.id != dossier.owner_id), None)


def _receiver(dossier: Dossier, accepted_by: User | None) -> str:
    """Who received the dossier: the officer who accepted it; before that the clerk who took
    it at a post-office counter or the community team member who submitted it for the
    citizen, named with their post office or team; or else the online system."""
    if accepted_by is not None:
        return accepted_by.full_name
    helper = dossier.submitted_by
    if helper is not None and helper.id != dossier.owner_id:
        if helper.post_office is not None:
            return f"{helper.full_name} ({helper.post_office.name})"
        if dossier.assist_team is not None:
            return f"{helper.full_name} ({dossier.assist_team.name})"
    return "Hệ thống tiếp nhận hồ sơ trực tuyến"


def citizen_guide(dossier: Dossier) -> CitizenGuide:
    """The plain-language guide a helper prints for the citizen: what happens next, the code,
    the due date, where the result comes. No ID number; the phone masked; for a result by
    post only the village and commune (the citizen knows their own house)."""
    unit = dossier.receiving_unit
    channel = dossier.return_channel
    if channel == "post":
        return_place = geo.address_line("", dossier.return_village, dossier.return_commune_code)
    elif channel == "counter":
        return_place = ", ".join(part for part in (unit.name, unit.address) if part)
    else:
        return_place = ""
    volunteer = _volunteer(dossier)
    team = dossier.assist_team
    return CitizenGuide(
        dossier_code=dossier.code or "",
        procedure_name=dossier.procedure.name,
        applicant_name=dossier.applicant_name,
        applicant_phone_masked=mask_phone(dossier.applicant_phone)
        if dossier.applicant_phone
        else "",
        receiving_unit=unit.name,
        submitted_at=dossier.submitted_at or clock.now(),
        due_date=None if dossier.due_waits_for_papers else dossier.due_date,
        provisional=dossier.received_at is None,
        return_channel=channel,
        return_channel_label=RETURN_CHANNEL_LABELS.get(channel, ""),
        return_place=return_place,
        lookup_url=lookup_url(dossier.code or ""),
        helper_name=volunteer.full_name if volunteer is not None else "",
        team_name=team.name if team is not None else "",
        assist_place=(dossier.assist_place or team.place) if team is not None else "",
        # No print time: the guide is stored once per state (app/documents/store.py) and
        # reprinted as it is; the submission time above dates it.
        papers_text=_papers_text(dossier),
        due_pending=dossier.due_text if dossier.due_waits_for_papers else "",
        fee=fee_instructions(dossier),
    )


def _papers_text(dossier: Dossier) -> str:
    """Bringing the papers to the counter, when that is the chosen channel and they have not
    been received yet."""
    if dossier.intake_channel != "counter" or dossier.received_at or dossier.papers_received_at:
        return ""
    unit = dossier.receiving_unit
    place = ", ".join(part for part in (unit.name, unit.address) if part)
    return (
        f"Mang giấy tờ bản chính và tờ này đến {place} (giờ hành chính). Hồ sơ được giải "
        "quyết từ khi cán bộ nhận đủ giấy tờ."
    )


RECEIPT_LAYOUTS = ("a5", "80mm")


def receipt_pdf(dossier: Dossier, layout: str = "a5") -> bytes:
    """Mẫu 01 as a PDF: ``"a5"`` (the form) or ``"80mm"`` (a thermal roll, as tall as its
    content). Raises :exc:`RenderFailed` when rendering fails."""
    if layout not in RECEIPT_LAYOUTS:
        raise ValueError(f"Unknown layout {layout!r}: 'a5' or '80mm'")
    document = receipt_document(dossier)
    render = render_receipt_80mm if layout == "80mm" else render_receipt
    try:
        return render(document)
    except Exception as error:  # WeasyPrint, fonts, disk: the citizen gets a retry page
        log.exception("receipt rendering failed for %s", dossier.code)
        raise RenderFailed(str(error)) from error


def guide_pdf(dossier: Dossier) -> bytes:
    """The citizen's guide as a one-page A5 PDF. Raises :exc:`RenderFailed` on failure."""
    document = citizen_guide(dossier)
    try:
        return render_guide(document)
    except Exception as error:  # as for the receipt: the helper gets a retry page
        log.exception("guide rendering failed for %s", dossier.code)
        raise RenderFailed(str(error)) from error


def on_submitted(dossier: Dossier, **_: object) -> None:
    """Receiver of ``signals.submitted``: the A5 receipt is fixed now, so it is rendered and
    stored once the submission has committed, off the request; the citizen's download is then
    a file read."""
    dossier_id = dossier.id

    def render() -> None:
        submitted = db.session.get(Dossier, dossier_id)
        if submitted is not None and not submitted.is_draft:
            receipt_pdf(submitted)

    prerender.after_commit(render)
