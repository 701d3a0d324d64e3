"""The rows tests/test_every_form.py crawls: the demo data of a fresh install (``flask seed`` in
demo mode), plus what the demo lacks for every form to show somewhere: a draft in the middle of
the journey, a pickup collected by the post office (a hand-over record to draw up), a result to
hand to the post and one out for delivery."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.accounts.demo import DEMO_ACCOUNTS, create_demo_accounts
from app.accounts.models import User
from app.assist.demo import create_demo_team
from app.catalogue.models import CollectionAccount, Procedure
from app.dossiers.demo import (
    DEMO_COMMUNE,
    DEMO_VILLAGE,
    complete_demo_draft,
    create_demo_dossiers,
)
from app.dossiers.models import Dossier
from app.dossiers.operations import intake, processing, submitting
from app.extensions import db
from app.feedback import operations as feedback
from app.feedback.queries import invitation_of
from app.feedback.rules import token_digest
from app.notifications.models import Notification, OutboxStatus
from app.payments.demo import create_demo_payments
from app.payments.operations import record_payment
from app.payments.operations.transfers import Reported, receive
from app.postal.demo import create_demo_post_office
from app.postal.flow import Leg
from app.postal.models import PostOffice
from app.postal.operations import booking, delivery, handover, pickup
from app.postal.queries.shipments import pickup_shipment, shipment_of
from app.postal.queries.slots import offered_slots

CITIZEN, OFFICER, WORKER, SPECIALIST = "0912000001", "0912000002", "0912000003", "0912000006"
# The collection account the crawl gives the officer's unit when it has none (removed after).
CRAWL_ACCOUNT = "0071000888999"
# The rating link of the dossier the crawl returns (its SMS is not sent without a public URL).
CRAWL_TOKEN = "crawlratingtoken"


def _user(phone: str) -> User:
    return db.session.scalar(select(User).filter_by(phone=phone))


def _procedure(code: str) -> Procedure:
    return db.session.scalar(select(Procedure).filter_by(code=code))


def _result_by_post(owner: User, token: str) -> Dossier:
    """A birth registration decided on paper, its result to go back by post."""
    dossier = complete_demo_draft(owner, _procedure("1.001193"), token, "post")
    submitting.submit(dossier, owner)
    officer, specialist = _user(OFFICER), _user(SPECIALIST)
    intake.accept(dossier, officer)
    processing.assign(dossier, officer, specialist, "Kiểm tra giấy chứng sinh")
    processing.approve(dossier, specialist, result_kind="paper", note="Giấy khai sinh bản chính")
    return dossier


def _transfer_to_reconcile(officer: User) -> None:
    """The officer's unit collects into an account; a transfer without a payment reference
    waits in its reconciliation queue, and its statements can be imported. Another, into an
    account no unit collects into, waits on the administrator's page."""
    unit = officer.units[0]
    account = unit.collection_account
    if account is None:
        account = CollectionAccount(
            unit_id=unit.id,
            bank_bin="970436",
            bank_name="Vietcombank",
            account_number=CRAWL_ACCOUNT,
            account_name="UBND XA MUONG XEN",
        )
        db.session.add(account)
        db.session.flush()
    receive(
        Reported(
            source="sepay",
            external_id="crawl-1",
            account_number=account.account_number,
            amount=15_000,
            content="Lo Van Pang chuyen tien le phi",
        )
    )
    # Into an account no unit collects into: it waits for the administrator.
    receive(
        Reported(
            source="sepay",
            external_id="crawl-2",
            account_number="190355667788",
            amount=40_000,
            content="Dinh Thi Mai chuyen tien",
        )
    )


def _feedback(owner: User) -> None:
    """A result handed over at the counter, its rating link known to the crawl; a complaint
    waiting in the officer's unit's queue."""
    officer = _user(OFFICER)
    returned = _result_by_post(owner, "crawl-rated")
    processing.return_result(returned, officer, via="counter")
    db.session.flush()
    invitation_of(returned.id).token_hash = token_digest(CRAWL_TOKEN)
    feedback.send_feedback(
        body="Cán bộ một cửa hẹn trả kết quả nhiều lần chưa được.",
        name="Lầu Bá Chư",
        phone="0978123456",
        unit_id=officer.units[0].id,
    )


def seed_world(app: Flask) -> None:
    create_demo_accounts(app.config["PROVINCE_TREE"])
    create_demo_dossiers()
    create_demo_payments()
    create_demo_post_office()
    create_demo_team()
    owner, worker = _user(DEMO_ACCOUNTS[0][0]), _user(WORKER)
    complete_demo_draft(owner, _procedure("1.001193"), "crawl-draft", "post")

    # The demo's booked pickup stays to be collected; a second one is collected already.
    office = db.session.scalar(select(PostOffice))
    collected = complete_demo_draft(owner, _procedure("1.004222"), "crawl-pickup", "post")
    booking.book_pickup(
        collected, offered_slots(office)[0], commune_code=DEMO_COMMUNE, village=DEMO_VILLAGE,
        landmark="Cạnh nhà văn hóa bản", contact_phone=owner.phone, actor=owner,
    )  # fmt: skip
    submitting.submit(collected, owner)
    counted = [
        pickup.CountedDocument(d["code"], True, "original") for d in pickup.checklist(collected)
    ]
    item = pickup_shipment(collected)
    pickup.collect(item, worker, counted, seal_number="NP 0012345", fee=0, postage=26000)

    _result_by_post(owner, "crawl-result-1")  # waits to be handed to the post
    handed = _result_by_post(owner, "crawl-result-2")
    db.session.flush()
    item = shipment_of(handed, Leg.RETURN)
    if item is not None:
        handover.hand_results(_user(OFFICER), worker, [item])
        delivery.out_for_delivery(item, worker)

    # Money booked for a dossier its owner then withdrew: the officer's refund form.
    refundable = complete_demo_draft(owner, _procedure("1.004222"), "crawl-refund", "online")
    submitting.submit(refundable, owner)
    record_payment(refundable, method="vietqr", amount=refundable.fee_amount)
    intake.withdraw(refundable, owner, "Nộp nhầm thủ tục")
    _transfer_to_reconcile(_user(OFFICER))
    _feedback(owner)

    # The administrator's outbox: a message given up and one a carrier rejected ("Gửi lại").
    db.session.flush()
    for message, status in zip(
        db.session.scalars(select(Notification).order_by(Notification.id).limit(2)),
        (OutboxStatus.FAILED, OutboxStatus.REJECTED),
        strict=False,
    ):
        message.status, message.last_error = status, "[99] số điện thoại bị chặn"
    db.session.commit()
