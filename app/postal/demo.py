"""Demo post office and its staff, so the postal accounts have work on a fresh machine.

Demo mode only. The office serves Mường Xén, the demo citizen's commune, and five neighbours;
one dossier of the demo citizen has its home pickup booked for the next working day, made
through the same services as a real booking (with the clock set back a day).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Procedure
from app.core import clock
from app.dossiers.demo import DEMO_COMMUNE, DEMO_VILLAGE, complete_demo_draft
from app.dossiers.operations.submitting import submit
from app.extensions import db
from app.postal.models import PostOffice, PostOfficeCommune, SlotTemplateRow
from app.postal.operations.booking import book_pickup
from app.postal.queries.slots import offered_slots

DEMO_OFFICE_CODE = "433900"  # fictional: Vietnam Post's real office codes are not used here
SERVED = ("16813", "16816", "16819", "16822", "16828", "16831")
STAFF_PHONES = ("0912000003", "0912000007")  # worker, head of office


def create_demo_post_office() -> int:
    if db.session.scalar(select(PostOffice).filter_by(code=DEMO_OFFICE_CODE)):
        return 0
    office = PostOffice(
        code=DEMO_OFFICE_CODE,
        name="Bưu điện xã Mường Xén",
        address="Khối 2, xã Mường Xén, tỉnh Nghệ An",
        phone="02383876123",
    )
    office.communes = [PostOfficeCommune(commune_code=code) for code in SERVED]
    for weekday in range(5):
        office.templates.append(
            SlotTemplateRow(weekday=weekday, start=time(8), end=time(11), capacity=6)
        )
        office.templates.append(
            SlotTemplateRow(weekday=weekday, start=time(14), end=time(16, 30), capacity=4)
        )
    db.session.add(office)
    db.session.flush()
    for user in db.session.scalars(select(User).where(User.phone.in_(STAFF_PHONES))):
        user.post_office_id = office.id
    _booked_pickup(office)
    db.session.flush()
    return 1


def _booked_pickup(office: PostOffice) -> None:
    """Permanent residence of the demo citizen, booked yesterday for the next working day."""
    owner = db.session.scalar(select(User).filter_by(phone="0912000001"))
    procedure = db.session.scalar(select(Procedure).filter_by(code="1.004222"))
    if owner is None or procedure is None:
        return
    real_now = clock.now()
    try:
        clock.freeze(datetime.combine(real_now.date() - timedelta(days=1), time(10, 0)))
        dossier = complete_demo_draft(owner, procedure, "demo-post-1", "post")
        slot = offered_slots(office)[0]
        book_pickup(
            dossier,
            slot,
            commune_code=DEMO_COMMUNE,
            village=DEMO_VILLAGE,
            landmark="Nhà sàn cạnh nhà văn hóa bản",
            contact_phone=owner.phone,
            actor=owner,
        )
        submit(dossier, owner)
    finally:
        clock.freeze(None)
