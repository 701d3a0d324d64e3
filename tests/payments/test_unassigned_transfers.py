"""Transfers into an account no unit collects into: no unit's staff ever sees them; the
administrator (/quan-tri/chuyen-khoan, linked from the administration's home) sends one to a
unit's reconciliation queue or marks it not ours, with a note."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers import staff_client
from sqlalchemy import select

from app.catalogue.models import Unit
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.payments import queries
from app.payments.models import IncomingTransfer, Payment
from app.payments.operations.transfers import Reported, receive

ADMIN = "/quan-tri/chuyen-khoan/"
QUEUE = "/can-bo/doi-soat/"
STRANGE_ACCOUNT = "1903 5566 7788 99"


def arrived(external_id: str, content: str, amount: int) -> IncomingTransfer:
    transfer = receive(
        Reported(
            source="sepay",
            external_id=external_id,
            account_number=STRANGE_ACCOUNT,
            amount=amount,
            content=content,
            bank="Techcombank",
            bank_reference=f"FT26342{external_id}",
            transferred_at=datetime(2026, 12, 7, 9, 40),
        )
    ).transfer
    db.session.commit()
    return transfer


@pytest.fixture
def stray(app) -> IncomingTransfer:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 12, 7, 10, 0))
    transfer = arrived("901", "Dinh Thi Mai chuyen tien le phi ho tich", 40_000)
    assert (transfer.state, transfer.unit_id) == ("review", None)
    return transfer


@pytest.fixture
def unit() -> Unit:
    return db.session.scalar(select(Unit).where(Unit.commune_code == "17329"))


def test_unit_staff_never_see_a_transfer_no_unit_collects_into(app, make_user, stray, unit) -> None:  # type: ignore[no-untyped-def]
    for units in ([unit], list(db.session.scalars(select(Unit).order_by(Unit.id).limit(3))), []):
        officer, _ = staff_client(app, make_user, Role.OFFICER, units)
        queue = officer.get(QUEUE)
        assert queue.status_code == 200
        assert "Dinh Thi Mai" not in queue.text and "Cần đối soát (0)" in queue.text
        assert officer.get(f"{QUEUE}{stray.id}").status_code == 404
        taken = officer.post(
            f"{QUEUE}{stray.id}", data={"resolution": "not_ours", "note": "Không phải của xã"}
        )
        assert taken.status_code == 404
        assert officer.get(ADMIN).status_code == 403
        assert officer.get(f"{ADMIN}{stray.id}").status_code == 403
    db.session.expire_all()
    assert db.session.get(IncomingTransfer, stray.id).state == "review"


def test_the_administrator_sends_it_to_a_units_queue(
    app, admin_client, admin, make_user, stray, unit
) -> None:  # type: ignore[no-untyped-def]
    home = admin_client.get("/quan-tri/").text
    assert f'href="{ADMIN}"' in home and "1 chờ xử lý" in home
    listing = admin_client.get(ADMIN)
    assert listing.status_code == 200
    assert "Dinh Thi Mai" in listing.text and "190355667788" + "99" in listing.text
    page = admin_client.get(f"{ADMIN}{stray.id}")
    assert page.status_code == 200 and unit.name in page.text

    # No unit chosen, a note too short: 422, the messages beside their fields.
    refused = admin_client.post(
        f"{ADMIN}{stray.id}", data={"decision": "unit", "unit": "0", "note": "ok"}
    )
    assert refused.status_code == 422
    assert 'id="unit-error"' in refused.text
    short = admin_client.post(
        f"{ADMIN}{stray.id}", data={"decision": "unit", "unit": str(unit.id), "note": "ok"}
    )
    assert short.status_code == 422 and 'id="note-error">Vui lòng ghi rõ căn cứ' in short.text
    gone = admin_client.post(
        f"{ADMIN}{stray.id}", data={"decision": "unit", "unit": "99999999", "note": "Tài khoản mới"}
    )
    assert gone.status_code == 422 and "Vui lòng chọn đơn vị" in gone.text

    note = "Tài khoản 1903… là tài khoản mới của UBND xã, chưa khai báo; đã báo kế toán."
    sent = admin_client.post(
        f"{ADMIN}{stray.id}", data={"decision": "unit", "unit": str(unit.id), "note": note}
    )
    assert sent.status_code == 303, sent.text
    db.session.expire_all()
    transfer = db.session.get(IncomingTransfer, stray.id)
    assert (transfer.state, transfer.unit_id, transfer.routing_note) == ("review", unit.id, note)
    assert (transfer.routed_by_id, transfer.routed_at) == (admin.id, datetime(2026, 12, 7, 10, 0))
    # Pressed again: nothing changes, the page no longer offers the form.
    again = admin_client.post(f"{ADMIN}{stray.id}", data={"decision": "not_ours", "note": note})
    assert again.status_code == 200 and "Xác nhận xử lý" not in again.text
    assert db.session.get(IncomingTransfer, stray.id).state == "review"
    assert "0 chờ xử lý" in admin_client.get("/quan-tri/").text
    assert "Chuyển cho" in admin_client.get(f"{ADMIN}?xem=da-xu-ly").text

    # The unit's officer finds it in the queue, with the administrator's note, and books it.
    officer, user = staff_client(app, make_user, Role.OFFICER, [unit])
    assert "Cần đối soát (1)" in officer.get(QUEUE).text
    detail = officer.get(f"{QUEUE}{stray.id}").text
    assert "Quản trị chuyển đến" in detail and "chưa khai báo" in detail
    done = officer.post(
        f"{QUEUE}{stray.id}",
        data={"resolution": "returned", "note": "Đã hoàn trả bà Mai qua Techcombank"},
    )
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(IncomingTransfer, stray.id).resolution == "returned"
    assert db.session.scalar(select(Payment)) is None


def test_the_administrator_marks_one_not_ours(
    app, admin_client, admin, make_user, stray, unit
) -> None:  # type: ignore[no-untyped-def]
    other = arrived("902", "Tien hang thang 12", 1_250_000)
    note = "Tiền hàng của công ty, chuyển nhầm tài khoản; đã báo ngân hàng."
    answer = admin_client.post(f"{ADMIN}{other.id}", data={"decision": "not_ours", "note": note})
    assert answer.status_code == 303
    db.session.expire_all()
    transfer = db.session.get(IncomingTransfer, other.id)
    assert (transfer.state, transfer.resolution, transfer.unit_id) == ("resolved", "not_ours", None)
    assert (transfer.resolved_by_id, transfer.resolution_note) == (admin.id, note)
    listing = admin_client.get(ADMIN).text
    assert "Tien hang" not in listing and "Dinh Thi Mai" in listing and "Chờ xử lý (1)" in listing
    done = admin_client.get(f"{ADMIN}?xem=da-xu-ly").text
    assert "Tien hang" in done and "Không phải khoản thu phí của đơn vị" in done
    # Still no unit's: its staff see nothing of it.
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit])
    assert officer.get(f"{QUEUE}{other.id}").status_code == 404
    assert officer.get(f"{QUEUE}?trang-thai=resolved").text.count("Tien hang") == 0


def test_a_units_own_transfer_is_not_the_administrators(app, admin_client, admin, unit) -> None:  # type: ignore[no-untyped-def]
    from app.core.errors import Conflict
    from app.payments.operations.transfers import route

    named = IncomingTransfer(
        source="statement", external_id="u-1", account_number="1", amount=5_000,
        content="Nop phi", unit_id=unit.id, state="review",
    )  # fmt: skip
    db.session.add(named)
    db.session.commit()
    assert admin_client.get(f"{ADMIN}{named.id}").status_code == 404
    assert admin_client.get(f"{ADMIN}999999").status_code == 404
    with pytest.raises(Conflict):
        route(named, admin, "not_ours", "Không phải của ai cả")


def test_a_long_list_of_stray_transfers_is_paged_newest_first(app) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 12, 7, 10, 0))
    made = [
        arrived(str(1000 + n), f"Chuyển tiền lệ phí lần {n}", 10_000 + n)
        for n in range(queries.PAGE_SIZE + 3)
    ]
    first, after = queries.unassigned()
    assert [t.id for t in first] == [t.id for t in reversed(made)][: queries.PAGE_SIZE]
    rest, end = queries.unassigned(before=after)
    assert [t.id for t in rest] == [t.id for t in reversed(made[:3])] and end is None
