"""The demo's dossiers paid at the counter have their receipts (app/payments/demo.py)."""

from __future__ import annotations

from helpers import demo_clients, demo_data
from payment_helpers import pdf_text
from sqlalchemy import select

from app.dossiers.models import Dossier
from app.extensions import db
from app.payments.demo import create_demo_payments
from app.payments.models import Payment


def test_every_paid_demo_dossier_has_its_counter_receipt(app) -> None:  # type: ignore[no-untyped-def]
    demo_data()
    paid = db.session.scalars(select(Dossier).filter_by(fee_state="paid")).all()
    assert len(paid) >= 2
    payments = db.session.scalars(select(Payment).order_by(Payment.id)).all()
    assert sorted(p.dossier_id for p in payments) == sorted(d.id for d in paid)
    for payment in payments:
        dossier = payment.dossier
        assert (payment.method, payment.amount) == ("counter", dossier.fee_amount)
        assert payment.staff.phone == "0912000002"
        assert payment.at < dossier.received_at
    assert create_demo_payments() == 0  # run again: nothing new

    clients = demo_clients(app)
    payment = payments[0]
    url = f"/ho-so/{payment.dossier_id}/bien-lai/{payment.id}.pdf"
    text = pdf_text(clients["citizen"].get(url).data)
    assert payment.receipt_number in text and "đồng chẵn" in text
    assert clients["officer"].get(url).status_code == 200
    assert clients["postal"].get(url).status_code == 404


def test_seeding_the_demo_leaves_one_transfer_in_the_officers_queue(app) -> None:  # type: ignore[no-untyped-def]
    from app.payments.models import IncomingTransfer

    app.config["DEMO_MODE"] = True
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "transfers to reconcile: 1 added" in first.output
    again = runner.invoke(args=["seed"])  # seeding twice: still one
    assert again.exit_code == 0, again.output
    assert "transfers to reconcile: 0 added" in again.output
    [transfer] = db.session.scalars(select(IncomingTransfer)).all()
    dossier = transfer.dossier
    assert (transfer.state, transfer.problem) == ("review", "underpaid")
    assert transfer.amount == dossier.fee_amount // 2 and dossier.fee_state == "due"
    assert transfer.unit_id == dossier.receiving_unit_id
    assert db.session.scalar(select(Payment).filter_by(dossier_id=dossier.id)) is None

    clients = demo_clients(app)
    queue = clients["officer"].get("/can-bo/doi-soat/")
    assert queue.status_code == 200
    assert "Cần đối soát (1)" in queue.text and dossier.code in queue.text
    assert "Chuyển thiếu tiền" in queue.text
    page = clients["officer"].get(f"/can-bo/doi-soat/{transfer.id}")
    assert "Xác nhận xử lý" in page.text
