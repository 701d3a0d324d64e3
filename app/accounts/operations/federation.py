"""One person, one account: the personal ID number the identity provider vouches for is the link.

* The first sign-in with VNeID makes the citizen's account from the verified claims, or joins
  the account a volunteer or a clerk opened (or the citizen registered) for the same ID number
  (no claim code: the provider proved who it is), so "Hồ sơ của tôi" shows what was filed for
  them on any channel.
* A name, phone, date of birth or sex that differs from the provider's is updated, with an
  :class:`~app.accounts.models.AccountEvent` holding the old and new values.
* An administrator merges two accounts of one person: everything that pointed at the other one
  (dossiers, payments, consents, account events…, found through the schema's foreign keys, so
  a new table is never forgotten) moves to the one kept, but for append-only history (a
  table whose ``info`` says so: the dossiers' events keep naming who acted, as written). The
  other stays as a locked record of what it was, with no ID number, signed out everywhere;
  both accounts' histories record the merge.
* The ID token an end-session request needs is kept here (ProviderSignIn), keyed by a random
  key that only the browser's cookie holds, and sealed under that key with SECRET_KEY (it
  carries the person's claims): neither the row nor the cookie alone opens it.

Flush only.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update

from app.accounts.models import AccountEvent, ProviderSignIn, User
from app.accounts.oidc import Identity
from app.accounts.operations.citizens import PRIVACY_NOTICE_VERSION
from app.accounts.operations.sessions import EVERYWHERE, end_all
from app.core import clock
from app.core.errors import Invalid
from app.core.roles import Role
from app.core.sealing import Unreadable, seal, unseal
from app.extensions import db

# AccountEvent.kind
CREATED = "created_by_provider"
JOINED = "joined_by_provider"
UPDATED = "updated_by_provider"
MERGED = "merged"
MERGED_INTO = "merged_into"
# Provider sign-ins older than this are forgotten (the provider's session is long over).
KEPT = timedelta(days=31)
SEALED = "provider_id_token"


class CannotSignIn(Exception):
    """The provider vouched for someone this site cannot sign in; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _changes(user: User, identity: Identity) -> dict[str, list[Any]]:
    """What the provider says differently: {field: [ours, theirs]} (nothing it left out)."""
    theirs = {
        "full_name": identity.full_name or None,
        "phone": identity.phone,
        "date_of_birth": identity.date_of_birth,
        "sex": identity.sex,
    }
    return {
        field: [_plain(getattr(user, field)), _plain(value)]
        for field, value in theirs.items()
        if value is not None and getattr(user, field) != value
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _phone_owner(phone: str | None, user_id: int | None) -> User | None:
    if not phone:
        return None
    owner = db.session.scalar(select(User).filter_by(phone=phone))
    return owner if owner is not None and owner.id != user_id else None


def _update(user: User, identity: Identity) -> None:
    changes = _changes(user, identity)
    if "phone" in changes and _phone_owner(identity.phone, user.id) is not None:
        # Another account holds that phone: kept as it is until an administrator merges them.
        changes.pop("phone")
    for field, (_, value) in changes.items():
        setattr(user, field, identity.date_of_birth if field == "date_of_birth" else value)
    if changes:
        record(user, UPDATED, changes)


def record(user: User, kind: str, detail: dict[str, Any], by: User | None = None) -> None:
    db.session.add(
        AccountEvent(user_id=user.id, kind=kind, detail=detail, by_id=by and by.id, at=clock.now())
    )


def account_for(identity: Identity) -> User:
    """The account of the person the provider vouched for: found by ID number (joined and
    brought up to date), or made. :class:`CannotSignIn` when it is locked, or when a new one
    cannot be made (no phone given, or the phone is another account's)."""
    user = db.session.scalar(select(User).filter_by(id_number=identity.id_number))
    if user is not None:
        if not user.is_active_account:
            raise CannotSignIn("locked")
        if not _linked(user):
            opened_by = {
                "opened_by_id": user.created_by_id,
                "had_password": bool(user.password_hash),
            }
            record(
                user, JOINED, {"subject": identity.subject, "level": identity.level, **opened_by}
            )
        _update(user, identity)
        db.session.flush()
        return user
    if not identity.phone or not identity.full_name:
        raise CannotSignIn("no_phone")
    if _phone_owner(identity.phone, None) is not None:
        raise CannotSignIn("phone_taken")
    user = User(
        full_name=identity.full_name,
        phone=identity.phone,
        id_number=identity.id_number,
        date_of_birth=identity.date_of_birth,
        sex=identity.sex,
        role=Role.CITIZEN,
        privacy_consent_at=clock.now(),
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
    )
    db.session.add(user)
    db.session.flush()
    record(user, CREATED, {"subject": identity.subject, "level": identity.level})
    return user


def _linked(user: User) -> bool:
    """Whether the account has signed in with the provider before (made or joined by it)."""
    linked = select(AccountEvent.id).filter_by(user_id=user.id)
    return bool(db.session.scalar(linked.where(AccountEvent.kind.in_((CREATED, JOINED)))))


# --- the ID token an end-session request needs, on the server ------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _sealing_key(key: str) -> str:
    return f"{current_app.config['SECRET_KEY']}:{key}"


def keep_provider_sign_in(user: User, id_token: str) -> str:
    """Keep ``id_token`` for this browser's sign-out at the provider: the key its cookie holds."""
    now = clock.now()
    db.session.execute(delete(ProviderSignIn).where(ProviderSignIn.created_at < now - KEPT))
    key = secrets.token_urlsafe(32)
    sealed = seal(id_token, secret_key=_sealing_key(key), purpose=SEALED, at=now)
    db.session.add(
        ProviderSignIn(key_hash=_hash(key), user_id=user.id, id_token=sealed, created_at=now)
    )
    db.session.flush()
    return key


def take_provider_sign_in(key: str) -> str | None:
    """The ID token kept under ``key``, forgotten at once (a sign-out uses it once)."""
    if not key or not isinstance(key, str):
        return None
    row = db.session.scalar(select(ProviderSignIn).filter_by(key_hash=_hash(key)))
    if row is None:
        return None
    db.session.delete(row)
    db.session.flush()
    try:
        return unseal(row.id_token, secret_key=_sealing_key(key), purpose=SEALED)
    except Unreadable:  # SECRET_KEY rotated since: signed out here only
        return None


# --- merging two accounts of one person ----------------------------------------------------


class CannotMerge(Invalid):
    pass


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "full_name": user.full_name,
        "phone": user.phone,
        "id_number": user.id_number,
        "date_of_birth": _plain(user.date_of_birth),
        "sex": user.sex,
        "created_at": _plain(user.created_at),
        "created_by_id": user.created_by_id,
    }


