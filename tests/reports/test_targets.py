"""The administrator sets each unit's online-share target; the dashboard draws it."""

from __future__ import annotations

from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from reports_world import seed
from sqlalchemy import select

from app.catalogue.models import Unit
from app.core import clock
from app.extensions import db


@pytest.fixture
def unit(app):  # type: ignore[no-untyped-def]
    """A seeded commune centre (units are seeded once per backend: its target is put back)."""
    chosen = db.session.scalar(select(Unit).where(Unit.commune_code.is_not(None)).order_by(Unit.id))
    yield chosen
    db.session.rollback()
    db.session.get(Unit, chosen.id).online_target = None
    db.session.commit()


def _data(unit: Unit, target: str) -> dict[str, str]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "commune_code": unit.commune_code or "",
        "parent_name": unit.parent_name,
        "address": "Khối 2, xã Mường Xén, tỉnh Nghệ An",
        "support_phone": "0238 3844 123",
        "online_target": target,
    }


@pytest.mark.parametrize(
    ("typed", "saved"), [("12,5", 12.5), ("20 %", 20.0), ("0", 0.0), ("", None)]
)
def test_the_administrator_sets_a_target(admin_client, unit, typed, saved) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(f"/quan-tri/don-vi/{unit.id}", data=_data(unit, typed))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).online_target == saved
    form = BeautifulSoup(admin_client.get(f"/quan-tri/don-vi/{unit.id}").data, "html.parser")
    shown = form.find("input", attrs={"name": "online_target"})["value"]
    assert shown == ("" if saved is None else f"{saved:g}".replace(".", ","))


@pytest.mark.parametrize("typed", ["hai mươi", "150", "-3", "=1+1"])
def test_a_target_that_is_not_a_percentage_is_refused(admin_client, unit, typed) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(f"/quan-tri/don-vi/{unit.id}", data=_data(unit, typed))
    assert response.status_code == 422
    assert "Chỉ tiêu là một số phần trăm từ 0 đến 100" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).online_target is None


def test_the_dashboard_draws_the_target(admin_client, unit, citizen) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 12, 15, 9))
    seed(citizen.id)
    admin_client.post(f"/quan-tri/don-vi/{unit.id}", data=_data(unit, "99"))
    page = BeautifulSoup(admin_client.get("/can-bo/thong-ke").data, "html.parser")
    table = page.find(id="kenh-nop").find_next("table")
    row = next(tr for tr in table.select("tbody tr") if tr.th.get_text() == unit.name)
    assert row.find_all("td")[-1].get_text() == "99,0"
    chart = page.select_one("svg.chart")
    assert len(chart.select("line")) == 1  # only this unit has a target
    assert chart.select_one("line")["x1"] == str(round(250 * 0.99, 1))
    assert any(rect.get("fill") == "#b3261e" for rect in chart.select("rect"))  # below target
