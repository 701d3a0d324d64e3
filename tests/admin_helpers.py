"""Fixtures and helpers of the administration's tests (tests/*/test_admin.py).

The administration is one role's pages spread over the domains that own them; a test module
imports the fixtures it uses from here.
"""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core import clock
from app.dossiers.deadlines import WorkingCalendar
from app.extensions import db

HTMX = {"HX-Request": "true"}
NEW_CODE = "000.99.01.H40"


def commune_units(n: int) -> list[Unit]:
    return list(
        db.session.scalars(
            select(Unit).where(Unit.kind == "commune_centre").order_by(Unit.code).limit(n)
        )
    )


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def shown_password(response) -> str | None:  # type: ignore[no-untyped-def]
    tag = page(response).select_one(".password")
    return tag.get_text(strip=True) if tag else None


def admin_urls(unit_id: int, user_id: int, override_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/quan-tri/"),
        ("GET", "/quan-tri/don-vi"),
        ("GET", "/quan-tri/don-vi/moi"),
        ("POST", "/quan-tri/don-vi/moi"),
        ("GET", f"/quan-tri/don-vi/{unit_id}"),
        ("POST", f"/quan-tri/don-vi/{unit_id}"),
        ("POST", f"/quan-tri/don-vi/{unit_id}/xoa"),
        ("GET", f"/quan-tri/don-vi/{unit_id}/tai-khoan-thu"),
        ("POST", f"/quan-tri/don-vi/{unit_id}/tai-khoan-thu"),
        ("POST", f"/quan-tri/don-vi/{unit_id}/tai-khoan-thu/xoa"),
        # Transfers into an account no unit collects into (any id: the role is refused first).
        ("GET", "/quan-tri/chuyen-khoan/"),
        ("GET", f"/quan-tri/chuyen-khoan/{unit_id}"),
        ("POST", f"/quan-tri/chuyen-khoan/{unit_id}"),
        ("GET", "/quan-tri/can-bo"),
        ("GET", "/quan-tri/gop-tai-khoan"),
        ("POST", "/quan-tri/gop-tai-khoan"),
        ("GET", "/quan-tri/can-bo/moi"),
        ("POST", "/quan-tri/can-bo/moi"),
        ("GET", f"/quan-tri/can-bo/{user_id}"),
        ("POST", f"/quan-tri/can-bo/{user_id}"),
        ("POST", f"/quan-tri/can-bo/{user_id}/cap-lai-mat-khau"),
        ("GET", f"/quan-tri/can-bo/{user_id}/mat-khau"),
        ("GET", "/quan-tri/ngay-nghi"),
        ("POST", "/quan-tri/ngay-nghi"),
        ("POST", f"/quan-tri/ngay-nghi/{override_id}/xoa"),
        # Post offices (tests/postal/test_admin.py covers them in depth); the refusals
        # here come before any object is loaded, so the ids need not exist.
        ("GET", "/quan-tri/buu-cuc"),
        ("GET", "/quan-tri/buu-cuc/moi"),
        ("POST", "/quan-tri/buu-cuc/moi"),
        ("GET", "/quan-tri/buu-cuc/9"),
        ("POST", "/quan-tri/buu-cuc/9"),
        ("GET", "/quan-tri/buu-cuc/9/lich"),
        ("POST", "/quan-tri/buu-cuc/9/lich/khung-gio"),
        ("POST", "/quan-tri/buu-cuc/9/lich/khung-gio/9/xoa"),
        ("POST", "/quan-tri/buu-cuc/9/lich/ngay-nghi"),
        ("POST", "/quan-tri/buu-cuc/9/lich/ngay-nghi/9/xoa"),
        ("GET", "/quan-tri/buu-cuc/9/khoa-api"),
        ("POST", "/quan-tri/buu-cuc/9/khoa-api"),
        ("GET", "/quan-tri/buu-cuc/9/khoa-api/9"),
        ("POST", "/quan-tri/buu-cuc/9/khoa-api/9/thu-hoi"),
        # Community teams and the helpers' guide (tests/assist/test_admin.py covers them).
        ("GET", "/quan-tri/to-cong-nghe"),
        ("GET", "/quan-tri/to-cong-nghe/moi"),
        ("POST", "/quan-tri/to-cong-nghe/moi"),
        ("GET", "/quan-tri/to-cong-nghe/9"),
        ("POST", "/quan-tri/to-cong-nghe/9"),
        ("GET", "/quan-tri/thu-tuc"),
        ("GET", "/quan-tri/thu-tuc/1.001193/huong-dan"),
        ("POST", "/quan-tri/thu-tuc/1.001193/huong-dan"),
        # The outbox (tests/notifications/test_admin.py covers it).
        ("GET", "/quan-tri/tin-nhan"),
        ("GET", "/quan-tri/tin-nhan/9"),
        ("POST", "/quan-tri/tin-nhan/9/gui-lai"),
    ]


def unit_data(**overrides: str) -> dict[str, str]:
    data = {
        "code": NEW_CODE,
        "name": "Điểm tiếp nhận Bản Phà Khảo",
        "kind": "commune_centre",
        "commune_code": "",
        "parent_name": "",
        "address": "Bản Phà Khảo, xã Mường Lống",
        "support_phone": "0238 3844 123",
    }
    data.update(overrides)
    return data


def edit_data(user: User, **overrides) -> dict:  # type: ignore[no-untyped-def,type-arg]
    data = {
        "full_name": user.full_name,
        "role": user.role,
        "units": [str(i) for i in sorted(user.unit_ids)],
        "active": "y" if user.is_active_account else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def ordinary_working_day() -> date:
    """A working day at least a week ahead, this year or next."""
    official = WorkingCalendar()
    day = clock.today() + timedelta(days=7)
    while not official.is_working_day(day) or day.weekday() >= 5:
        day += timedelta(days=1)
    assert day.year <= clock.today().year + 1
    return day
