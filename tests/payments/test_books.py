"""The unit's collection report (/can-bo/thu-phi): its totals are the sum of the payments booked
(checked against a brute-force sum over the payments this test books), by procedure, channel
and method, for a day and a month, on the page, in the CSV and in the PDF; every unmatched
transfer of the unit's account is listed; another unit's books answer 404."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime

import pytest
from books_world import (
    CRIMINAL_RECORD,
    RESIDENCE,
    TEMPORARY,
    commune_unit,
    fee_dossier,
    flat,
    pay,
    pdf_text,
    procedure,
)
from helpers import booked_and_submitted, login, make_post_office
from sqlalchemy import select

from app.catalogue.models import CollectionAccount, Unit
from app.core import clock
from app.core.roles import Role
from app.documents.postal.common import format_money
from app.extensions import db
from app.payments.books import CHANNEL_LABELS, Period, books, month_of
from app.payments.models import METHOD_LABELS, IncomingTransfer, Payment

NOV_23 = datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def world(app, make_user, citizen):  # type: ignore[no-untyped-def]
    """Payments of the commune's unit over two days and a month's edges, and one of a
    provincial unit, all booked through record_payment."""
    officer = make_user(role=Role.OFFICER, units=[commune_unit()], full_name="Trần Văn Minh")
    office = make_post_office()
    by_post = booked_and_submitted(citizen, procedure(RESIDENCE), office, "c")
    clock.freeze(NOV_23)
    online = fee_dossier(citizen, RESIDENCE, "a")
    counter = fee_dossier(citizen, TEMPORARY, "b", "counter")
    provincial = fee_dossier(citizen, CRIMINAL_RECORD, "d")
    payments = [
        pay(online, datetime(2026, 11, 23, 10, 0), "vietqr"),
        pay(counter, datetime(2026, 11, 23, 11, 30), "counter", staff=officer, client_token="k1"),
        pay(by_post, datetime(2026, 11, 23, 23, 59, 59), "post"),
        # Paid twice: the next day, at the counter, the same fee again.
        pay(online, datetime(2026, 11, 24, 0, 0), "counter", staff=officer, client_token="k2"),
        pay(counter, datetime(2026, 12, 1, 0, 0), "vietqr", 4_000),
        pay(provincial, datetime(2026, 11, 30, 23, 59, 59), "vietqr"),
        pay(by_post, datetime(2026, 10, 31, 23, 59, 59), "vietqr", 3_000),
    ]
    clock.freeze(datetime(2026, 12, 7, 15, 0))
    return {"officer": officer, "payments": payments, "unit": commune_unit()}


def brute_force(payments: list[Payment], unit: Unit, period: Period) -> dict:  # type: ignore[type-arg]
    """Totals summed in Python over the payments a test booked, as the report should give."""
    mine = [p for p in payments if p.unit_id == unit.id and period.start <= p.at < period.end]
    sums: dict[str, dict[str, list[int]]] = {
        k: defaultdict(lambda: [0, 0]) for k in ("procedure", "channel", "method")
    }
    for p in mine:
        for kind, label in (
            ("procedure", p.procedure.name),
            ("channel", CHANNEL_LABELS[p.channel]),
            ("method", METHOD_LABELS[p.method]),
        ):
            sums[kind][label][0] += 1
            sums[kind][label][1] += p.amount
    return {
        "items": len(mine),
        "total": sum(p.amount for p in mine),
        **{k: {label: tuple(v) for label, v in d.items()} for k, d in sums.items()},
    }


def as_sums(groups) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {g.label: (g.items, g.amount) for g in groups}


PERIODS = [
    Period(date(2026, 11, 23), date(2026, 11, 23), False),
    Period(date(2026, 11, 24), date(2026, 11, 24), False),
    month_of(date(2026, 11, 5)),
    month_of(date(2026, 12, 31)),
    month_of(date(2026, 10, 1)),
    Period(date(2026, 11, 25), date(2026, 11, 25), False),
]


def test_the_totals_are_the_sum_of_the_payments(world) -> None:  # type: ignore[no-untyped-def]
    unit = world["unit"]
    for period in PERIODS:
        expected = brute_force(world["payments"], unit, period)
        got = books(unit, period)
        assert (got.items, got.total) == (expected["items"], expected["total"]), period
        assert as_sums(got.by_procedure) == expected["procedure"], period
        assert as_sums(got.by_channel) == expected["channel"], period
        assert as_sums(got.by_method) == expected["method"], period
        assert sum(p.amount for p in got.payments) == got.total
    november = brute_force(world["payments"], unit, PERIODS[2])
    # The edges: 23:59:59 on the 23rd is the 23rd, midnight on 1 December is December.
    assert november["items"] == 4
    assert november["total"] == 10_000 + 15_000 + 20_000 + 10_000
    assert set(november["channel"]) == {
        "Trực tuyến",
        "Tại Bộ phận Một cửa",
        "Bưu điện nhận tại nhà",
    }
    assert set(november["method"]) == set(METHOD_LABELS.values())


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_page_csv_and_pdf_of_a_month_and_a_day(app, world) -> None:  # type: ignore[no-untyped-def]
    unit = world["unit"]
    client = app.test_client()
    login(client, world["officer"])
    base = f"/can-bo/thu-phi/{unit.id}"
    month = brute_force(world["payments"], unit, PERIODS[2])
    page = client.get(f"{base}?thang=2026-11")
    assert page.status_code == 200
    assert format_money(month["total"]).replace(" đ", "") in page.text
    rows = _csv(client.get(f"{base}/bao-cao.csv?thang=2026-11"))
    assert rows[0][:4] == ["Phần", "Nội dung", "Số biên lai", "Số tiền (đồng)"]
    total = next(r for r in rows if r[1] == "Đã thu tháng 11/2026")
    assert (int(total[2]), int(total[3])) == (month["items"], month["total"])
    receipts = [r for r in rows if r[0] == "Biên lai"]
    assert sum(int(r[3]) for r in receipts) == month["total"]
    by_method = {r[1]: (int(r[2]), int(r[3])) for r in rows if r[0] == "Theo hình thức nộp tiền"}
    assert by_method == month["method"]
    by_procedure = {r[1]: (int(r[2]), int(r[3])) for r in rows if r[0] == "Theo thủ tục"}
    assert by_procedure == month["procedure"]

    printed = client.get(f"{base}/bao-cao.pdf?thang=2026-11")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    text = pdf_text(printed.data)
    assert "BÁO CÁO THU PHÍ, LỆ PHÍ" in text
    assert unit.name in text
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    assert f"Tổng số tiền đã thu: {format_money(month['total'])}" in text
    assert "Năm mươi lăm nghìn đồng" in text
    for payment in world["payments"]:
        shown = flat(payment.receipt_number) in flat(text)
        assert shown == (payment.unit_id == unit.id and payment.at.month == 11), payment.at

    day = brute_force(world["payments"], unit, PERIODS[0])
    text = pdf_text(client.get(f"{base}/bao-cao.pdf?ngay=2026-11-23").data)
    assert "Ngày 23/11/2026" in text
    assert f"Tổng số tiền đã thu: {format_money(day['total'])}" in text
    assert "Chuyển khoản VietQR" in text and "Tiền mặt qua bưu điện" in text


@pytest.fixture
def account(world):  # type: ignore[no-untyped-def]
    """The commune unit's collection account (units and their accounts outlive a test)."""
    unit = world["unit"]
    existing = db.session.scalar(
        select(CollectionAccount).where(CollectionAccount.unit_id == unit.id)
    )
    kept = None if existing is None else existing.account_number
    account = existing or CollectionAccount(
        unit_id=unit.id, bank_bin="970436", bank_name="Vietcombank", account_name="UBND XA ANH SON"
    )
    account.account_number = "0071000123456"
    db.session.add(account)
    db.session.commit()
    yield account
    db.session.rollback()
    if kept is None:
        db.session.delete(account)
    else:
        account.account_number = kept
    db.session.commit()


