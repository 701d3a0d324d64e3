"""What a password must be (app/accounts/passwords.py, pure), and where it is checked: registering,
changing one's password, claiming an account, resetting (test_register.py, test_reset.py)."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import PASSWORD, login

from app.accounts import passwords
from app.accounts.models import User
from app.extensions import db

PERSON = {
    "phone": "0912345678",
    "full_name": "Nguyễn Thị Hoa",
    "id_number": "040190000123",
    "date_of_birth": date(1990, 5, 12),
}


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        # Too short: 9 characters, however mixed.
        ("Demo@2026", passwords.TOO_SHORT),
        ("", passwords.TOO_SHORT),
        ("x" * 129, passwords.TOO_LONG),
        # The most used passwords, Vietnamese favourites and zxcvbn's own lists.
        ("matkhau123", passwords.COMMON),
        ("Mật khẩu 123", passwords.COMMON),  # compared without diacritics, case or spaces
        ("12345678910", passwords.COMMON),
        ("anhyeuem123", passwords.COMMON),
        ("password123", passwords.COMMON),
        ("qwertyuiop12", passwords.COMMON),
        # Easy to guess: repeats, sequences, a favourite with a year.
        ("aaaaaaaaaaaa", passwords.WEAK),
        ("abcdefghijk1", passwords.WEAK),
        ("Matkhau@2026", passwords.WEAK),
        ("motcua2026!", passwords.WEAK),
        # The person's own details.
        ("0912345678", passwords.PERSONAL),
        ("+84912345678", passwords.PERSONAL),
        ("Hoa@0912.345.678", passwords.PERSONAL),
        ("040190000123", passwords.PERSONAL),
        ("hoa12051990!", passwords.PERSONAL),
        ("Hoa-1990-05-12", passwords.PERSONAL),  # the birth date, written any way
        ("NguyenThiHoa!!", passwords.PERSONAL),
        ("Nguyễn Thị Hoa 2026", passwords.PERSONAL),
    ],
)
def test_refused(password: str, expected: str) -> None:
    assert passwords.problem(password, **PERSON) == expected


@pytest.mark.parametrize(
    "password",
    [
        "Mat-khau-thu-2026",
        "xoài chín ngọt lắm",  # a sentence with diacritics
        "Hoa-Binh-Xanh-2026",
        "ca phe sua da buoi sang",
        "T4m#9vL!qZ2w",
        "Trâu-ăn-cỏ-bên-suối-12",
        "a" * 60 + "Xy9!qZ2wT4m#",  # long: only the first 72 characters are estimated
    ],
)
def test_accepted(password: str) -> None:
    assert passwords.problem(password, **PERSON) is None


def test_the_persons_details_are_what_makes_it_refused() -> None:
    """The same password is fine for someone else."""
    assert passwords.problem("Hoa@0912.345.678", **PERSON) == passwords.PERSONAL
    other = {**PERSON, "phone": "0987000111", "full_name": "Lò Văn Pằn"}
    assert passwords.problem("Hoa@0912.345.678", **other) is None


def test_the_messages_say_what_to_do() -> None:
    for message in (passwords.TOO_SHORT, passwords.COMMON, passwords.WEAK, passwords.PERSONAL):
        assert message.endswith(".")
    assert "10 ký tự" in passwords.TOO_SHORT
    assert "Hãy" in passwords.WEAK and "Hãy chọn mật khẩu khác" in passwords.PERSONAL


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Abcd-1234", "ít nhất 10 ký tự"),
        ("matkhau123", "bị dùng nhiều nhất"),
        ("Hoa0912345678", "số điện thoại"),
    ],
)
def test_changing_ones_password_checks_the_new_one(app, client, make_user, new, message) -> None:
    user = make_user(phone="0912345678", full_name="Nguyễn Thị Hoa")
    login(client, user)
    response = client.post(
        "/tai-khoan/doi-mat-khau",
        data={"current": PASSWORD, "password": new, "password_again": new},
    )
    assert response.status_code == 422
    assert message in response.text
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)
