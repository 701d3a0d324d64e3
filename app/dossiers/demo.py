"""Demo dossiers, so the officer accounts have a day's work on a fresh machine. Demo mode only.

Created through the same services as real ones (journey, submit, workflow actions), with the
clock set back where a dossier must look older, so every event, code and date is consistent.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.answers import clean_answers
from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import due_date
from app.dossiers.models import Dossier
from app.dossiers.operations import attachments, drafts, intake, processing, submitting
from app.extensions import db

DEMO_COMMUNE = "16813"  # Xã Mường Xén (Nghệ An), a remote mountain commune
DEMO_VILLAGE = "Bản Huồi Tụ"


# A realistic answer for each text field of the demo catalogue: a family of the Thái people
# of Mường Xén (a name where a name is asked, an ethnicity where an ethnicity is, a licence
# number where a licence number is).
DEMO_TEXT = {
    "child_full_name": "Lô Văn Minh",
    "child_ethnicity": "Thái",
    "father_full_name": "Lô Văn Páo",
    "mother_full_name": "Lô Thị Mai",
    "health_facility": "Trạm Y tế xã Mường Xén",
    "deceased_full_name": "Lô Văn Xồng",
    "deceased_id_number": "040046001357",
    "death_place": "Tại nhà, Bản Huồi Tụ, xã Mường Xén, tỉnh Nghệ An",
    "death_cause": "Tuổi già",
    "male_full_name": "Vi Văn Thắng",
    "female_full_name": "Lô Thị Mai",
    "residence_address": "Bản Huồi Tụ",
    "household_head_name": "Lô Văn Páo",
    "relationship_to_head": "Vợ",
    "previous_residence": "Bản Xốp Mạt, xã Mường Xén, tỉnh Nghệ An",
    "landlord_name": "Vi Văn Thắng",
    "purpose": "Bổ sung hồ sơ xin việc",
    "licence_number": "400169012345",
    "document_name": "Bằng tốt nghiệp trung học phổ thông",
    "certificate_serial": "AB 123456",
    "parcel_number": "125",
    "map_sheet": "18",
    "recipient_full_name": "Lô Văn Minh",
    "last_employer": "Công ty TNHH May Minh Anh Kỳ Sơn",
    "bank_account": "3608205123456",
    "bank_name": "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam (Agribank)",
    "village": "Bản Huồi Tụ",
}


def _sample_value(field: dict[str, Any], owner: User) -> str:
    kind = field["type"]
    if kind == "choice":
        return field["choices"][0][0]
    if kind == "date":
        return (clock.today() - timedelta(days=20)).isoformat()
    if kind == "number":
        return str(max(field.get("min") or 1, 1))
    if kind == "commune":
        return DEMO_COMMUNE
    if kind == "yesno":
        return "no"
    if kind == "textarea":
        return f"{DEMO_VILLAGE}, xã Mường Xén, tỉnh Nghệ An"
    if field["name"] in DEMO_TEXT:
        return DEMO_TEXT[field["name"]][: field.get("max_length") or 200]
    if field["name"] == "id_number":  # the applicant's own card
        return owner.id_number or ""
    return "Lô Thị Mai"[: field.get("max_length") or 100]


def _demo_image() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 1200), (236, 232, 220)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def _submitted(owner: User, procedure: Procedure, token: str, return_channel: str) -> Dossier:
    dossier = complete_demo_draft(owner, procedure, token, return_channel)
    submitting.submit(dossier, owner)
    return dossier


def complete_demo_draft(
    owner: User, procedure: Procedure, token: str, return_channel: str
) -> Dossier:
    """A draft with every step filled in with sample answers and a photo of each document."""
    dossier = drafts.start_application(owner, procedure, token)
    drafts.save_applicant(
        dossier,
        {"phone": owner.phone, "email": "", "commune": DEMO_COMMUNE, "village": DEMO_VILLAGE},
    )
    raw = {f["name"]: _sample_value(f, owner) for f in procedure.form_schema}
    answers, errors = clean_answers(procedure.form_schema, raw)
    if errors:
        raise ValueError(f"demo answers rejected for {procedure.code}: {errors}")
    dossier.answers = answers
    drafts.mark_saved(dossier, "thong-tin")
    image = attachments.check_upload(_demo_image())
    for document in procedure.documents:
        if document.is_required and document.scan_required:
            attachments.add_attachment(dossier, document.code, "anh-chup.jpg", image, owner)
    drafts.mark_saved(dossier, "giay-to")
    drafts.save_delivery(
        dossier,
        {
            "intake_channel": "online",
            "return_channel": return_channel,
            "return_commune": DEMO_COMMUNE,
            "return_village": DEMO_VILLAGE,
        },
    )
    db.session.flush()
    return dossier


def _accepted_so_that_due_is(target: date, procedure: Procedure) -> datetime:
    """A past 09:00 on a working day from which the procedure's due date is ``target``."""
    calendar = working_calendar()
    day = target
    for _ in range(60):
        day -= timedelta(days=1)
        moment = datetime.combine(day, time(9, 0))
        if (
            calendar.is_working_day(day)
            and due_date(moment, procedure.processing_days, calendar, None) <= target
        ):
            return moment
    return datetime.combine(target - timedelta(days=14), time(9, 0))