def test_every_unmatched_transfer_of_the_units_account_is_listed(app, world, account) -> None:  # type: ignore[no-untyped-def]
    unit = world["unit"]
    other = db.session.scalar(select(Unit).where(Unit.id != unit.id, Unit.commune_code.is_(None)))

    def transfer(external_id: str, content: str, amount: int, **fields) -> None:  # type: ignore[no-untyped-def]
        db.session.add(
            IncomingTransfer(
                source="sepay",
                external_id=external_id,
                bank="Vietcombank",
                amount=amount,
                content=content,
                received_at=datetime(2026, 11, 23, 14, 0),
                **fields,
            )
        )

    transfer(
        "1",
        "NGUYEN THI HOA chuyen tien MCZZZZZZZZ",
        12_000,
        account_number="0071000123456",
        problem="unknown",
    )
    transfer("2", "Le phi ho so cua ong Tuan", 7_000, unit_id=unit.id, problem="underpaid")
    transfer("3", "Da khop", 10_000, unit_id=unit.id, state="matched")
    transfer("4", "Don vi khac", 9_000, unit_id=other.id)
    transfer("5", "Den sau ky bao cao", 5_000, unit_id=unit.id)
    db.session.flush()
    db.session.execute(
        IncomingTransfer.__table__.update()
        .where(IncomingTransfer.external_id == "5")
        .values(received_at=datetime(2026, 12, 2, 8, 0))
    )
    db.session.commit()
    client = app.test_client()
    login(client, world["officer"])
    listed = books(unit, month_of(date(2026, 11, 1))).unmatched
    assert [t.external_id for t in listed] == ["1", "2"]
    rows = _csv(client.get(f"/can-bo/thu-phi/{unit.id}/bao-cao.csv?thang=2026-11"))
    waiting = [r for r in rows if r[0] == "Chuyển khoản chưa đối soát"]
    assert [(r[1], int(r[3])) for r in waiting] == [
        ("NGUYEN THI HOA chuyen tien MCZZZZZZZZ", 12_000),
        ("Le phi ho so cua ong Tuan", 7_000),
    ]
    text = pdf_text(client.get(f"/can-bo/thu-phi/{unit.id}/bao-cao.pdf?thang=2026-11").data)
    assert "Chuyển khoản chưa đối soát: 2 khoản, 19.000 đ" in text
    assert "Le phi ho so cua ong Tuan" in text and "Chuyển thiếu tiền" in text
    assert "Don vi khac" not in text and "Da khop" not in text
    assert "Den sau ky bao cao" in client.get(f"/can-bo/thu-phi/{unit.id}?ngay=2026-12-02").text


