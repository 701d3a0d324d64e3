"""Accounts writes: citizens registering or registered by a helper, their consent, claiming an
account, passwords; staff accounts made and changed by the administrator. They flush; the
request (or the CLI) commits. Refusals are :class:`~app.core.errors.Invalid` on a form field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select, update

from app.accounts import affiliations, codes
from app.accounts.models import Consent, OneTimeCode, User, hash_password
from app.accounts.queries import claimable_account, units_by_id, user_by_phone
from app.accounts.staff import MANAGED_ROLES, ROLES_NEEDING_UNIT, generate_password
from app.catalogue.models import Unit
from app.core import clock
from app.core.errors import Invalid
from app.core.roles import Role
from app.core.text import normalise_spaces
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


def change_password(user: User, current: str, new: str) -> None:
    """Anyone signed in; staff replace the one-time password the administrator gave them."""
    if not user.check_password(current):
        raise Invalid("Mật khẩu hiện tại chưa đúng.", "current")
    if new == current:
        raise Invalid("Mật khẩu mới phải khác mật khẩu hiện tại.", "password")
    user.set_password(new)
    db.session.flush()


# --- staff accounts, by the administrator -------------------------------------------------------


def _units(role: str, unit_ids: Iterable[int]) -> list[Unit]:
    ids = set(unit_ids)
    units = units_by_id(ids)
    if len(units) != len(ids):
        raise Invalid("Một đơn vị đã chọn không còn tồn tại. Hãy chọn lại.", "units")
    if role in ROLES_NEEDING_UNIT and not units:
        raise Invalid(
            "Cán bộ một cửa và chuyên viên phải thuộc ít nhất một đơn vị: họ chỉ thấy hồ sơ của "
            "đơn vị mình.",
            "units",
        )
    return units


def create_staff(
    *,
    phone: str,
    full_name: str,
    role: str,
    unit_ids: Iterable[int],
    affiliated: Mapping[str, int | None] | None = None,
) -> tuple[User, str]:
    """Create a staff account with a one-time password; returns the user and that password.

    ``phone`` must already be normalised (0XXXXXXXXX). ``affiliated``: the id chosen for each
    registered affiliation (app/accounts/affiliations.py), by field: ``{"post_office": 3}``.
    """
    if role not in MANAGED_ROLES:
        raise Invalid("Vui lòng chọn vai trò.", "role")
    existing = user_by_phone(phone)
    if existing is not None:
        kind = "tài khoản công dân" if existing.role == Role.CITIZEN else "tài khoản cán bộ"
        raise Invalid(
            f"Số điện thoại này đã có {kind} ({existing.full_name}). Mỗi số chỉ dùng cho một "
            "tài khoản; hãy dùng số khác.",
            "phone",
        )
    units = _units(role, unit_ids)
    user = User(
        phone=phone,
        full_name=normalise_spaces(full_name),
        role=role,
        is_active_account=True,
        units=units,
        **affiliations.checked(role, affiliated or {}, {}),
    )
    password = generate_password()
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user, password


def update_staff(
    user: User,
    actor: User,
    *,
    full_name: str,
    role: str,
    unit_ids: Iterable[int],
    active: bool,
    affiliated: Mapping[str, int | None] | None = None,
) -> User:
    if role not in MANAGED_ROLES:
        raise Invalid("Vui lòng chọn vai trò.", "role")
    if user.id == actor.id:
        if role != Role.ADMIN:
            raise Invalid(
                "Bạn không thể tự bỏ quyền quản trị của mình. Hãy nhờ một quản trị viên khác.",
                "role",
            )
        if not active:
            raise Invalid(
                "Bạn không thể tự khóa tài khoản của mình. Hãy nhờ một quản trị viên khác.",
                "active",
            )
    units = _units(role, unit_ids)
    current = {a.field: getattr(user, f"{a.field}_id") for a in affiliations.registered()}
    columns = affiliations.checked(role, affiliated or {}, current)
    user.full_name = normalise_spaces(full_name)
    user.role = role
    user.units = units
    for column, value in columns.items():
        setattr(user, column, value)
    user.is_active_account = active
    db.session.flush()
    return user


def reset_password(user: User) -> str:
    """Replace the password with a new one-time password and return it."""
    if user.role not in MANAGED_ROLES:
        raise Invalid("Chỉ cấp lại mật khẩu cho tài khoản cán bộ ở trang này.")
    password = generate_password()
    user.set_password(password)
    db.session.flush()
    return password
