"""Mẫu 01–06 for a dossier: plain documents built from the dossier and its events.

Each form exists only once the event it records has happened (Mẫu 02 after a supplement
request, Mẫu 03 after a refusal…); :func:`available_forms` says which, and pages link only to
those. Rendered on every request, like the receipt, so a failed render loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app

from app import geo
from app.accounts.models import User
from app.core import clock
from app.core.identity import mask_id_number, mask_phone
from app.documents import forms as pdf_forms
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.receipt import RenderFailed, lookup_url, receipt_pdf
from app.extensions import db

log = logging.getLogger(__name__)

# Hand-overs of Mẫu 06. Papers brought by post arrive through a hand-over record (biên bản
# giao nhận), which stands in for the signatures of that hop (DOMAIN.md §3).
HOP_ACTIONS = (
    "postal_handed_to_agency",
    "accepted",
    "assigned",
    "forwarded",
    "approved",
    "returned",
)


@dataclass(frozen=True)
class FormInfo:
    number: str  # "02"
    title: str
    event: str | None  # the event the form records; None for Mẫu 01 and 06
    staff_only: bool = False


FORMS = (
    FormInfo("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", None),
    FormInfo("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "supplement_requested"),
    FormInfo("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "refused"),
    FormInfo("04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", "extended"),
    FormInfo("05", "Thông báo dừng giải quyết hồ sơ", "stopped"),
    FormInfo("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", None, staff_only=True),
)
FORM_BY_NUMBER = {f.number: f for f in FORMS}


def _last(dossier: Dossier, action: str) -> DossierEvent | None:
    return next((e for e in reversed(dossier.events) if e.action == action), None)


def available_forms(dossier: Dossier, staff: bool) -> list[FormInfo]:
    if dossier.is_draft:
        return []
    out = []
    for form in FORMS:
        if form.staff_only and not staff:
            continue
        if form.event is not None and _last(dossier, form.event) is None:
            continue
        out.append(form)
    return out


def _header(dossier: Dossier, number: str, at: datetime) -> pdf_forms.FormHeader:
    unit = dossier.receiving_unit
    province = dict(geo.provinces()).get(current_app.config["PROVINCE_CODE"], "")
    return pdf_forms.FormHeader(
        issuing_body_parent=unit.parent_name if unit else "",
        issuing_body=unit.name if unit else "",
        number=number,
        place=province,
        issued_at=at,
    )


def _applicant(dossier: Dossier) -> pdf_forms.Applicant:
    return pdf_forms.Applicant(
        name=dossier.applicant_name,
        address=geo.address_line(
            dossier.address_street, dossier.address_village, dossier.address_commune_code
        ),
        phone_masked=mask_phone(dossier.applicant_phone),
        id_masked=mask_id_number(dossier.applicant_id_number),
    )


def _actor_name(event: DossierEvent) -> str:
    user = db.session.get(User, event.actor_id) if event.actor_id else None
    return user.full_name if user else ""


def _seq(dossier: Dossier) -> str:
    return f"{dossier.sequence_number or 0:04d}"


def _letter(
    dossier: Dossier, number_suffix: str, event: DossierEvent, received_at: datetime | None
) -> dict:
    """The fields every letter to the applicant starts with (pdf_forms.DossierLetter)."""
    return {
        "header": _header(dossier, f"{_seq(dossier)}/{number_suffix}", event.at),
        "dossier_code": dossier.code or "",
        "procedure_name": dossier.procedure.name,
        "applicant": _applicant(dossier),
        "received_at": received_at,
    }


def _supplement(dossier: Dossier) -> bytes:
    event = _last(dossier, "supplement_requested")
    data = event.data or {}
    items = tuple(
        pdf_forms.SupplementItem(what=i.get("what", ""), why=i.get("why", ""))
        for i in data.get("items", [])
    )
    return pdf_forms.render_supplement_request(
        pdf_forms.SupplementRequest(
            **_letter(dossier, "YCBS", event, dossier.submitted_at),
            items=items,
            reason=data.get("reason", event.note),
            officer_name=_actor_name(event),
            lookup_url=lookup_url(dossier.code or ""),
        )
    )


def _refusal(dossier: Dossier) -> bytes:
    event = _last(dossier, "refused")
    return pdf_forms.render_refusal(
        pdf_forms.Refusal(
            **_letter(dossier, "TC", event, dossier.submitted_at),
            reason=event.note,
            officer_name=_actor_name(event),
        )
    )


def _apology(dossier: Dossier) -> bytes:
    event = _last(dossier, "extended")
    data = event.data or {}
    return pdf_forms.render_apology(
        pdf_forms.Apology(
            **_letter(
                dossier, "XL", event, dossier.received_at or dossier.submitted_at or event.at
            ),
            original_due=date.fromisoformat(data["old_due"]),
            new_due=date.fromisoformat(data["new_due"]),
            reason=event.note,
            signer_name=_actor_name(event),
        )
    )


def _stop(dossier: Dossier) -> bytes:
    event = _last(dossier, "stopped")
    return pdf_forms.render_stop_notice(
        pdf_forms.StopNotice(
            **_letter(dossier, "DGQ", event, dossier.received_at or dossier.submitted_at),
            reason=event.note,
            signer_name=_actor_name(event),
        )
    )


def control_hops(dossier: Dossier) -> tuple[pdf_forms.ControlHop, ...]:
    """Mẫu 06's rows: every hand-over recorded in the event log."""
    hops = []
    for event in dossier.events:
        if event.action not in HOP_ACTIONS or not event.data:
            continue
        hops.append(
            pdf_forms.ControlHop(
                handed_by=event.data.get("from", ""),
                received_by=event.data.get("to", ""),
                at=event.at,
                verdict=event.data.get("verdict", ""),
                note=event.note if not event.internal else "",
            )
        )
    return tuple(hops)


def _control(dossier: Dossier) -> bytes:
    last = dossier.events[-1].at if dossier.events else clock.now()
    return pdf_forms.render_control_sheet(
        pdf_forms.ControlSheet(
            header=_header(dossier, f"{_seq(dossier)}/KS", last),
            dossier_code=dossier.code or "",
            procedure_name=dossier.procedure.name,
            applicant_name=dossier.applicant_name,
            received_at=dossier.received_at,
            due=dossier.due_date,
            hops=control_hops(dossier),
        )
    )


_RENDERERS: dict[str, Callable[[Dossier], bytes]] = {
    "01": receipt_pdf,
    "02": _supplement,
    "03": _refusal,
    "04": _apology,
    "05": _stop,
    "06": _control,
}


def form_pdf(dossier: Dossier, number: str) -> bytes:
    try:
        return _RENDERERS[number](dossier)
    except RenderFailed:
        raise
    except Exception as error:  # WeasyPrint, fonts, disk: the page offers a retry
        log.exception("form %s rendering failed for %s", number, dossier.code)
        raise RenderFailed(str(error)) from error