def _paid_in_cash(dossier: Dossier) -> None:
    """The demo's accepted dossiers were paid for at the counter; the payments' demo data
    (app/payments/demo.py) writes their receipts, since this domain knows no payments."""
    if dossier.fee_state == "due":
        dossier.fee_state = "paid"


def create_demo_dossiers() -> int:
    """Five dossiers of the demo citizen at different points of the workflow."""
    owner = db.session.scalar(select(User).filter_by(phone="0912000001"))
    officer = db.session.scalar(select(User).filter_by(phone="0912000002"))
    specialist = db.session.scalar(select(User).filter_by(phone="0912000006"))
    if owner is None or officer is None or specialist is None:
        return 0
    if db.session.scalar(select(func.count()).select_from(Dossier).filter_by(owner_id=owner.id)):
        return 0
    commune_centre = db.session.scalar(select(Unit).filter_by(commune_code=DEMO_COMMUNE))
    for staff in (officer, specialist):
        if commune_centre is not None and commune_centre not in staff.units:
            staff.units.append(commune_centre)
    by_code = {p.code: p for p in db.session.scalars(select(Procedure))}
    real_now = clock.now()
    created = 0
    try:
        # Waiting at intake: birth registration (same day), permanent residence (7 days),
        # temporary residence (3 days).
        for token, code in (("demo-1", "1.001193"), ("demo-2", "1.004222"), ("demo-3", "1.004194")):
            clock.freeze(real_now - timedelta(minutes=30))
            _submitted(owner, by_code[code], token, "online")
            created += 1

        # Driving licence: accepted days ago, with the specialist, due today: it will be late
        # unless the officer apologises and sets a new date (Mẫu 04).
        licence = by_code["3.000347"]
        accepted_at = _accepted_so_that_due_is(real_now.date(), licence)
        clock.freeze(accepted_at - timedelta(hours=1))
        dossier = _submitted(owner, licence, "demo-4", "post")
        _paid_in_cash(dossier)
        clock.freeze(accepted_at)
        intake.accept(dossier, officer)
        clock.freeze(accepted_at + timedelta(hours=2))
        processing.assign(dossier, officer, specialist, "Kiểm tra giấy khám sức khỏe")
        created += 1

        # Criminal record certificate: decided on paper, waiting at the counter.
        record = by_code["3.000333"]
        accepted_at = _accepted_so_that_due_is(real_now.date() + timedelta(days=3), record)
        clock.freeze(accepted_at - timedelta(hours=1))
        dossier = _submitted(owner, record, "demo-5", "counter")
        _paid_in_cash(dossier)
        clock.freeze(accepted_at)
        intake.accept(dossier, officer)
        clock.freeze(accepted_at + timedelta(hours=1))
        processing.assign(dossier, officer, specialist)
        clock.freeze(real_now - timedelta(hours=2))
        processing.approve(
            dossier, specialist, result_kind="paper", note="Phiếu lý lịch tư pháp số 1"
        )
        created += 1
    finally:
        clock.freeze(None)
    db.session.flush()
    return created
