"""Cash at the one-stop counter and the exemption, through the officer's fee panel."""

from __future__ import annotations

from datetime import datetime

from helpers import login, staff_client
from payment_helpers import hidden
from sqlalchemy import func, select

from app.core import clock
from app.core.roles import Role
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.payments.models import Payment


def _events(dossier: Dossier, action: str) -> list[DossierEvent]:
    return list(
        db.session.scalars(select(DossierEvent).filter_by(dossier_id=dossier.id, action=action))
    )


def _count_payments() -> int:
    return db.session.scalar(select(func.count()).select_from(Payment))


def test_cash_at_the_counter_is_booked_once_however_often_the_form_is_posted(
    app, owed, officer
) -> None:  # type: ignore[no-untyped-def]
    client, user = officer
    clock.freeze(datetime(2026, 11, 23, 9, 15))
    page = client.get(f"/can-bo/ho-so/{owed.id}").text
    assert "Phí, lệ phí" in page and "Chưa nộp phí" in page
    assert "Ghi nhận đã thu tiền mặt" in page
    assert hidden(page, "cash-amount") == "10000"  # filled in with what is owed
    queue = client.get("/can-bo/").text
    assert 'class="fee due">Chưa nộp phí' in queue

    form = {
        "csrf_token": "x",
        "cash-client_token": hidden(page, "cash-client_token"),
        "cash-amount": " 10.000 ",  # as typed, with a dot between thousands
        "cash-payer_name": "  Nguyễn   Văn Bình ",
    }
    url = f"/can-bo/ho-so/{owed.id}/phi/tien-mat"
    short = client.post(url, data={**form, "cash-amount": "5000"})
    assert short.status_code == 422
    assert 'id="cash-amount-error"' in short.text
    assert "Số tiền thu phải đúng 10.000 đồng hồ sơ còn phải nộp." in short.text
    empty = client.post(url, data={**form, "cash-amount": ""})
    assert empty.status_code == 422 and "Vui lòng nhập số tiền đã thu." in empty.text
    for typed, message in (
        ("9" * 400, "Vui lòng nhập số tiền bằng chữ số"),
        ("mười nghìn", "Vui lòng nhập số tiền bằng chữ số"),
        ("-10000", "Vui lòng nhập số tiền bằng chữ số"),
        ("0", "Số tiền phải từ 1 đến 100.000.000 đồng."),
    ):
        wrong = client.post(url, data={**form, "cash-amount": typed})
        assert wrong.status_code == 422 and message in wrong.text, typed
    assert _count_payments() == 0
    first = client.post(f"/can-bo/ho-so/{owed.id}/phi/tien-mat", data=form)
    again = client.post(f"/can-bo/ho-so/{owed.id}/phi/tien-mat", data=form)
    assert (first.status_code, again.status_code) == (303, 303)
    assert first.headers["Location"].endswith(f"/can-bo/ho-so/{owed.id}#fee-panel")
    assert _count_payments() == 1
    payment = db.session.scalar(select(Payment))
    dossier = db.session.get(Dossier, owed.id)
    assert (payment.method, payment.amount, payment.staff_id) == ("counter", 10_000, user.id)
    assert payment.payer_name == "Nguyễn Văn Bình"
    assert payment.at == datetime(2026, 11, 23, 9, 15)
    assert payment.receipt_number == f"BLP-{dossier.receiving_unit.code}-2026-{payment.id:07d}"
    assert dossier.fee_state == "paid"
    assert len(_events(dossier, "fee_paid")) == 1

    page = client.get(f"/can-bo/ho-so/{owed.id}").text
    assert "Khoản tiền này đã được ghi nhận trước đó" in page  # the second post's flash
    assert payment.receipt_number in page and "Thu tiền mặt tại quầy" not in page
    assert "Miễn phí, lệ phí</summary>" not in page
    assert 'class="fee paid">Đã nộp phí' in client.get("/can-bo/").text

    # A fresh form after the fee is paid: nothing is owed, nothing is booked.
    refused = client.post(
        f"/can-bo/ho-so/{owed.id}/phi/tien-mat",
        data={"cash-client_token": "b" * 24, "cash-amount": "10000", "cash-payer_name": ""},
    )
    assert refused.status_code == 422
    assert "không còn khoản phí, lệ phí nào phải nộp" in refused.text
    assert _count_payments() == 1


