"""The administration of the working calendar: announced days off and make-up working days."""

from __future__ import annotations

from datetime import date

import pytest
from admin_helpers import (
    ordinary_working_day,
    page,
)
from sqlalchemy import func, select

from app.catalogue.models import CalendarOverride
from app.core import clock
from app.dossiers.calendar import upcoming_holidays, working_calendar
from app.extensions import db

pytestmark = pytest.mark.usefixtures("clean_units")


# --- calendar overrides -------------------------------------------------------------------------


def test_a_day_off_changes_the_working_calendar_and_can_be_removed(admin_client) -> None:
    day = ordinary_working_day()
    assert working_calendar().is_working_day(day)
    response = admin_client.post(
        "/quan-tri/ngay-nghi",
        data={"day": day.isoformat(), "kind": "day_off", "note": "Nghỉ bù theo thông báo"},
    )
    assert response.status_code == 303
    assert working_calendar().is_working_day(day) is False
    listing = admin_client.get("/quan-tri/ngay-nghi").text
    assert f"Đã thêm ngày {day:%d/%m/%Y}" in listing and "Nghỉ bù theo thông báo" in listing

    # Same date again: the row is updated, not duplicated.
    response = admin_client.post(
        "/quan-tri/ngay-nghi", data={"day": f"{day:%d/%m/%Y}", "kind": "working_day"}
    )
    assert response.status_code == 303
    rows = db.session.scalars(select(CalendarOverride)).all()
    assert [(r.day, r.kind, r.note) for r in rows] == [(day, "working_day", "")]
    assert "Đã cập nhật" in admin_client.get("/quan-tri/ngay-nghi").text
    assert working_calendar().is_working_day(day)

    admin_client.post("/quan-tri/ngay-nghi", data={"day": day.isoformat(), "kind": "day_off"})
    assert working_calendar().is_working_day(day) is False
    response = admin_client.post(f"/quan-tri/ngay-nghi/{rows[0].id}/xoa")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 0
    assert working_calendar().is_working_day(day)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "", "kind": "day_off"}, "Vui lòng chọn ngày."),
        ({"day": "31/02/2026", "kind": "day_off"}, "Ngày chưa đúng"),
        ({"day": "NEXT", "kind": ""}, "Vui lòng chọn loại ngày."),
        ({"day": "NEXT", "kind": "holiday"}, "Vui lòng chọn loại ngày."),
        ({"day": "FAR", "kind": "day_off"}, "Chỉ nhập ngày trong năm"),
        ({"day": "NEXT", "kind": "day_off", "note": "x" * 201}, "Tối đa 200 ký tự."),
    ],
)
def test_invalid_override_is_shown_again_with_422(admin_client, data, message) -> None:
    data = dict(data)
    if data["day"] == "NEXT":
        data["day"] = ordinary_working_day().isoformat()
    elif data["day"] == "FAR":
        data["day"] = f"{clock.today().year + 2}-01-02"
    response = admin_client.post("/quan-tri/ngay-nghi", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert page(response).find("input", attrs={"name": "day"})["value"] == data["day"]
    assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 0


def test_the_calendar_page_lists_the_next_official_holidays(admin_client) -> None:
    clock.freeze(clock.now().replace(year=2026, month=3, day=2))
    expected = upcoming_holidays(date(2026, 3, 2))
    assert len(expected) == 10
    # Hùng Kings' day (10/3 lunar) is Sunday 26/4/2026, observed on Monday 27/4.
    assert [h.day for h in expected[:2]] == [date(2026, 4, 26), date(2026, 4, 27)]
    html = page(admin_client.get("/quan-tri/ngay-nghi"))
    items = html.select(".holidays li")
    assert len(items) == 10
    assert "26/04/2026" in items[0].get_text() and "Giỗ Tổ Hùng Vương" in items[0].get_text()
    assert "01/01/2027" in items[8].get_text()