def merge(keep: User, other: User, admin: User) -> dict[str, int]:
    """Move everything of ``other`` to ``keep`` and lock ``other``: rows moved per table."""
    if keep.id == other.id:
        raise CannotMerge("Hãy chọn hai tài khoản khác nhau.", "other")
    if keep.role != Role.CITIZEN or other.role != Role.CITIZEN:
        raise CannotMerge("Chỉ gộp được hai tài khoản người dân.", "other")
    if keep.id_number and other.id_number and keep.id_number != other.id_number:
        raise CannotMerge("Hai tài khoản có số định danh khác nhau: không phải một người.", "other")
    snapshot = _snapshot(other)
    end_all(other.id, EVERYWHERE)
    moved: dict[str, int] = {}
    users = User.__table__.c.id
    for table in db.metadata.sorted_tables:
        if table.name == "users" or table.info.get("append_only"):
            continue
        for column in table.columns:
            if any(fk.column is users for fk in column.foreign_keys):
                result = db.session.execute(
                    update(table).where(column == other.id).values({column.name: keep.id})
                )
                if result.rowcount:
                    moved[f"{table.name}.{column.name}"] = result.rowcount
    made = update(User).where(User.created_by_id == other.id).values(created_by_id=keep.id)
    db.session.execute(made)
    other.id_number, other.is_active_account = None, False
    db.session.flush()
    if not keep.id_number and snapshot["id_number"]:
        keep.id_number = snapshot["id_number"]
    record(keep, MERGED, {"merged": snapshot, "moved": moved}, by=admin)
    record(other, MERGED_INTO, {"kept_id": keep.id}, by=admin)
    db.session.flush()
    return moved
