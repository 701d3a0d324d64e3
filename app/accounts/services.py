from __future__ import annotations

from sqlalchemy import select, update

from app.accounts import codes
from app.accounts.models import Consent, OneTimeCode, User, hash_password
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
    date_of_birth,
    sex: str,
    email: str,
    password: str,
) -> User:
    if db.session.scalar(select(User.id).filter_by(phone=phone)):
        raise AccountExists("phone", "Số điện thoại này đã có tài khoản. Hãy đăng nhập.")
    if db.session.scalar(select(User.id).filter_by(id_number=id_number)):
        raise AccountExists("id_number", "Số định danh này đã có tài khoản. Hãy đăng nhập.")
    user = User(
        full_name=" ".join(full_name.split()),
        phone=phone,
        id_number=id_number,
        date_of_birth=date_of_birth,
        sex=sex,
        email=email or None,
        role=Role.CITIZEN,
        privacy_consent_at=clock.now(),
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(phone: str, password: str) -> User | None:
    user = db.session.scalar(select(User).filter_by(phone=phone))
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user


def register_on_behalf(
    *,
    full_name: str,
    phone: str,
    id_number: str,
    date_of_birth,  # type: ignore[no-untyped-def]
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


def claimable_account(phone: str) -> User | None:
    """A citizen's account that someone opened for them and they have not claimed yet: it has
    no password, so only a code sent to its phone can open it."""
    return db.session.scalar(
        select(User).where(
            User.phone == phone,
            User.password_hash.is_(None),
            User.role == Role.CITIZEN,
            User.is_active_account.is_(True),
        )
    )


def send_claim_code(phone: str) -> tuple[OneTimeCode | None, str]:
    """Send a claim code to ``phone`` if it has a claimable account: ``(row, code)``.

    ``(None, "")`` when nothing was sent: no account, an account with a password, or a phone
    over its hourly limit. The caller answers the same in every case, so that the page never
    tells whether a phone has an account.
    """
    user = claimable_account(phone)
    if user is None:
        return None, ""
    try:
        return codes.issue("claim", phone, user=user)
    except codes.CodeRefused:
        return None, ""


def claim_account(row: OneTimeCode, password: str) -> User | None:
    """The citizen's first password, once the code ``row`` has been checked; ``None`` if the
    account got a password in the meantime (claimed from another browser), left unchanged.

    A guarded UPDATE, so two claims of the same account cannot both set a password."""
    claimed = db.session.execute(
        update(User)
        .where(User.id == row.user_id, User.password_hash.is_(None))
        .values(password_hash=hash_password(password))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    user = db.session.get(User, row.user_id)
    db.session.refresh(user)
    return user
