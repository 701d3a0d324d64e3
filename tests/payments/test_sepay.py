"""SePay's webhook (POST /api/v1/payments/sepay): authenticated by its API key, idempotent by
SePay's id, an exact transfer booked with an SMS to the citizen, anything else queued for an
officer; answers as the API contract documents. On PostgreSQL: copies posted at once book once."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from payments.webhook import API_KEY, CONTRACT, WEBHOOK, auth, sepay_body
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.notifications.models import Notification
from app.payments.models import IncomingTransfer, Payment


def count(model, **where) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def transfers() -> list[IncomingTransfer]:
    db.session.expire_all()
    return list(db.session.scalars(select(IncomingTransfer).order_by(IncomingTransfer.id)))


def fee_messages(dossier: Dossier) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).filter_by(dossier_id=dossier.id, template="fee_paid")
        )
    )


def test_an_exact_transfer_pays_the_dossier_and_tells_the_citizen(
    post_transfer, owing, account
) -> None:  # type: ignore[no-untyped-def]
    content = f"MBVCB.4471820.{owing.payment_reference}.NGUYEN THI HOA chuyen tien nop phi"
    answer = post_transfer(sepay_body(content, 10_000, account.account_number))
    assert answer.status_code == 200
    assert answer.get_json() == {"success": True}
    (transfer,) = transfers()
    assert (transfer.state, transfer.problem, transfer.dossier_id) == ("matched", "", owing.id)
    assert transfer.source == "sepay" and transfer.bank == "Vietcombank"
    assert transfer.unit_id == owing.receiving_unit_id
    assert transfer.raw["content"] == content  # SePay's body kept as sent
    payment = db.session.scalar(select(Payment).filter_by(transfer_id=transfer.id))
    assert (payment.method, payment.amount, payment.dossier_id) == ("vietqr", 10_000, owing.id)
    assert payment.staff_id is None and payment.receipt_number.startswith("BLP-")
    assert db.session.get(Dossier, owing.id).fee_state == "paid"
    event = db.session.scalar(
        select(DossierEvent).filter_by(dossier_id=owing.id, action="fee_paid")
    )
    assert "10.000 đồng" in event.note and payment.receipt_number in event.note
    sms = [m for m in fee_messages(owing) if m.channel == "sms"]
    assert len(sms) == 1
    assert sms[0].recipient == owing.applicant_phone
    # Long with diacritics: sent without them, in one SMS (SMS_ALPHABET=auto).
    assert "10.000 dong" in sms[0].body and owing.code in sms[0].body


def test_a_retried_transaction_is_recorded_once_and_answered_alike(
    post_transfer, owing, account
) -> None:  # type: ignore[no-untyped-def]
    body = sepay_body(f"{owing.payment_reference} nop phi", 10_000, account.account_number)
    for _ in range(3):
        answer = post_transfer(body)
        assert answer.status_code == 200 and answer.get_json() == {"success": True}
    assert len(transfers()) == 1
    assert count(Payment, dossier_id=owing.id) == 1
    assert len([m for m in fee_messages(owing) if m.channel == "sms"]) == 1


def test_the_same_bank_reference_under_another_id_is_the_same_money(
    post_transfer, owing, account
) -> None:  # type: ignore[no-untyped-def]
    first = sepay_body(f"{owing.payment_reference}", 10_000, account.account_number)
    copy = {**first, "id": first["id"] + 1}  # SePay resent it as a new transaction
    assert post_transfer(first).status_code == 200
    assert post_transfer(copy).status_code == 200
    assert len(transfers()) == 1
    assert count(Payment) == 1


@pytest.mark.parametrize(("amount", "problem"), [(7_000, "underpaid"), (20_000, "overpaid")])
def test_a_wrong_amount_waits_for_an_officer(
    post_transfer, owing, account, amount, problem
) -> None:  # type: ignore[no-untyped-def]
    content = f"CT DEN:0912 {owing.payment_reference.lower()} Nguyen Thi Hoa"
    assert post_transfer(sepay_body(content, amount, account.account_number)).status_code == 200
    (transfer,) = transfers()
    assert (transfer.state, transfer.problem) == ("review", problem)
    assert transfer.dossier_id == owing.id and transfer.unit_id == owing.receiving_unit_id
    assert count(Payment) == 0
    assert db.session.get(Dossier, owing.id).fee_state == "due"
    assert fee_messages(owing) == []


def test_an_unknown_reference_goes_to_the_unit_whose_account_received_it(
    post_transfer, owing, account
) -> None:  # type: ignore[no-untyped-def]
    body = sepay_body("Lo Van Pang chuyen tien le phi", 15_000, "0071 000 888 999")
    assert post_transfer(body).status_code == 200
    (transfer,) = transfers()
    assert (transfer.state, transfer.problem, transfer.dossier_id) == ("review", "unknown", None)
    assert transfer.unit_id == owing.receiving_unit_id
    assert transfer.account_number == "0071000888999"


def test_the_code_sepay_detected_counts_when_the_content_lost_it(
    post_transfer, owing, account
) -> None:  # type: ignore[no-untyped-def]
    body = sepay_body("chuyen tien", 10_000, account.account_number, code=owing.payment_reference)
    assert post_transfer(body).status_code == 200
    assert transfers()[0].state == "matched"


def test_money_going_out_is_acknowledged_and_stored_nowhere(post_transfer, owing, account) -> None:  # type: ignore[no-untyped-def]
    body = sepay_body(f"hoan tien {owing.payment_reference}", 10_000, account.account_number)
    answer = post_transfer({**body, "transferType": "out"})
    assert answer.status_code == 200 and answer.get_json() == {"success": True}
    assert transfers() == []
    assert db.session.get(Dossier, owing.id).fee_state == "due"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Apikey "},
        {"Authorization": "Apikey sai-khoa"},
        {"Authorization": f"Bearer {API_KEY}"},
        {"Authorization": f"Apikey {API_KEY}x"},
    ],
)
def test_without_the_right_key_nothing_is_recorded(
    post_transfer, owing, account, headers, caplog
) -> None:  # type: ignore[no-untyped-def]
    body = sepay_body(owing.payment_reference, 10_000, account.account_number)
    with caplog.at_level(logging.INFO):
        answer = post_transfer(body, headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Apikey")
    assert transfers() == []
    assert API_KEY not in caplog.text


def test_with_no_key_configured_every_call_is_refused(app, post_transfer, owing, account) -> None:  # type: ignore[no-untyped-def]
    app.config["PAYMENT_SEPAY_API_KEY"] = ""
    body = sepay_body(owing.payment_reference, 10_000, account.account_number)
    assert post_transfer(body, auth("")).status_code == 401
    assert post_transfer(body, {"Authorization": "Apikey"}).status_code == 401
    assert transfers() == []


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"id": None}, {"id"}),
        ({"transferAmount": "10000"}, {"transferAmount"}),
        ({"transferAmount": 0}, {"transferAmount"}),
        ({"transferAmount": True}, {"transferAmount"}),
        ({"transactionDate": "07/12/2026 09:41"}, {"transactionDate"}),
        ({"transactionDate": "2026-02-30 09:41:05"}, {"transactionDate"}),
        ({"transferType": "vao"}, {"transferType"}),
        ({"accountNumber": ""}, {"accountNumber"}),
        ({"content": 12345, "gateway": ["VCB"]}, {"content", "gateway"}),
    ],
)
def test_a_malformed_body_is_422_with_every_wrong_field(
    post_transfer, owing, account, change, fields
) -> None:  # type: ignore[no-untyped-def]
    body = {**sepay_body("MC", 10_000, account.account_number), **change}
    body = {k: v for k, v in body.items() if v is not None or k in ("code", "subAccount")}
    answer = post_transfer(body)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == fields
    assert transfers() == []


def test_a_body_that_is_not_json_is_422(ready, client) -> None:  # type: ignore[no-untyped-def]
    for data in (b"id=1&transferAmount=10000", b"[1, 2]", b'"chuoi"'):
        answer = client.post(
            WEBHOOK, data=data, headers={**auth(), "Content-Type": "application/json"}
        )
        assert answer.status_code == 422, data
        CONTRACT.check(422, answer.get_json())


def test_the_webhook_is_rate_limited_per_address(app, post_transfer, owing, account) -> None:  # type: ignore[no-untyped-def]
    app.config["RATELIMIT_SEPAY_WEBHOOK"] = "2/minute"
    for _ in range(2):
        answer = post_transfer({}, {"Authorization": "Apikey doan-mo"})
        assert answer.status_code == 401
    refused = post_transfer(sepay_body("x", 10_000, account.account_number))
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1


@pytest.fixture
def served(ready) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on a free local port, as SePay's notifier reaches it."""
    server = make_server("127.0.0.1", 0, ready, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    db.session.rollback()


def _send(url: str, body: dict, key: str = API_KEY) -> tuple[int, dict]:  # type: ignore[type-arg]
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f"Apikey {key}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_over_http_as_the_notifier_sends_it(served, owing, account) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()  # the server's thread reads the committed dossier
    content = f"{owing.payment_reference} Nguyễn Thị Hoa nộp lệ phí thường trú"
    body = sepay_body(content, 10_000, account.account_number)
    status, answer = _send(served + WEBHOOK, body)
    assert (status, answer) == (200, {"success": True})
    CONTRACT.check(status, answer)
    assert _send(served + WEBHOOK, body) == (200, {"success": True})  # SePay's retry
    status, refused = _send(served + WEBHOOK, body, key="khoa-sai")
    assert status == 401 and refused["error"]["code"] == "unauthorized"
    db.session.expire_all()
    assert db.session.get(Dossier, owing.id).fee_state == "paid"
    assert count(Payment, dossier_id=owing.id) == 1
    db.session.commit()


def _at_once(app, bodies: list[dict]) -> list[int]:  # type: ignore[no-untyped-def,type-arg]
    barrier = threading.Barrier(len(bodies), timeout=30)

    def send(body: dict) -> int:  # type: ignore[type-arg]
        client = app.test_client()
        barrier.wait()
        answer = client.post(WEBHOOK, json=body, headers=auth())
        CONTRACT.check(answer.status_code, answer.get_json())
        return answer.status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_one_transfer_posted_at_once_from_several_threads_books_once(
    ready, backend, owing, account
) -> None:  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip(
            "concurrency tests need PostgreSQL (SQLite serialises writers): "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run them"
        )
    db.session.commit()
    body = sepay_body(f"{owing.payment_reference}", 10_000, account.account_number)
    copies = 8  # within the pool's connections
    assert _at_once(ready, [body] * copies) == [200] * copies
    assert len(transfers()) == 1
    assert count(Payment, dossier_id=owing.id) == 1
    assert len([m for m in fee_messages(owing) if m.channel == "sms"]) == 1
    assert db.session.get(Dossier, owing.id).fee_state == "paid"


def test_two_transfers_for_one_dossier_at_once_book_one_and_queue_the_other(
    ready, backend, owing, account
) -> None:  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (SQLite serialises writers)")
    db.session.commit()
    bodies = [
        sepay_body(f"{owing.payment_reference} lan {n}", 10_000, account.account_number)
        for n in range(4)
    ]
    assert _at_once(ready, bodies) == [200] * 4
    states = sorted((t.state, t.problem) for t in transfers())
    assert states == [("matched", "")] + [("review", "settled")] * 3
    assert count(Payment, dossier_id=owing.id) == 1


def test_money_paid_into_another_units_account_waits_for_that_unit(
    post_transfer, owing, account
) -> None:  # type: ignore[no-untyped-def]
    from app.catalogue.models import CollectionAccount, Unit

    other = db.session.scalar(
        select(Unit)
        .where(Unit.id != owing.receiving_unit_id, ~Unit.collection_account.has())
        .order_by(Unit.id)
    )
    db.session.add(
        CollectionAccount(
            unit_id=other.id,
            bank_bin="970418",
            bank_name="BIDV",
            account_number="51010000123456",
            account_name="UBND PHUONG VINH",
        )
    )
    db.session.commit()
    try:
        body = sepay_body(owing.payment_reference, 10_000, "51010000123456", gateway="BIDV")
        assert post_transfer(body).status_code == 200
        (transfer,) = transfers()
        assert (transfer.state, transfer.problem) == ("review", "account")
        assert transfer.dossier_id == owing.id and transfer.unit_id == other.id
        assert count(Payment) == 0
    finally:
        db.session.rollback()
        db.session.execute(
            CollectionAccount.__table__.delete().where(CollectionAccount.unit_id == other.id)
        )
        db.session.commit()


def test_money_into_an_account_no_unit_collects_into_is_kept_and_logged(
    post_transfer, owing, account, caplog
) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING, logger="app.payments"):
        body = sepay_body("Nguyen Van An chuyen tien", 50_000, "9999888877")
        assert post_transfer(body).status_code == 200
    (transfer,) = transfers()
    assert (transfer.state, transfer.problem, transfer.unit_id) == ("review", "unknown", None)
    assert "no unit collects into" in caplog.text
