"""Demo accounts: one per role, all with the published demo password. Demo mode only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.core.roles import Role
from app.extensions import db

DEMO_PASSWORD = "Demo@2026"
DEMO_ACCOUNTS = [
    # phone, name, role, ID number, date of birth, sex
    ("0912000001", "Nguyễn Thị Hoa", Role.CITIZEN, "040190000123", date(1990, 5, 12), "female"),
    ("0912000002", "Trần Văn Minh", Role.OFFICER, "040085000456", date(1985, 3, 2), "male"),
    ("0912000003", "Lê Thị Lan", Role.POSTAL, "040192000789", date(1992, 7, 21), "female"),
    ("0912000004", "Lô Văn Pằn", Role.COMMUNITY, "040088000321", date(1988, 1, 9), "male"),
    ("0912000005", "Phạm Quốc Anh", Role.ADMIN, "040080000654", date(1980, 11, 30), "male"),
    ("0912000006", "Hồ Thị Thu", Role.SPECIALIST, "040187000987", date(1987, 6, 15), "female"),
    ("0912000007", "Vi Văn Thắng", Role.POSTAL_HEAD, "040083000246", date(1983, 4, 4), "male"),
]


def create_demo_accounts(tree: str) -> int:
    centre = db.session.scalar(select(Unit).filter_by(code=f"000.00.00.{tree}"))
    created = 0
    for phone, name, role, id_number, born, sex in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).filter_by(phone=phone)):
            continue
        user = User(
            phone=phone,
            full_name=name,
            role=role,
            id_number=id_number,
            date_of_birth=born,
            sex=sex,
            privacy_consent_at=clock.now(),
            privacy_notice_version="2026-01",
            units=[centre] if role in (Role.OFFICER, Role.SPECIALIST) else [],
        )
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        created += 1
    db.session.flush()
    return created
