"""Registering: the phone is proved with a code before the account exists.

The details typed (with the password already hashed) wait in the code's row until the code comes
back. A phone or an ID number that already has an account gets no code: the phone of that account
gets an SMS saying so, with how to sign in, claim it or reset the password, and the page answers
exactly as when a code was sent. Flush only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.accounts import codes
from app.accounts.models import OneTimeCode, User, hash_password
from app.accounts.operations.citizens import register_citizen
from app.accounts.queries import user_by_id_number, user_by_phone
from app.core import clock

HAS_ACCOUNT = (
    "Một Cửa: số điện thoại này đã có tài khoản, không cần đăng ký lại. Hãy đăng nhập; quên mật "
    "khẩu thì chọn Quên mật khẩu ở trang đăng nhập."
)
HAS_UNCLAIMED_ACCOUNT = (
    "Một Cửa: số điện thoại này đã có tài khoản do người khác tạo giúp. Hãy chọn Nhận tài khoản "
    "ở trang đăng nhập để đặt mật khẩu."
)
ID_HAS_ACCOUNT = (
    "Một Cửa: có người vừa đăng ký bằng số định danh của Ông/Bà, đã có tài khoản với số điện "
    "thoại này. Hãy đăng nhập hoặc chọn Quên mật khẩu. Không phải Ông/Bà? Báo Bộ phận Một cửa."
)


def _tell_owner(owner: User, text: str) -> None:
    codes.notify(owner.phone, "account_exists", text, owner)


def start_registration(details: dict[str, Any], password: str) -> tuple[OneTimeCode | None, str]:
    """Send the code that proves ``details["phone"]``: ``(row, code)``; ``(None, "")`` when no
    code was sent (the phone or the ID number has an account, or the phone had its codes for
    the hour). The caller answers the same way in every case.

    The password is hashed first whatever happens, so the answer takes as long either way."""
    password_hash = hash_password(password)
    by_phone = user_by_phone(details["phone"])
    by_id = user_by_id_number(details["id_number"])
    if by_phone is not None:
        _tell_owner(
            by_phone, HAS_UNCLAIMED_ACCOUNT if by_phone.password_hash is None else HAS_ACCOUNT
        )
    if by_id is not None and by_id is not by_phone:
        _tell_owner(by_id, ID_HAS_ACCOUNT)
    if by_phone is not None or by_id is not None:
        return None, ""
    payload = {
        **details,
        "date_of_birth": details["date_of_birth"].isoformat(),
        "password_hash": password_hash,
        "consent_at": clock.now().isoformat(),
    }
    try:
        return codes.issue("register", details["phone"], payload=payload)
    except codes.CodeRefused:
        return None, ""


def resend(row: OneTimeCode | None) -> tuple[OneTimeCode | None, str]:
    """ "Send the code again": a new code with the same details (which leave the old row)."""
    if row is None or not row.payload:
        return None, ""
    try:
        new_row, code = codes.issue("register", row.phone, payload=row.payload)
    except codes.CodeRefused:
        return None, ""
    row.payload = None
    return new_row, code


def finish_registration(row: OneTimeCode) -> User:
    """The account, once the code ``row`` has matched; the details leave the code's row.
    :class:`~app.accounts.operations.citizens.AccountExists` if the phone or the ID number got
    an account in between."""
    details = dict(row.payload or {})
    codes.use(row)
    row.payload = None
    return register_citizen(
        full_name=details["full_name"],
        phone=details["phone"],
        id_number=details["id_number"],
        date_of_birth=date.fromisoformat(details["date_of_birth"]),
        sex=details["sex"],
        email=details.get("email") or "",
        password_hash=details["password_hash"],
        consent_at=datetime.fromisoformat(details["consent_at"]),
    )
