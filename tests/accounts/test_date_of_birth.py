"""The date of birth as three boxes, day / month / year (GOV.UK date input), on registration."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from helpers import born

from app.accounts.models import User
from app.core.dates import DatePartsError, parse_parts
from app.extensions import db


def registration(**changes: str) -> dict[str, str]:
    """A valid registration (female, born 1990, ID registered in Nghệ An: 040, 1, 90)."""
    data = {
        "full_name": "Lò Thị Mai",
        "phone": "0987 654 321",
        **born("1990-05-12"),
        "sex": "female",
        "id_number": "040 190 777 001",
        "email": "lo.thi.mai@example.vn",
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
    control = page.find(id=field_id)
    wrapper = control.find_parent(class_="field")
    assert wrapper is not None and "invalid" in wrapper["class"], field_id
    return " ".join(e.get_text(" ", strip=True) for e in wrapper.select(".error"))


def parts(day: str, month: str, year: str) -> dict[str, str]:
    return {"date_of_birth-ngay": day, "date_of_birth-thang": month, "date_of_birth-nam": year}


def test_the_form_shows_three_labelled_numeric_boxes_in_one_fieldset(client) -> None:
    page = soup(client.get("/dang-ky"))
    group = page.find(id="date_of_birth-group")
    assert group.name == "fieldset"
    assert group.legend.get_text(strip=True) == "Ngày sinh"
    boxes = group.find_all("input")
    assert [b["name"] for b in boxes] == [
        "date_of_birth-ngay",
        "date_of_birth-thang",
        "date_of_birth-nam",
    ]
    assert [group.find("label", attrs={"for": b["id"]}).text for b in boxes] == [
        "Ngày",
        "Tháng",
        "Năm",
    ]
    assert {b["inputmode"] for b in boxes} == {"numeric"}
    assert [b["class"] for b in boxes] == [["w2"], ["w2"], ["w4"]]
    assert [b["autocomplete"] for b in boxes] == ["bday-day", "bday-month", "bday-year"]
    assert not page.find("input", attrs={"type": "date"})
    assert group["aria-describedby"] == "date_of_birth-hint"


def test_a_real_date_registers(client) -> None:
    response = client.post("/dang-ky", data=registration(**parts("12", "5", "1990")))
    assert response.status_code in (302, 303), response.text
    assert users() == []  # the account waits for the phone to be proved


@pytest.mark.parametrize(
    ("typed", "message", "wrong"),
    [
        (("31", "02", "1990"), "Ngày sinh phải là một ngày có thật.", ["date_of_birth"]),
        (("12", "05", "90"), "Năm sinh phải có 4 chữ số", ["date_of_birth-nam"]),
        (("12", "13", "1990"), "tháng từ 1 đến 12", ["date_of_birth-thang"]),
        (("12", "", "1990"), "Ngày sinh phải có tháng.", ["date_of_birth-thang"]),
        (
            ("12", "05", "2990"),
            "Ngày sinh phải là một ngày trong quá khứ.",
            ["date_of_birth", "date_of_birth-thang", "date_of_birth-nam"],
        ),
    ],
)
def test_a_wrong_date_is_refused_kept_as_typed_and_the_wrong_box_marked(
    client, typed, message, wrong
) -> None:
    response = client.post("/dang-ky", data=registration(**parts(*typed)))
    assert response.status_code == 422
    page = soup(response)
    assert message in field_error(page, "date_of_birth")
    group = page.find(id="date_of_birth-group")
    assert "date_of_birth-error" in group["aria-describedby"].split()
    boxes = group.find_all("input")
    assert [b.get("value", "") for b in boxes] == list(typed)
    assert [b["id"] for b in boxes if b.get("aria-invalid") == "true"] == wrong
    assert page.find(id="error-summary").find("a", href="#date_of_birth")


def test_an_empty_date_of_birth_is_asked_for(client) -> None:
    response = client.post("/dang-ky", data=registration(**parts("", "", "")))
    assert response.status_code == 422
    assert "Vui lòng nhập ngày sinh." in field_error(soup(response), "date_of_birth")


def test_parse_parts_reads_an_empty_optional_date_as_none_and_names_missing_boxes() -> None:
    assert parse_parts(("", "", "")) is None
    assert parse_parts(("07", "3", "1990")).isoformat() == "1990-03-07"
    with pytest.raises(DatePartsError) as refused:
        parse_parts(("", "3", ""), what="Ngày sinh")
    assert str(refused.value) == "Ngày sinh phải có ngày và năm."
    assert refused.value.parts == ("ngay", "nam")
    with pytest.raises(DatePartsError, match="ghi bằng chữ số"):
        parse_parts(("１２", "3", "1990"))
