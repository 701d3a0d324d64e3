"""Registration's form, login and logout through the web pages (with and without htmx); the code
that proves the phone is in test_register.py."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask_login import current_user
from helpers import PASSWORD, born, login

from app.accounts.models import User
from app.core.identity import MSG_ID_SEX, MSG_ID_YEAR
from app.extensions import db

HTMX = {"HX-Request": "true"}
PHONE_MESSAGE = "Số điện thoại di động chưa đúng"


def registration(**changes: str) -> dict[str, str]:
    """A valid registration (female, born 1990, ID registered in Nghệ An: 040, 1, 90)."""
    data = {
        "full_name": "Lò Thị  Mai",
        "phone": "0987 654 321",
        **born("1990-05-12"),
        "sex": "female",
        "id_number": "040 190 777 001",
        "email": "",
        "password": "mat-khau-rat-dai",
        "password_again": "mat-khau-rat-dai",
        "consent": "y",
    }
    data.update(changes)
    return data


def users() -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(User)))


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def field_error(page: BeautifulSoup, field_id: str) -> str:
    """The error text rendered next to the field (inside the same .field wrapper)."""
    control = page.find(id=field_id)
    assert control is not None, field_id
    wrapper = control.find_parent(class_="field")
    assert wrapper is not None and "invalid" in wrapper["class"], field_id
    return " ".join(e.get_text(" ", strip=True) for e in wrapper.select(".error"))


def summary_text(page: BeautifulSoup) -> str:
    box = page.find(id="error-summary")
    assert box is not None, "no error summary"
    return box.get_text(" ", strip=True)


def summary_links(page: BeautifulSoup) -> list[str]:
    return [a["href"] for a in page.select("#error-summary a")]


# --- registration -----------------------------------------------------------------------


def test_register_form_has_an_unticked_consent_box(client) -> None:
    page = soup(client.get("/dang-ky"))
    consent = page.find("input", attrs={"name": "consent"})
    assert consent is not None and consent["type"] == "checkbox"
    assert not consent.has_attr("checked")
    assert page.find("a", href="/chinh-sach-bao-mat") is not None


def test_register_without_consent_is_refused(client) -> None:
    data = registration()
    del data["consent"]
    response = client.post("/dang-ky", data=data)
    assert response.status_code == 422
    page = soup(response)
    assert "đồng ý" in field_error(page, "consent")
    assert "#consent" in summary_links(page)
    assert users() == []


def test_register_with_invalid_phone_shows_error_next_to_field_and_in_summary(client) -> None:
    response = client.post("/dang-ky", data=registration(phone="0123 456"))
    assert response.status_code == 422
    page = soup(response)
    assert PHONE_MESSAGE in field_error(page, "phone")
    assert PHONE_MESSAGE in summary_text(page)
    assert "#phone" in summary_links(page)
    assert page.find("html") is not None  # a plain request gets the whole page
    assert users() == []


def test_register_keeps_what_was_typed_after_an_error(client) -> None:
    response = client.post("/dang-ky", data=registration(phone="12"))
    page = soup(response)
    assert page.find(id="full_name")["value"] == "Lò Thị  Mai"
    # Passwords are never echoed back.
    assert not page.find(id="password").get("value")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sex": "male"}, MSG_ID_SEX),  # 4th digit 1 = female
        (born("1991-05-12"), MSG_ID_YEAR),  # digits 5-6 say 1990
    ],
)
def test_register_id_number_must_agree_with_birth_date_and_sex(client, changes, message) -> None:
    response = client.post("/dang-ky", data=registration(**changes))
    assert response.status_code == 422
    page = soup(response)
    assert message in field_error(page, "id_number")
    assert message in summary_text(page)
    assert users() == []


def test_register_id_number_must_have_12_digits(client) -> None:
    response = client.post("/dang-ky", data=registration(id_number="04019077"))
    assert response.status_code == 422
    assert "12 chữ số" in field_error(soup(response), "id_number")


def test_register_password_mismatch(client) -> None:
    response = client.post("/dang-ky", data=registration(password_again="mat-khau-khac-han"))
    assert response.status_code == 422
    page = soup(response)
    assert "Hai mật khẩu không giống nhau" in field_error(page, "password_again")
    assert "Hai mật khẩu không giống nhau" in summary_text(page)
    assert users() == []


def test_register_htmx_errors_return_the_form_fragment_with_422(client) -> None:
    response = client.post(
        "/dang-ky", data=registration(phone="123", password_again="x"), headers=HTMX
    )
    assert response.status_code == 422
    assert "<html" not in response.text
    assert "<body" not in response.text
    page = soup(response)
    assert page.find("form", id="register-form") is not None
    assert PHONE_MESSAGE in field_error(page, "phone")
    assert "Hai mật khẩu không giống nhau" in summary_text(page)
    assert "HX-Request" in response.headers.get("Vary", "")


@pytest.mark.parametrize(
    "typed", ["0912 345 678", "+84 912 345 678", "+84912345678", "0912.345.678"]
)
def test_login_by_phone_in_any_usual_form(client, make_user, typed) -> None:
    user = make_user(phone="0912345678")
    response = client.post("/dang-nhap", data={"phone": typed, "password": PASSWORD})
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/ho-so-cua-toi"
    with client:
        client.get("/ho-so-cua-toi")
        assert current_user.is_authenticated and current_user.id == user.id


def test_login_with_wrong_password(client, make_user) -> None:
    make_user(phone="0912345678")
    response = client.post("/dang-nhap", data={"phone": "0912345678", "password": "sai-mat-khau"})
    assert response.status_code == 422
    page = soup(response)
    assert "Số điện thoại hoặc mật khẩu chưa đúng." in field_error(page, "password")
    assert "Số điện thoại hoặc mật khẩu chưa đúng." in summary_text(page)
    assert client.get("/ho-so-cua-toi").status_code == 303


def test_login_unknown_phone_gives_the_same_message(client) -> None:
    response = client.post("/dang-nhap", data={"phone": "0912345678", "password": PASSWORD})
    assert response.status_code == 422
    assert "Số điện thoại hoặc mật khẩu chưa đúng." in response.text


def test_login_success_over_htmx_navigates_the_whole_page(client, make_user) -> None:
    user = make_user()
    response = client.post(
        "/dang-nhap?next=/tai-khoan",
        data={"phone": user.phone, "password": PASSWORD},
        headers=HTMX,
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/tai-khoan"
    assert client.get("/tai-khoan").status_code == 200


def test_login_htmx_error_is_a_fragment(client, make_user) -> None:
    make_user(phone="0912345678")
    response = client.post(
        "/dang-nhap", data={"phone": "0912345678", "password": "sai"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "<html" not in response.text
    assert soup(response).find("form", id="login-form") is not None


def test_login_follows_a_local_next_but_not_an_external_one(client, make_user) -> None:
    user = make_user()
    data = {"phone": user.phone, "password": PASSWORD}
    response = client.post("/dang-nhap?next=/tai-khoan", data=data)
    assert urlsplit(response.location).path == "/tai-khoan"
    client.post("/dang-xuat")
    response = client.post("/dang-nhap?next=https://evil.example/x", data=data)
    assert urlsplit(response.location).netloc in ("", "localhost")
    assert urlsplit(response.location).path == "/ho-so-cua-toi"


def test_logout_is_post_only(client, citizen) -> None:
    login(client, citizen)
    assert client.get("/dang-xuat").status_code == 405
    assert client.get("/ho-so-cua-toi").status_code == 200  # still signed in
    response = client.post("/dang-xuat")
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/"
    response = client.get("/ho-so-cua-toi")
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/dang-nhap"


def test_inactive_account_cannot_log_in(client, make_user) -> None:
    user = make_user(is_active_account=False)
    response = client.post("/dang-nhap", data={"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 422


def test_a_signed_in_user_changes_their_password(app, client, citizen) -> None:
    login(client, citizen)
    page = client.get("/tai-khoan/doi-mat-khau")
    assert page.status_code == 200 and "Mật khẩu hiện tại" in page.text
    wrong = client.post(
        "/tai-khoan/doi-mat-khau",
        data={
            "current": "sai-mat-khau",
            "password": "Moi-2026-abc",
            "password_again": "Moi-2026-abc",
        },
    )
    assert wrong.status_code == 422 and "Mật khẩu hiện tại chưa đúng" in wrong.text
    same = client.post(
        "/tai-khoan/doi-mat-khau",
        data={"current": PASSWORD, "password": PASSWORD, "password_again": PASSWORD},
    )
    assert same.status_code == 422 and "phải khác" in same.text
    done = client.post(
        "/tai-khoan/doi-mat-khau",
        data={"current": PASSWORD, "password": "Moi-2026-abc", "password_again": "Moi-2026-abc"},
    )
    assert done.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, citizen.id)
    assert user.check_password("Moi-2026-abc") and not user.check_password(PASSWORD)
