"""A draft and the steps of the journey: starting one (once per form, even on a double tap) and
saving each step."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.catalogue.answers import clean_answers
from app.catalogue.models import Procedure
from app.core import clock
from app.core.errors import Invalid
from app.dossiers import signals
from app.dossiers.models import Dossier
from app.dossiers.operations.submitting import missing_for_submit
from app.dossiers.statuses import DossierStatus
from app.extensions import db

STEPS: list[tuple[str, str]] = [
    ("nguoi-nop", "Người nộp hồ sơ"),
    ("thong-tin", "Thông tin hồ sơ"),
    ("giay-to", "Giấy tờ kèm theo"),
    ("nhan-tra", "Gửi hồ sơ và nhận kết quả"),
    ("kiem-tra", "Kiểm tra và nộp"),
]
STEP_NAMES = [name for name, _ in STEPS]


def next_step(step: str) -> str:
    return STEP_NAMES[min(STEP_NAMES.index(step) + 1, len(STEP_NAMES) - 1)]


def start_application(
    owner: User, procedure: Procedure, client_token: str, actor: User | None = None
) -> Dossier:
    """Create a draft, or find the one this same form already created (retry, double tap).

    ``actor`` is the staff member filling it in for ``owner`` at a counter, if any."""
    token = (client_token or "")[:40] or os.urandom(12).hex()
    existing = db.session.scalar(select(Dossier).filter_by(owner_id=owner.id, client_token=token))
    if existing is not None:
        return existing
    dossier = Dossier(
        owner_id=owner.id,
        procedure_id=procedure.id,
        client_token=token,
        status=DossierStatus.DRAFT,
        applicant_name=owner.full_name,
        applicant_id_number=owner.id_number or "",
        applicant_date_of_birth=owner.date_of_birth,
        applicant_phone=owner.phone,
        applicant_email=owner.email or "",
        answers={},
        steps_saved=[],
        created_by_id=actor.id if actor is not None and actor.id != owner.id else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(dossier)
    except IntegrityError:
        # A concurrent request with the same token won the race: use its draft.
        return db.session.scalars(
            select(Dossier).filter_by(owner_id=owner.id, client_token=token)
        ).one()
    return dossier


def mark_saved(dossier: Dossier, step: str) -> None:
    if step not in (dossier.steps_saved or []):
        dossier.steps_saved = [*(dossier.steps_saved or []), step]


def save_applicant(dossier: Dossier, data: dict[str, Any], helper: User | None = None) -> None:
    """The applicant's contact details and address. ``helper``: who fills the draft in for the
    applicant, if anyone; the phone must then be the citizen's, who gets the messages."""
    if helper is not None and data["phone"] == helper.phone:
        raise Invalid(
            "Đây là số điện thoại của bạn. Hãy nhập số của người dân để họ nhận tin nhắn.",
            "phone",
        )
    owner = dossier.owner
    # Identity comes from the account (already checked at registration); contact data is editable.
    dossier.applicant_name = owner.full_name
    dossier.applicant_id_number = owner.id_number or ""
    dossier.applicant_date_of_birth = owner.date_of_birth
    dossier.applicant_phone = data["phone"]
    dossier.applicant_email = data.get("email") or ""
    dossier.address_commune_code = data["commune"]
    dossier.address_village = (data.get("village") or "").strip()
    dossier.address_street = (data.get("street") or "").strip()
    mark_saved(dossier, "nguoi-nop")


def save_answers(dossier: Dossier, raw: dict[str, str]) -> dict[str, str]:
    """Keep whatever is valid (nothing typed is lost); return the errors to show."""
    clean, errors = clean_answers(dossier.procedure.form_schema, raw, clock.today())
    merged = dict(dossier.answers or {})
    for field in dossier.procedure.form_schema:
        name = field["name"]
        if name in errors:
            merged.pop(name, None)
        else:
            merged[name] = clean.get(name)
    dossier.answers = merged
    if not errors:
        mark_saved(dossier, "thong-tin")
    return errors


def save_documents(dossier: Dossier) -> None:
    """The papers step is done once every required scan is uploaded."""
    if any(m.step == "giay-to" for m in missing_for_submit(dossier)):
        raise Invalid("Vẫn còn giấy tờ bắt buộc chưa tải lên (đánh dấu bên dưới).")
    mark_saved(dossier, "giay-to")


def save_delivery(dossier: Dossier, data: dict[str, Any]) -> None:
    previous = dossier.intake_channel
    dossier.intake_channel = data["intake_channel"]
    if previous != dossier.intake_channel:
        signals.intake_changed.send(dossier, actor=dossier.owner, previous=previous)
    dossier.return_channel = data["return_channel"]
    if data["return_channel"] == "post":
        dossier.return_commune_code = data["return_commune"]
        dossier.return_village = (data.get("return_village") or "").strip()
        dossier.return_street = (data.get("return_street") or "").strip()
    else:
        dossier.return_commune_code = dossier.return_village = dossier.return_street = ""
    mark_saved(dossier, "nhan-tra")