def test_a_stale_or_forged_token_is_refused_politely(app, owed, officer) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    for token in ("", "abc"):
        response = client.post(
            f"/can-bo/ho-so/{owed.id}/phi/tien-mat",
            data={
                "cash-client_token": token,
                "cash-amount": "10000",
                "cash-payer_name": "Lò Văn Páo",
            },
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422
        assert 'id="fee-panel"' in response.text and "<html" not in response.text
        assert "Vui lòng tải lại trang" in response.text
    long_name = client.post(
        f"/can-bo/ho-so/{owed.id}/phi/tien-mat",
        data={"cash-client_token": "c" * 24, "cash-amount": "10000", "cash-payer_name": "Ê" * 121},
    )
    assert long_name.status_code == 422 and "Tối đa 120 ký tự." in long_name.text
    assert "<h1>Phí, lệ phí hồ sơ" in long_name.text  # the whole page without htmx
    assert _count_payments() == 0
    assert db.session.get(Dossier, owed.id).fee_state == "due"


def test_exemption_needs_a_reason_and_its_grounds_then_unblocks_acceptance(
    app, owed, officer
) -> None:  # type: ignore[no-untyped-def]
    client, user = officer
    url = f"/can-bo/ho-so/{owed.id}/phi/mien"
    assert client.post(f"/can-bo/ho-so/{owed.id}/accept").status_code == 409

    empty = client.post(url, data={"exempt-reason": "", "exempt-note": ""})
    assert empty.status_code == 422
    assert "Vui lòng chọn lý do miễn phí, lệ phí." in empty.text
    assert "Vui lòng ghi căn cứ miễn." in empty.text
    unknown = client.post(url, data={"exempt-reason": "friend", "exempt-note": "Quen biết"})
    assert unknown.status_code == 422 and "Vui lòng chọn lý do" in unknown.text
    short = client.post(url, data={"exempt-reason": "merit", "exempt-note": " ok "})
    assert short.status_code == 422 and "Vui lòng ghi căn cứ miễn" in short.text
    assert db.session.get(Dossier, owed.id).fee_state == "due"

    note = "Giấy chứng nhận hộ nghèo số 125/GCN-UBND, UBND xã Anh Sơn cấp ngày 05/01/2026"
    done = client.post(url, data={"exempt-reason": "poor_household", "exempt-note": note})
    assert done.status_code == 303
    dossier = db.session.get(Dossier, owed.id)
    assert dossier.fee_state == "exempt"
    [event] = _events(dossier, "fee_exempted")
    assert event.actor_id == user.id
    assert event.note == f"Hộ nghèo, hộ cận nghèo: {note}"
    assert event.data == {"reason": "poor_household", "amount": 10_000}
    assert 'class="fee exempt">Miễn phí, lệ phí' in client.get("/can-bo/").text
    assert client.post(url, data={"exempt-reason": "merit", "exempt-note": note}).status_code == 422
    assert len(_events(dossier, "fee_exempted")) == 1
    assert _count_payments() == 0
    assert client.post(f"/can-bo/ho-so/{owed.id}/accept").status_code == 303


def test_only_the_units_officers_take_money(app, owed, officer, make_user, citizen) -> None:  # type: ignore[no-untyped-def]
    _, _ = officer
    specialist, _ = staff_client(app, make_user, Role.SPECIALIST, [owed.receiving_unit])
    page = specialist.get(f"/can-bo/ho-so/{owed.id}").text
    assert "Chưa nộp phí" in page and "Thu tiền mặt tại quầy" not in page
    form = {"cash-client_token": "d" * 24, "cash-amount": "10000"}
    assert specialist.post(f"/can-bo/ho-so/{owed.id}/phi/tien-mat", data=form).status_code == 403

    from app.catalogue.models import Unit

    elsewhere = db.session.scalar(select(Unit).where(Unit.id != owed.receiving_unit_id))
    stranger, _ = staff_client(app, make_user, Role.OFFICER, [elsewhere])
    assert stranger.post(f"/can-bo/ho-so/{owed.id}/phi/tien-mat", data=form).status_code == 404
    assert stranger.get(f"/can-bo/ho-so/{owed.id}/phi").status_code == 404

    owner = app.test_client()
    login(owner, citizen)
    assert owner.post(f"/can-bo/ho-so/{owed.id}/phi/tien-mat", data=form).status_code == 403
    assert _count_payments() == 0


def test_a_free_dossier_has_no_fee_panel(app, citizen, officer) -> None:  # type: ignore[no-untyped-def]
    from helpers import submit_via_services

    from app.catalogue.models import Procedure

    birth = db.session.scalar(select(Procedure).where(Procedure.name == "Đăng ký khai sinh"))
    dossier = submit_via_services(citizen, birth)
    assert dossier.fee_state == ""
    client, _ = officer
    assert 'id="fee-panel"' not in client.get(f"/can-bo/ho-so/{dossier.id}").text
    page = client.get(f"/can-bo/ho-so/{dossier.id}/phi")
    assert page.status_code == 200 and "không phải nộp phí, lệ phí" in page.text