def test_only_the_units_officers_see_its_books(app, world, make_user, citizen) -> None:  # type: ignore[no-untyped-def]
    unit = world["unit"]
    other = db.session.scalar(select(Unit).where(Unit.id != unit.id, Unit.commune_code.is_(None)))
    stranger = make_user(role=Role.OFFICER, units=[other], full_name="Hồ Thị Mai")
    specialist = make_user(role=Role.SPECIALIST, units=[unit], full_name="Võ Văn Tâm")
    paths = [
        f"/can-bo/thu-phi/{unit.id}",
        f"/can-bo/thu-phi/{unit.id}/bao-cao.csv",
        f"/can-bo/thu-phi/{unit.id}/bao-cao.pdf?thang=2026-11",
        f"/can-bo/thu-phi/bien-lai/{world['payments'][0].id}/hoan-tra",
    ]
    for user, status in ((stranger, 404), (specialist, 403), (citizen, 403)):
        client = app.test_client()
        login(client, user)
        for path in paths:
            assert client.get(path).status_code == status, (user.role, path)
    client = app.test_client()
    login(client, stranger)
    assert client.get("/can-bo/thu-phi/999999").status_code == 404
    # The stranger's own unit: its books are there, without the commune's payments.
    own = client.get(f"/can-bo/thu-phi/{other.id}?thang=2026-11")
    assert own.status_code == 200
    assert world["payments"][0].receipt_number not in own.text
    # One unit: the books open on it.
    mine = app.test_client()
    login(mine, world["officer"])
    assert mine.get("/can-bo/thu-phi/").headers["Location"].endswith(f"/can-bo/thu-phi/{unit.id}")


@pytest.mark.parametrize("query", ["thang=2026-13", "thang=tháng mười", "ngay=23/11/2026"])
def test_a_period_that_is_no_day_or_month_is_refused_politely(app, world, query) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, world["officer"])
    response = client.get(f"/can-bo/thu-phi/{world['unit'].id}?{query}")
    assert response.status_code == 422
    assert "chưa đúng" in response.text


