"""The fee the post worker takes at the door is the dossier's payment: booked when taken,
confirmed when the officer receives the papers on the hand-over record, with its fee receipt."""

from __future__ import annotations

import re
from datetime import datetime

from helpers import booked_and_submitted, login
from payment_helpers import pdf_text
from sqlalchemy import select

from app.core import clock
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.payments.models import Payment
from app.postal.models import PostalPayment
from app.postal.operations import pickup
from app.postal.queries import shipments


def _counted(dossier):  # type: ignore[no-untyped-def]
    return [
        pickup.CountedDocument(d.code, present=True, kind="original")
        for d in dossier.procedure.documents
    ]


def test_the_fee_taken_at_the_door_is_paid_then_confirmed_with_the_papers(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    dossier = booked_and_submitted(citizen, residence, office)
    assert (dossier.fee_state, dossier.fee_amount) == ("due", 20_000)
    shipment = shipments.pickup_shipment(dossier)
    clock.freeze(datetime(2026, 11, 25, 9, 30))
    postal = pickup.collect(
        shipment, worker, _counted(dossier), seal_number="NP-7", fee=20_000, postage=26_000
    )
    db.session.commit()
    [payment] = db.session.scalars(select(Payment).filter_by(dossier_id=dossier.id)).all()
    assert (payment.method, payment.amount, payment.channel) == ("post", 20_000, "post_pickup")
    assert payment.postal_payment_id == postal.id and payment.staff_id == worker.id
    assert payment.confirmed_at is None
    assert db.session.get(Dossier, dossier.id).fee_state == "paid"
    fee_paid = db.session.scalar(
        select(DossierEvent).filter_by(dossier_id=dossier.id, action="fee_paid")
    )
    assert "tiền mặt qua bưu điện" in fee_paid.note and payment.receipt_number in fee_paid.note

    client = app.test_client()
    login(client, officer)
    page = client.get(f"/can-bo/ho-so/{dossier.id}").text
    assert "chờ xác nhận biên bản giao nhận" in page
    receipt = client.get(f"/ho-so/{dossier.id}/bien-lai/{payment.id}.pdf").data
    assert "Chờ đơn vị xác nhận khi nhận hồ sơ" in pdf_text(receipt)

    clock.freeze(datetime(2026, 11, 25, 16, 0))
    manifest = pickup.dispatch(worker, dossier.receiving_unit, [shipment])
    db.session.commit()
    clock.freeze(datetime(2026, 11, 26, 8, 45))
    pickup.confirm_manifest(manifest, officer, {manifest.items[0].id: (True, "")})
    db.session.commit()
    payment = db.session.get(Payment, payment.id)
    assert payment.confirmed_at == datetime(2026, 11, 26, 8, 45)
    assert payment.confirmed_by_id == officer.id

    page = client.get(f"/can-bo/ho-so/{dossier.id}").text
    assert "đã nhận cùng hồ sơ 08:45, 26/11/2026" in page
    text = pdf_text(client.get(f"/ho-so/{dossier.id}/bien-lai/{payment.id}.pdf").data)
    for expected in (
        "Hình thức nộp: Tiền mặt qua bưu điện",
        "20.000 đ",
        "Bằng chữ: Hai mươi nghìn đồng chẵn",
        "Đơn vị đã nhận tiền cùng hồ sơ theo biên bản giao nhận lúc 08:45, 26/11/2026",
        worker.full_name,
    ):
        assert expected in text, expected
    assert "26.000" not in text  # postage is the post office's, on its own receipt
    # The officer may accept now: the fee is paid and the papers are in.
    assert client.post(f"/can-bo/ho-so/{dossier.id}/accept").status_code == 303


def test_postage_alone_or_a_missing_item_confirms_no_money(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    dossier = booked_and_submitted(citizen, residence, office)
    shipment = shipments.pickup_shipment(dossier)
    clock.freeze(datetime(2026, 11, 25, 9, 30))
    pickup.collect(shipment, worker, _counted(dossier), seal_number="NP-8", fee=0, postage=26_000)
    db.session.commit()
    assert db.session.scalar(select(PostalPayment).filter_by(dossier_id=dossier.id)) is not None
    assert db.session.scalar(select(Payment).filter_by(dossier_id=dossier.id)) is None
    assert db.session.get(Dossier, dossier.id).fee_state == "due"

    second = booked_and_submitted(citizen, residence, office, token="p2")
    item = shipments.pickup_shipment(second)
    clock.freeze(datetime(2026, 11, 25, 10, 0))
    pickup.collect(item, worker, _counted(second), seal_number="NP-9", fee=20_000, postage=0)
    manifest = pickup.dispatch(worker, second.receiving_unit, [item])
    db.session.commit()
    pickup.confirm_manifest(manifest, officer, {manifest.items[0].id: (False, "Không có")})
    db.session.commit()
    payment = db.session.scalar(select(Payment).filter_by(dossier_id=second.id))
    assert payment.confirmed_at is None  # the money is still with the post office


def test_the_worker_is_not_asked_for_a_fee_already_paid_or_waived(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    from app.payments.operations.cash import exempt
    from app.postal.queries.round import amount_to_collect, expected_fee

    dossier = booked_and_submitted(citizen, residence, office)
    shipment = shipments.pickup_shipment(dossier)
    assert expected_fee(dossier) == 20_000
    postage = app.config["POSTAL_POSTAGE_PICKUP"]
    assert amount_to_collect(shipment) == 20_000 + postage
    exempt(dossier, officer, "merit", "Thẻ thương binh số TB-0425, Sở LĐTBXH cấp 2019")
    db.session.commit()
    assert expected_fee(dossier) == 0 and amount_to_collect(shipment) == postage
    client = app.test_client()
    login(client, worker)
    page = client.get(f"/buu-dien/buu-gui/{shipment.id}").text
    [fee_input] = re.findall(r'<input[^>]*name="fee"[^>]*>', page)
    assert 'value="0"' in fee_input


def _collect_form(dossier, fee: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    documents = dossier.procedure.documents
    return {
        **{f"present-{d.code}": "1" for d in documents},
        **{f"kind-{d.code}": "original" for d in documents},
        "seal_number": "NP 0815",
        "fee": fee,
        "postage": "26000",
    }


def _fee_error(page: str) -> str:
    found = re.search(r'<span class="error" id="fee-error"[^>]*>([^<]*)</span>', page)
    assert found, "no message beside the fee field"
    return found.group(1)


def test_a_fee_above_what_the_dossier_still_owes_is_refused_beside_the_field(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    from app.payments.operations import record_payment

    dossier = booked_and_submitted(citizen, residence, office)
    shipment = shipments.pickup_shipment(dossier)
    clock.freeze(datetime(2026, 11, 25, 9, 30))
    # Part of the fee was paid meanwhile (a transfer booked by hand): 15.000 đ are left.
    record_payment(dossier, method="counter", amount=5_000, staff=officer, client_token="p" * 20)
    db.session.commit()
    client = app.test_client()
    login(client, worker)
    url = f"/buu-dien/buu-gui/{shipment.id}"
    [fee_input] = re.findall(r'<input[^>]*name="fee"[^>]*>', client.get(url).text)
    assert 'value="15000"' in fee_input

    refused = client.post(f"{url}/nhan", data=_collect_form(dossier, "20000"))
    assert refused.status_code == 422
    assert "không được vượt quá 15.000 đồng hồ sơ còn phải nộp" in _fee_error(refused.text)
    assert 'aria-invalid="true"' in re.findall(r'<input[^>]*name="fee"[^>]*>', refused.text)[0]
    assert db.session.scalar(select(PostalPayment).filter_by(dossier_id=dossier.id)) is None
    assert len(db.session.scalars(select(Payment).filter_by(dossier_id=dossier.id)).all()) == 1
    db.session.refresh(shipment)
    assert shipment.item_number is None  # not collected: nothing of the form was kept

    done = client.post(f"{url}/nhan", data=_collect_form(dossier, "15000"))
    assert done.status_code == 303, done.text
    taken = db.session.scalar(select(Payment).filter_by(dossier_id=dossier.id, method="post"))
    assert taken.amount == 15_000
    assert db.session.get(Dossier, dossier.id).fee_state == "paid"


def test_no_fee_is_taken_for_a_dossier_that_owes_none(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    from app.payments.operations.cash import exempt

    dossier = booked_and_submitted(citizen, residence, office)
    shipment = shipments.pickup_shipment(dossier)
    exempt(dossier, officer, "poor_household", "Sổ hộ nghèo số 0425/HN, UBND xã cấp 2026")
    db.session.commit()
    client = app.test_client()
    login(client, worker)
    refused = client.post(f"/buu-dien/buu-gui/{shipment.id}/nhan", data=_collect_form(dossier, "1"))
    assert refused.status_code == 422
    assert "không còn khoản phí, lệ phí nào phải nộp" in _fee_error(refused.text)
    assert db.session.scalar(select(Payment).filter_by(dossier_id=dossier.id)) is None
    done = client.post(f"/buu-dien/buu-gui/{shipment.id}/nhan", data=_collect_form(dossier, "0"))
    assert done.status_code == 303
    assert db.session.scalar(select(Payment).filter_by(dossier_id=dossier.id)) is None


def test_the_hand_over_record_brings_each_dossiers_fee_cash_and_the_total(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    from app.core.money_words import amount_in_words

    paying = booked_and_submitted(citizen, residence, office)
    postage_only = booked_and_submitted(citizen, residence, office, token="p2")
    clock.freeze(datetime(2026, 11, 25, 9, 30))
    items = []
    for dossier, fee, seal in ((paying, 20_000, "NP-21"), (postage_only, 0, "NP-22")):
        item = shipments.pickup_shipment(dossier)
        pickup.collect(item, worker, _counted(dossier), seal_number=seal, fee=fee, postage=26_000)
        items.append(item)
    clock.freeze(datetime(2026, 11, 25, 16, 0))
    manifest = pickup.dispatch(worker, paying.receiving_unit, items)
    db.session.commit()
    [payment] = db.session.scalars(select(Payment).filter_by(method="post")).all()
    assert payment.dossier_id == paying.id

    client = app.test_client()
    login(client, officer)
    page = client.get(f"/can-bo/buu-dien/bien-ban/{manifest.id}").text
    assert "Tiền phí bưu điện đã thu: <strong>20.000 đ</strong> (biên lai" in page
    assert payment.receipt_number in page
    assert "Tiền phí bưu điện đã thu: <strong>0 đ</strong></p>" in page
    assert "bàn giao cùng hồ sơ: <strong>20.000 đ</strong> (1 biên lai)" in page

    text = " ".join(
        pdf_text(client.get(f"/can-bo/buu-dien/bien-ban/{manifest.id}.pdf").data).split()
    )
    assert "Tiền phí đã thu" in text
    assert re.sub(r"\s", "", payment.receipt_number) in re.sub(r"\s", "", text)
    words = amount_in_words(20_000)
    assert f"số tiền phí, lệ phí đã thu: 20.000 đ ({words}), theo 1 biên lai thu phí" in text
    assert "Tổng phí, lệ phí: 20.000 đ" in text
    assert "Tổng cước dịch vụ bưu chính: 52.000 đ" in text

    decisions = {i.id: (True, "") for i in manifest.items}
    pickup.confirm_manifest(manifest, officer, decisions)
    db.session.commit()
    page = client.get(f"/can-bo/buu-dien/bien-ban/{manifest.id}").text
    assert "Tổng tiền phí bàn giao cùng hồ sơ" in page and payment.receipt_number in page
    postal = app.test_client()
    login(postal, worker)
    own = postal.get(f"/buu-dien/bien-ban/{manifest.id}").text
    assert "Tổng tiền phí bàn giao cùng hồ sơ" in own and payment.receipt_number in own
    assert db.session.get(Payment, payment.id).confirmed_at == datetime(2026, 11, 25, 16, 0)
