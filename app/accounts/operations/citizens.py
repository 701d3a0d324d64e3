"""Citizens' accounts: made once their phone is proved (app/accounts/operations/registration.py),
or by someone helping them, with the consent they gave there. Flush only."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app.accounts.models import Consent, User
from app.core import clock
from app.core.errors import Invalid
from app.core.roles import Role
from app.extensions import db

PRIVACY_NOTICE_VERSION = "2026-01"


class AccountExists(Invalid):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


def register_citizen(
    *,
    full_name: str,
    phone: str,
    id_number: str,
    date_of_birth: date,
    sex: str,
    email: str,
    password_hash: str,
    consent_at: datetime,
) -> User:
    """The account of a citizen who registered and proved their phone with a code; the
    password was hashed when they typed it, the consent is theirs from that moment.
    :class:`AccountExists` if the phone or the ID number got an account in between (it is
    told only to whoever proved that phone)."""
    if db.session.scalar(select(User.id).filter_by(phone=phone)):
        raise AccountExists("phone", "Số điện thoại này đã có tài khoản. Hãy đăng nhập.")
    if db.session.scalar(select(User.id).filter_by(id_number=id_number)):
        raise AccountExists(
            "id_number",
            "Số định danh này vừa được dùng cho một tài khoản khác. Hãy đăng nhập, hoặc hỏi Bộ "
            "phận Một cửa.",
        )
    user = User(
        full_name=" ".join(full_name.split()),
        phone=phone,
        id_number=id_number,
        date_of_birth=date_of_birth,
        sex=sex,
        email=email or None,
        role=Role.CITIZEN,
        password_hash=password_hash,
        privacy_consent_at=consent_at,
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register_on_behalf(
    *,
    full_name: str,
    phone: str,
    id_number: str,
    date_of_birth: date,
    sex: str,
    helper: User,
    place: str,
    method: str = "paper",
) -> User:
    """A citizen's account made by someone helping them (a post-office clerk, a community team
    member): no password (the citizen claims it later with a code sent to their phone), and the
    consent the citizen gave there recorded (``method``: app.accounts.models.CONSENT_METHODS)."""
    if db.session.scalar(select(User.id).filter_by(phone=phone)):
        raise AccountExists("phone", "Số điện thoại này đã có tài khoản: hãy tìm theo số này.")
    if db.session.scalar(select(User.id).filter_by(id_number=id_number)):
        raise AccountExists("id_number", "Số định danh này đã có tài khoản: hãy tìm theo số này.")
    citizen = User(
        full_name=" ".join(full_name.split()),
        phone=phone,
        id_number=id_number,
        date_of_birth=date_of_birth,
        sex=sex,
        role=Role.CITIZEN,
        privacy_consent_at=clock.now(),
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
        created_by_id=helper.id,
    )
    db.session.add(citizen)
    db.session.flush()
    record_consent(citizen, helper, "account_on_behalf", place=place, method=method)
    return citizen


def record_consent(
    citizen: User, helper: User, purpose: str, *, place: str, method: str = "paper"
) -> Consent:
    """Proof of consent (Law 91/2025): who recorded it, when, where, how, which notice."""
    consent = Consent(
        citizen_id=citizen.id,
        recorded_by_id=helper.id,
        purpose=purpose,
        method=method,
        notice_version=PRIVACY_NOTICE_VERSION,
        place=place,
        at=clock.now(),
    )
    db.session.add(consent)
    return consent
