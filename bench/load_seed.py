"""Accounts and work for the load test's virtual users, made with the app's own models and
operations on the database of ``DATABASE_URL`` (after ``flask db upgrade`` and ``flask seed``).

``python bench/load_seed.py FIXTURES.json CITIZENS`` creates:

* ``CITIZENS`` citizens (every profile field filled), living in the six communes the demo post
  office serves;
* officers of the provincial centre and of those communes' centres, two per commune;
* post-office staff of the demo post office;
* home pickups already collected by the post office (booked, submitted, counted and sealed
  through the postal operations), so its staff have labels and fee receipts to print;

and writes what the virtual users need to know (phones, the password, shipment and payment
ids, dossier codes to look up) to FIXTURES.json.

Every account shares one password hash made once with the installation's method
(``PASSWORD_HASH_METHOD``, scrypt): signing in costs what it costs in production.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User, hash_password  # noqa: E402
from app.catalogue.models import Procedure, Unit  # noqa: E402
from app.catalogue.queries import receiving_unit_for  # noqa: E402
from app.core import clock  # noqa: E402
from app.core.roles import Role  # noqa: E402
from app.dossiers.demo import DEMO_VILLAGE, complete_demo_draft  # noqa: E402
from app.dossiers.models import Dossier  # noqa: E402
from app.dossiers.operations.submitting import submit  # noqa: E402
from app.extensions import db  # noqa: E402
from app.postal.demo import DEMO_OFFICE_CODE, SERVED  # noqa: E402
from app.postal.models import PostalPayment, PostOffice  # noqa: E402
from app.postal.operations.booking import SlotFull, book_pickup  # noqa: E402
from app.postal.operations.pickup import CountedDocument, collect  # noqa: E402
from app.postal.queries.shipments import pickup_shipment  # noqa: E402
from app.postal.queries.slots import offered_slots  # noqa: E402

PASSWORD = "Mat-khau-tai-2026"
OFFICERS_PER_COMMUNE = 2
POSTAL_STAFF = 4
PICKUPS = 30
FAMILY = ["Lô", "Vi", "Lò", "Lương", "Moong", "Nguyễn", "Hà", "Cụt"]
GIVEN = ["Văn Páo", "Thị Mai", "Văn Hùng", "Thị Xuân", "Văn Thắng", "Thị Hoa", "Văn Khăm", "Thị Út"]


def _person(i: int, phone: str, role: str, born: date) -> User:
    return User(
        phone=phone,
        full_name=f"{FAMILY[i % len(FAMILY)]} {GIVEN[(i // len(FAMILY)) % len(GIVEN)]}",
        role=role,
        # Province 040, then century and sex (0/1: 1900s man/woman, 2/3: 2000s), birth year.
        id_number=f"040{(0 if born.year < 2000 else 2) + i % 2}{born:%y}{i:06d}",
        date_of_birth=born,
        sex="female" if i % 2 else "male",
        email=f"nguoi.dung.{phone}@example.vn",
        privacy_consent_at=clock.now(),
        privacy_notice_version="2026-01",
    )


def create_accounts(citizens: int, password_hash: str) -> dict[str, list[str]]:
    tree = _tree()
    birth_registration = db.session.scalar(select(Procedure).filter_by(code="1.001193"))
    centre = receiving_unit_for(birth_registration, "", tree)
    phones: dict[str, list[str]] = {"citizens": [], "officers": [], "postal": []}
    for i in range(citizens):
        user = _person(i, f"097{i:07d}", Role.CITIZEN, date(1970 + i % 35, 1 + i % 12, 1 + i % 28))
        user.password_hash = password_hash
        db.session.add(user)
        phones["citizens"].append(user.phone)
    for n, commune in enumerate(SERVED):
        unit = receiving_unit_for(birth_registration, commune, tree)
        for k in range(OFFICERS_PER_COMMUNE):
            i = 500_000 + n * OFFICERS_PER_COMMUNE + k
            user = _person(i, f"0986{i % 1_000_000:06d}", Role.OFFICER, date(1985, 3, 2))
            user.password_hash = password_hash
            user.units = [centre, unit]
            db.session.add(user)
            phones["officers"].append(user.phone)
    office = db.session.scalar(select(PostOffice).filter_by(code=DEMO_OFFICE_CODE))
    for k in range(POSTAL_STAFF):
        i = 700_000 + k
        user = _person(i, f"0985{i % 1_000_000:06d}", Role.POSTAL, date(1992, 7, 21))
        user.password_hash = password_hash
        user.post_office_id = office.id
        db.session.add(user)
        phones["postal"].append(user.phone)
    db.session.commit()
    return phones


def _tree() -> str:
    from flask import current_app

    return str(current_app.config["PROVINCE_TREE"])


def collected_pickups(citizen_phones: list[str], postal_phone: str) -> list[dict[str, int]]:
    """Home pickups of permanent-residence dossiers, collected by the post office."""
    procedure = db.session.scalar(select(Procedure).filter_by(code="1.004222"))
    office = db.session.scalar(select(PostOffice).filter_by(code=DEMO_OFFICE_CODE))
    worker = db.session.scalar(select(User).filter_by(phone=postal_phone))
    made = []
    for n, phone in enumerate(citizen_phones[:PICKUPS]):
        owner = db.session.scalar(select(User).filter_by(phone=phone))
        dossier = complete_demo_draft(owner, procedure, f"load-pickup-{n}", "online")
        for slot in offered_slots(office):
            try:
                book_pickup(
                    dossier,
                    slot,
                    commune_code=SERVED[n % len(SERVED)],
                    village=DEMO_VILLAGE,
                    landmark="Nhà sàn cạnh nhà văn hóa bản",
                    contact_phone=owner.phone,
                    actor=owner,
                )
                break
            except SlotFull:
                continue
        submit(dossier, owner)
        shipment = pickup_shipment(dossier)
        counted = [CountedDocument(d.code, True, "original") for d in procedure.documents]
        collect(shipment, worker, counted, seal_number=f"NP {n:04d}", fee=0, postage=26000)
        db.session.commit()
        payment = db.session.scalar(select(PostalPayment.id).filter_by(shipment_id=shipment.id))
        made.append({"shipment": shipment.id, "payment": payment})
    return made


def main() -> None:
    out, citizens = Path(sys.argv[1]), int(sys.argv[2])
    app = create_app()
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        phones = create_accounts(citizens, password_hash)
        pickups = collected_pickups(phones["citizens"], phones["postal"][0])
        codes = list(db.session.scalars(select(Dossier.code).where(Dossier.code.is_not(None))))
        units = db.session.scalar(select(db.func.count()).select_from(Unit))
        fixtures = {
            **phones,
            "password": PASSWORD,
            "password_method": app.config["PASSWORD_HASH_METHOD"],
            "pickups": pickups,
            "codes": codes,
            "communes": list(SERVED),
        }
    out.write_text(json.dumps(fixtures, ensure_ascii=False, indent=1))
    print(
        f"load accounts: {len(phones['citizens'])} citizens, {len(phones['officers'])} officers, "
        f"{len(phones['postal'])} post-office staff; {len(pickups)} collected pickups; "
        f"{len(codes)} dossier codes; {units} units; password hash "
        f"{app.config['PASSWORD_HASH_METHOD']}"
    )


if __name__ == "__main__":
    main()
