from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.core import clock
from app.core.permissions import Role
from app.extensions import db

PRIVACY_NOTICE_VERSION = "2026-01"


class AccountExists(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


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