def test_an_officer_of_several_units_chooses_one(app, world, make_user) -> None:  # type: ignore[no-untyped-def]
    unit = world["unit"]
    other = db.session.scalar(select(Unit).where(Unit.id != unit.id, Unit.commune_code.is_(None)))
    both = make_user(role=Role.OFFICER, units=[unit, other], full_name="Đặng Thị Lụa")
    client = app.test_client()
    login(client, both)
    page = client.get("/can-bo/thu-phi/")
    assert page.status_code == 200
    assert f'href="/can-bo/thu-phi/{unit.id}"' in page.text
    assert f'href="/can-bo/thu-phi/{other.id}"' in page.text
    assert client.get(f"/can-bo/thu-phi/{other.id}").status_code == 200


def test_post_cash_not_yet_confirmed_is_marked_and_subtotalled(app, world, citizen) -> None:  # type: ignore[no-untyped-def]
    """Cash the post worker took stays in the post office's hands until the officer confirms
    the hand-over record: the books mark it and say how much, up to the period's end."""
    from app.payments.operations.cash import confirm_post_cash
    from app.postal.models import PostOffice

    unit, officer = world["unit"], world["officer"]
    office = db.session.scalar(select(PostOffice).order_by(PostOffice.id))
    earlier = booked_and_submitted(citizen, procedure(RESIDENCE), office, "e")
    handed = booked_and_submitted(citizen, procedure(RESIDENCE), office, "f")
    payments = [
        *world["payments"],
        pay(earlier, datetime(2026, 10, 30, 15, 10), "post", 20_000, staff=officer),
        pay(handed, datetime(2026, 11, 24, 9, 5), "post", 20_000, staff=officer),
    ]
    clock.freeze(datetime(2026, 11, 25, 8, 45))
    confirm_post_cash(handed, officer)  # came with its papers on a hand-over record
    db.session.commit()
    clock.freeze(datetime(2026, 12, 7, 15, 0))

    def in_hands(period: Period) -> list[Payment]:
        found = [
            p
            for p in payments
            if p.unit_id == unit.id
            and p.method == "post"
            and p.confirmed_at is None
            and p.at < period.end
        ]
        return sorted(found, key=lambda p: (p.at, p.id))

    for period in PERIODS:
        got = books(unit, period)
        expected = in_hands(period)
        assert [p.id for p in got.pending_post] == [p.id for p in expected], period
        assert got.pending_post_amount == sum(p.amount for p in expected), period
    november = books(unit, PERIODS[2])
    assert november.pending_post_amount == 40_000  # 30/10 and 23/11; 24/11 was confirmed
    marked = [p for p in november.payments if p.id in november.pending_ids]
    assert [p.at for p in marked] == [datetime(2026, 11, 23, 23, 59, 59)]

    client = app.test_client()
    login(client, officer)
    base = f"/can-bo/thu-phi/{unit.id}"
    page = client.get(f"{base}?thang=2026-11").text
    assert "Bưu điện còn giữ" in page and "40.000" in page
    assert page.count("Chưa xác nhận nhận tiền") == 1
    rows = _csv(client.get(f"{base}/bao-cao.csv?thang=2026-11"))
    [total] = [r for r in rows if r[1].startswith("Tiền mặt bưu điện đã thu, đơn vị chưa")]
    assert (int(total[2]), int(total[3])) == (2, 40_000)
    pending_rows = [r for r in rows if r[0] == "Tiền mặt bưu điện chưa xác nhận"]
    assert sum(int(r[3]) for r in pending_rows) == 40_000
    assert [r for r in rows if r[0] == "Biên lai" and "Chưa xác nhận" in r[8]]
    text = pdf_text(client.get(f"{base}/bao-cao.pdf?thang=2026-11").data)
    flat_text = " ".join(text.split())
    assert "Tiền mặt bưu điện đã thu, đơn vị chưa xác nhận: 2 biên lai, 40.000 đ" in flat_text
    assert "(chưa xác nhận)" in flat_text and "VII. Tiền mặt bưu điện đã thu" in flat_text
    for payment in in_hands(PERIODS[2]):
        assert flat(payment.receipt_number) in flat(text)

    # Once confirmed, the money is the unit's: nothing is left in the post office's hands.
    confirm_post_cash(earlier, officer)
    confirm_post_cash(db.session.get(Payment, world["payments"][2].id).dossier, officer)
    db.session.commit()
    assert books(unit, PERIODS[2]).pending_post == []
    assert (
        "Không có khoản tiền mặt nào bưu điện còn giữ" in client.get(f"{base}?thang=2026-11").text
    )
