"""Refunds: an officer of the unit gives back the fee of a withdrawn, refused or stopped dossier,
or what was paid twice, once per payment, with who, when, why and how much; the dossier's
timeline and the citizen's messages say so; the books show it."""

from __future__ import annotations

from datetime import datetime

import pytest
from books_world import RESIDENCE, commune_unit, fee_dossier, flat, pay, pdf_text
from helpers import PASSWORD, login
from sqlalchemy import func, select

from app.core import clock
from app.core.roles import Role
from app.dossiers.models import DossierEvent
from app.dossiers.operations.intake import accept, refuse, withdraw
from app.dossiers.operations.processing import stop
from app.extensions import db
from app.notifications.models import Notification
from app.payments.books import books, month_of
from app.payments.models import Refund
from app.payments.operations import paid_so_far
from app.payments.refund_rules import REASON_LABELS, refund_case, refund_refusal

NOTE = "Trả tiền mặt tại quầy cho bà Nguyễn Thị Hoa, có ký nhận."


@pytest.fixture
def officer(app, make_user):  # type: ignore[no-untyped-def]
    return make_user(role=Role.OFFICER, units=[commune_unit()], full_name="Trần Văn Minh")


@pytest.fixture
def officer_client(app, officer):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, officer)
    return client


@pytest.fixture
def paid(app, citizen):  # type: ignore[no-untyped-def]
    """A residence dossier sent online (10.000 đ), paid by transfer."""
    clock.freeze(datetime(2026, 11, 23, 9, 0))
    dossier = fee_dossier(citizen, RESIDENCE, "r1")
    payment = pay(dossier, datetime(2026, 11, 23, 9, 30), "vietqr")
    clock.freeze(datetime(2026, 11, 23, 14, 0))
    return dossier, payment


@pytest.mark.parametrize("how", ["withdrawn", "refused", "stopped"])
def test_the_fee_of_a_dossier_that_will_not_be_processed_goes_back(
    app, officer, officer_client, citizen, paid, how
) -> None:  # type: ignore[no-untyped-def]
    dossier, payment = paid
    if how == "withdrawn":
        withdraw(dossier, citizen, "Tôi nộp nhầm thủ tục")
    elif how == "refused":
        refuse(dossier, officer, "Hồ sơ không thuộc thẩm quyền giải quyết của xã")
    else:
        accept(dossier, officer)
        stop(dossier, officer, "Người nộp không bổ sung giấy tờ theo yêu cầu")
    db.session.commit()
    url = f"/can-bo/thu-phi/bien-lai/{payment.id}/hoan-tra"
    page = officer_client.get(url)
    assert page.status_code == 200 and 'value="10000"' in page.text
    response = officer_client.post(url, data={"amount": "10000", "note": NOTE})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/can-bo/ho-so/{dossier.id}")
    # A second tap changes nothing.
    again = officer_client.post(url, data={"amount": "10000", "note": NOTE})
    assert again.status_code == 303
    db.session.expire_all()
    refunds = db.session.scalars(select(Refund)).all()
    assert len(refunds) == 1
    refund = refunds[0]
    assert (refund.payment_id, refund.amount, refund.staff_id) == (payment.id, 10_000, officer.id)
    assert refund.at == datetime(2026, 11, 23, 14, 0)
    assert refund.reason.startswith(REASON_LABELS[how])
    assert NOTE in refund.reason
    assert dossier.fee_state == "refunded" and paid_so_far(dossier) == 0
    event = db.session.scalar(
        select(DossierEvent).where(
            DossierEvent.dossier_id == dossier.id, DossierEvent.action == "fee_refunded"
        )
    )
    assert event.actor_id == officer.id and payment.receipt_number in event.note
    messages = db.session.scalars(
        select(Notification).where(Notification.template == "fee_refunded")
    ).all()
    assert [m.recipient for m in messages if m.channel == "sms"] == [dossier.applicant_phone]
    assert dossier.code in messages[0].body
    # The staff dossier page shows who gave back what; the citizen's timeline says so.
    shown = officer_client.get(f"/can-bo/ho-so/{dossier.id}").text
    assert "Đã hoàn trả 10.000" in shown and "Trần Văn Minh" in shown
    owner = app.test_client()
    login(owner, citizen)
    assert "Đã hoàn trả phí, lệ phí" in owner.get(f"/ho-so/{dossier.id}").text


