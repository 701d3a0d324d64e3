"""Dossiers that owe a fee, and money booked for them the one way the app books it
(``record_payment``), for the tests of the unit's books and of refunds."""

from __future__ import annotations

import io
import re
from datetime import datetime

from helpers import complete_draft
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.dossiers.models import Dossier
from app.dossiers.operations.drafts import save_delivery
from app.dossiers.operations.submitting import submit
from app.extensions import db
from app.payments.models import Payment
from app.payments.operations import record_payment

COMMUNE = "17329"  # where tests/helpers.py's applicants live
RESIDENCE = "1.004222"  # permanent residence: 10.000 đ online, 20.000 đ at the counter or by post
TEMPORARY = "1.004194"  # temporary residence: 7.000 đ online, 15.000 đ at the counter
CRIMINAL_RECORD = "3.000333"  # provincial: 200.000 đ, another unit's books


def procedure(code: str) -> Procedure:
    return db.session.scalar(select(Procedure).where(Procedure.code == code))


def commune_unit() -> Unit:
    return db.session.scalar(select(Unit).where(Unit.commune_code == COMMUNE))


def fee_dossier(owner: User, code: str, token: str, intake: str = "online") -> Dossier:
    """A submitted dossier of procedure ``code`` sent in by ``intake`` (online or counter)."""
    dossier = complete_draft(owner, procedure(code), token)
    if intake != "online":
        save_delivery(dossier, {"intake_channel": intake, "return_channel": "online"})
    assert submit(dossier, owner)
    db.session.commit()
    assert dossier.fee_state == "due" and dossier.fee_amount > 0
    return dossier


def pay(dossier: Dossier, at: datetime, method: str, amount: int | None = None, **extra) -> Payment:  # type: ignore[no-untyped-def]
    """Book money for ``dossier`` at ``at`` (the clock frozen there) and commit."""
    clock.freeze(at)
    payment = record_payment(dossier, method=method, amount=amount or dossier.fee_amount, **extra)
    db.session.commit()
    return payment


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    """``text`` without any white space (a PDF breaks long codes across lines)."""
    return re.sub(r"\s+", "", text)
