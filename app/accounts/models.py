from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from app.core import clock
from app.core.roles import ROLE_LABELS, STAFF_ROLES, Role
from app.core.text import fold
from app.extensions import db

# Staff belong to one or more units (a one-stop officer may serve two centres); officers see
# only the dossiers of their units.
unit_memberships = Table(
    "unit_memberships",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


def hash_password(password: str) -> str:
    """The installation's password hash (``PASSWORD_HASH_METHOD``; werkzeug's scrypt by default).

    The method is stored in the hash, so a hash made with another method still checks."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (the one place a hash is
    checked: signing in checks a stand-in hash through it too, app/accounts/signin.py)."""
    return check_password_hash(stored, password)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(10), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # full_name folded (app/core/text.fold: no case, no diacritics), kept by full_name's
    # validator: the staff list searches and sorts by it in SQL.
    name_key: Mapped[str] = mapped_column(String(120), default="", server_default="")
    id_number: Mapped[str | None] = mapped_column(String(12), unique=True)
    date_of_birth: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(6))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default=Role.CITIZEN)
    # Proof of consent to the privacy notice (Law 91/2025/QH15): when, and which version.
    privacy_consent_at: Mapped[datetime | None]
    privacy_notice_version: Mapped[str | None] = mapped_column(String(16))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Postal staff: the post office they work for (POSTAL_ROLES only).
    post_office_id: Mapped[int | None] = mapped_column(ForeignKey("post_offices.id"), index=True)
    # Who created the account, when it was not the citizen (a counter, a community team).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Community digital technology team members: their team (Role.COMMUNITY only).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("community_teams.id"), index=True)

    units = relationship("Unit", secondary=unit_memberships, order_by="Unit.code")
    post_office = relationship("PostOffice", foreign_keys=[post_office_id])
    team = relationship("CommunityTeam", back_populates="members", foreign_keys=[team_id])

    __table_args__ = (Index("ix_users_role_name_key", "role", "name_key"),)

    @validates("full_name")
    def _keep_name_key(self, key: str, value: str) -> str:
        self.name_key = fold(value or "")[:120]
        return value

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and verify_password(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(unit.id for unit in self.units)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]


class Consent(db.Model):
    """Proof that a citizen agreed to someone else handling their data for them (Law 91/2025:
    informed, specific, provable): who recorded it, when, how, and against which notice."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(30))  # CONSENT_PURPOSES
    method: Mapped[str] = mapped_column(String(12))  # CONSENT_METHODS
    notice_version: Mapped[str] = mapped_column(String(16))
    place: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=clock.now)

    citizen = relationship("User", foreign_keys=[citizen_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])


CONSENT_PURPOSES = {
    "account_on_behalf": "Tạo tài khoản giúp người dân",
    "dossier_on_behalf": "Nộp hồ sơ thay tại quầy bưu điện",
    "assisted": "Tổ công nghệ số cộng đồng hỗ trợ kê khai, nộp hồ sơ",
}
CONSENT_METHODS = {
    "paper": "Người dân ký xác nhận trên giấy",
    "sms_code": "Người dân xác nhận bằng mã gửi qua tin nhắn",
}


class OneTimeCode(db.Model):
    """A code sent by SMS to a citizen's phone: to confirm consent given to a helper, or to
    claim an account someone else opened for them. Only a keyed hash of the code is stored."""

    __tablename__ = "one_time_codes"
    __table_args__ = (Index("ix_one_time_codes_phone_created", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(12))  # consent | claim
    phone: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    # A new citizen's details wait here, unsaved as an account, until the code comes back.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]


class UserSession(db.Model):
    """A signed-in browser. The session cookie carries a random key; only its SHA-256 is stored.
    A request is signed in only while its row has not ended (logout, a new password, an
    administrator's reset or lock, "sign out everywhere", idle sign-out) and is younger than
    SESSION_DAYS, so a copied cookie opens nothing once its session has ended."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(16))  # app/accounts/sessions.py


class LoginThrottle(db.Model):
    """Wrong passwords in a row for a phone number, whether or not it has an account (so that
    waiting tells nothing), and until when it must wait (app/accounts/signin.py)."""

    __tablename__ = "login_throttles"

    phone: Mapped[str] = mapped_column(String(10), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    wait_until: Mapped[datetime | None]


class PendingSecret(db.Model):
    """A secret shown once to the administrator who made it (a staff one-time password, a new
    API token), between the POST that made it and the page that shows it. Stored XOR a random
    pad that only that administrator's session holds, so neither the row nor the cookie alone
    tells it; the showing deletes the row (app/accounts/shown_once.py)."""

    __tablename__ = "pending_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    sealed: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class AccountEvent(db.Model):
    """What happened to an account beyond signing in: details updated from the identity
    provider, an account joined at its first sign-in with VNeID, two accounts merged. ``detail``
    holds what changed (old and new values), so the history survives the change."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # app/accounts/operations/federation.py
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=clock.now)

    by = relationship("User", foreign_keys=[by_id])


class ProviderSignIn(db.Model):
    """A sign-in with the identity provider on one browser, kept on the server: the ID token
    its end-session request needs (id_token_hint) never travels in the cookie, which carries
    only a random key whose SHA-256 is stored here; the token is sealed under that key and
    SECRET_KEY (operations/federation.py). Deleted when the browser signs out there."""

    __tablename__ = "provider_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    id_token: Mapped[str] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