def test_what_was_paid_twice_goes_back_and_the_fee_stays_paid(
    app, officer, officer_client, paid
) -> None:  # type: ignore[no-untyped-def]
    dossier, first = paid
    second = pay(dossier, datetime(2026, 11, 23, 10, 0), "counter", staff=officer, payer_name="")
    clock.freeze(datetime(2026, 11, 23, 15, 0))
    url = f"/can-bo/thu-phi/bien-lai/{second.id}/hoan-tra"
    too_much = officer_client.post(url, data={"amount": "15000", "note": NOTE})
    assert too_much.status_code == 422
    assert "tối đa là 10.000 đồng" in too_much.text
    no_reason = officer_client.post(url, data={"amount": "10000", "note": "  "})
    assert no_reason.status_code == 422 and "Vui lòng ghi cách hoàn trả" in no_reason.text
    assert officer_client.post(url, data={"amount": "10000", "note": NOTE}).status_code == 303
    db.session.expire_all()
    assert dossier.fee_state == "paid" and paid_so_far(dossier) == 10_000
    # The first payment is now all the fee: nothing more goes back.
    other = f"/can-bo/thu-phi/bien-lai/{first.id}/hoan-tra"
    refused = officer_client.post(other, data={"amount": "10000", "note": NOTE})
    assert refused.status_code == 422 and "không được hoàn trả" in refused.text
    assert db.session.scalar(select(func.count(Refund.id))) == 1
    # The month's books: collected 20.000, gave back 10.000.
    month = books(commune_unit(), month_of(datetime(2026, 11, 1).date()))
    assert (month.total, month.refunded, month.net) == (20_000, 10_000, 10_000)
    client_pdf = officer_client.get(
        f"/can-bo/thu-phi/{commune_unit().id}/bao-cao.pdf?thang=2026-11"
    )
    text = pdf_text(client_pdf.data)
    assert "Đã hoàn trả trong kỳ: 10.000 đ (1 khoản)" in text
    assert flat("Nộp trùng hoặc nộp thừa phí, lệ phí") in flat(text)
    assert flat("Trần Văn Minh") in flat(text)


def test_the_fee_of_a_dossier_being_processed_is_not_refunded(app, officer_client, paid) -> None:  # type: ignore[no-untyped-def]
    dossier, payment = paid
    url = f"/can-bo/thu-phi/bien-lai/{payment.id}/hoan-tra"
    page = officer_client.get(url)
    assert page.status_code == 200 and "<form" not in page.text.split("<main", 1)[1]
    response = officer_client.post(url, data={"amount": "10000", "note": NOTE})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Refund.id))) == 0
    assert dossier.fee_state == "paid"


@pytest.mark.parametrize(
    ("status", "fee", "paid", "amount", "refunded", "case"),
    [
        ("withdrawn", 10_000, 10_000, 10_000, False, ("withdrawn", 10_000)),
        ("stopped", 10_000, 10_000, 10_000, False, ("stopped", 10_000)),
        ("refused", 10_000, 20_000, 10_000, False, ("refused", 10_000)),
        ("withdrawn", 10_000, 10_000, 10_000, True, None),
        ("processing", 10_000, 10_000, 10_000, False, None),
        ("processing", 10_000, 20_000, 10_000, False, ("paid_twice", 10_000)),
        ("received", 10_000, 13_000, 13_000, False, ("paid_twice", 3_000)),
        ("returned", 10_000, 10_000, 10_000, False, None),
        ("submitted", 0, 5_000, 5_000, False, ("paid_twice", 5_000)),
    ],
)
def test_refund_rules(status, fee, paid, amount, refunded, case) -> None:  # type: ignore[no-untyped-def]
    found = refund_case(status=status, fee_amount=fee, paid=paid, amount=amount, refunded=refunded)
    assert (found.reason, found.most) == case if case else found is None
    if found:
        assert refund_refusal(found, found.most) == ""
        assert "tối đa" in refund_refusal(found, found.most + 1)
        assert refund_refusal(found, 0)
    else:
        assert "không được hoàn trả" in refund_refusal(found, amount)


def test_two_officers_refunding_at_once_give_back_once(app, make_user, paid, backend) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: the payment's row lock makes the second officer find the first's refund."""
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: the race only means something on PostgreSQL")
    import threading
    from concurrent.futures import ThreadPoolExecutor

    dossier, payment = paid
    withdraw(dossier, dossier.owner, "Tôi nộp nhầm thủ tục")
    phones = [
        make_user(role=Role.OFFICER, units=[commune_unit()], full_name=name).phone
        for name in ("Trần Văn Minh", "Lê Thị Thu")
    ]
    db.session.commit()
    url, barrier = f"/can-bo/thu-phi/bien-lai/{payment.id}/hoan-tra", threading.Barrier(2)

    def work(phone: str) -> int:
        client = app.test_client()
        assert (
            client.post("/dang-nhap", data={"phone": phone, "password": PASSWORD}).status_code
            == 303
        )
        barrier.wait(timeout=30)
        return client.post(url, data={"amount": "10000", "note": NOTE}).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(work, phones))
    assert statuses[0] == 303 and statuses[1] in (303, 422)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Refund.id))) == 1
    events = select(func.count(DossierEvent.id)).where(DossierEvent.action == "fee_refunded")
    assert db.session.scalar(events) == 1
