"""The reconciliation queue (/can-bo/doi-soat): an officer of the unit resolves a transfer that
needs a person (books it to a dossier by its code, or records it returned or not the unit's),
with a note; and imports the statements of banks without a webhook (CSV, XLSX)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from helpers import staff_client, submit_via_services
from openpyxl import Workbook
from sqlalchemy import func, select, update

from app.catalogue.models import Procedure, Unit
from app.core.errors import Conflict
from app.core.roles import Role
from app.dossiers.models import Dossier
from app.extensions import db
from app.notifications.models import Notification
from app.payments.models import IncomingTransfer, Payment
from app.payments.operations.transfers import Reported, receive, resolve

QUEUE = "/can-bo/doi-soat/"
IMPORT = "/can-bo/doi-soat/nhap-sao-ke"


def count(model, **where) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def arrived(content: str, amount: int, account: str, n: int = 1) -> IncomingTransfer:
    """A transfer as SePay would report it, received and committed."""
    received = receive(
        Reported(
            source="sepay",
            external_id=f"77{n:05d}",
            account_number=account,
            amount=amount,
            content=content,
            bank="Vietcombank",
            bank_reference=f"FT2634100{n}",
            transferred_at=datetime(2026, 12, 7, 8, 15),
        )
    )
    db.session.commit()
    return received.transfer


@pytest.fixture
def officer(app, make_user, owing, account):  # type: ignore[no-untyped-def]
    unit = db.session.get(Unit, owing.receiving_unit_id)
    return staff_client(app, make_user, Role.OFFICER, [unit])


@pytest.fixture
def underpaid(owing, account) -> IncomingTransfer:  # type: ignore[no-untyped-def]
    return arrived(f"{owing.payment_reference} Hoa", 5_000, account.account_number)


@pytest.fixture
def nameless(owing, account) -> IncomingTransfer:  # type: ignore[no-untyped-def]
    return arrived("Nguyen Thi Hoa chuyen tien", 10_000, account.account_number, 2)


def test_the_queue_shows_what_waits_and_why(officer, underpaid, nameless, owing) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    assert 'href="/can-bo/doi-soat/"' in client.get("/can-bo/").text  # from the back office
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert "Chuyển thiếu tiền" in page.text and "Không tìm thấy mã thanh toán" in page.text
    assert owing.code in page.text and "5.000 đ" in page.text
    assert "Cần đối soát (2)" in page.text
    detail = client.get(f"{QUEUE}{underpaid.id}")
    assert detail.status_code == 200
    assert "Xác nhận xử lý" in detail.text and "FT26341001" in detail.text
    assert client.get(QUEUE + "?trang-thai=resolved").status_code == 200
    assert client.get(QUEUE + "?trang-thai=khong-co&truoc=99999999999").status_code == 200


def test_another_units_officer_sees_nothing_and_a_specialist_may_not_enter(
    app, make_user, underpaid, owing
) -> None:  # type: ignore[no-untyped-def]
    other_unit = db.session.scalar(
        select(Unit).where(Unit.id != owing.receiving_unit_id).order_by(Unit.id)
    )
    other, _ = staff_client(app, make_user, Role.OFFICER, [other_unit])
    assert owing.code not in other.get(QUEUE).text
    assert other.get(f"{QUEUE}{underpaid.id}").status_code == 404
    refused = other.post(
        f"{QUEUE}{underpaid.id}", data={"resolution": "returned", "note": "Đã hoàn trả"}
    )
    assert refused.status_code == 404
    unit = db.session.get(Unit, owing.receiving_unit_id)
    specialist, _ = staff_client(app, make_user, Role.SPECIALIST, [unit])
    assert specialist.get(QUEUE).status_code == 403
    assert db.session.get(IncomingTransfer, underpaid.id).state == "review"


def test_booking_an_unnamed_transfer_to_a_dossier_by_its_code(officer, nameless, owing) -> None:  # type: ignore[no-untyped-def]
    client, user = officer
    typed = f"  {owing.code.lower()} "
    note = "Bà Hoa gọi điện: quên ghi mã thanh toán, đối chiếu tên người chuyển."
    answer = client.post(
        f"{QUEUE}{nameless.id}",
        data={"resolution": "booked", "dossier_code": typed, "note": note},
    )
    assert answer.status_code == 303, answer.text
    db.session.expire_all()
    transfer = db.session.get(IncomingTransfer, nameless.id)
    assert (transfer.state, transfer.resolution) == ("resolved", "booked")
    assert transfer.resolved_by_id == user.id and transfer.resolution_note == note
    assert transfer.dossier_id == owing.id
    payment = db.session.scalar(select(Payment).filter_by(transfer_id=transfer.id))
    assert payment.staff_id == user.id and payment.amount == 10_000
    assert db.session.get(Dossier, owing.id).fee_state == "paid"
    assert count(Notification, dossier_id=owing.id, template="fee_paid", channel="sms") == 1
    page = client.get(f"{QUEUE}{nameless.id}")
    assert payment.receipt_number in page.text and "Xác nhận xử lý" not in page.text
    # Pressed again (a double tap, the back button): nothing more happens.
    again = client.post(
        f"{QUEUE}{nameless.id}",
        data={"resolution": "booked", "dossier_code": owing.code, "note": note},
    )
    assert again.status_code == 200
    assert count(Payment) == 1


def test_an_underpaid_transfer_booked_leaves_the_rest_owed(officer, underpaid, owing) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    answer = client.post(
        f"{QUEUE}{underpaid.id}",
        data={"resolution": "booked", "dossier_code": owing.code, "note": "Nộp thiếu, đã báo"},
    )
    assert answer.status_code == 303
    db.session.expire_all()
    assert db.session.get(Dossier, owing.id).fee_state == "due"  # 5.000 of 10.000 paid
    rest = arrived(f"{owing.payment_reference} nop not", 5_000, underpaid.account_number, 3)
    assert rest.state == "matched"  # the rest, exactly, is matched automatically
    assert db.session.get(Dossier, owing.id).fee_state == "paid"


@pytest.mark.parametrize("resolution", ["returned", "not_ours"])
def test_returned_or_not_ours_books_nothing(officer, nameless, resolution) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    note = "Đã chuyển trả lại tài khoản người gửi ngày 07/12, UNC số 118."
    answer = client.post(f"{QUEUE}{nameless.id}", data={"resolution": resolution, "note": note})
    assert answer.status_code == 303
    db.session.expire_all()
    transfer = db.session.get(IncomingTransfer, nameless.id)
    assert (transfer.state, transfer.resolution, transfer.dossier_id) == (
        "resolved",
        resolution,
        None,
    )
    assert count(Payment) == 0


@pytest.fixture
def free_dossier(citizen, officer) -> Dossier:  # type: ignore[no-untyped-def]
    birth = db.session.scalar(select(Procedure).filter_by(name="Đăng ký khai sinh"))
    return submit_via_services(citizen, birth, "free1")


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"resolution": "booked", "note": "Đã gọi điện"}, "dossier_code", "nhập mã hồ sơ"),
        (
            {
                "resolution": "booked",
                "dossier_code": "000.00.00.H99-990101-9999",
                "note": "Đã gọi điện",
            },
            "dossier_code",
            "Không tìm thấy hồ sơ",
        ),
        ({"resolution": "returned", "note": "  "}, "note", "căn cứ"),
        ({"resolution": "returned", "note": "ok"}, "note", "ít nhất 5"),
        ({"note": "Đã kiểm tra sao kê"}, "resolution", "chọn cách xử lý"),
        ({"resolution": "xoa", "note": "Đã kiểm tra sao kê"}, "resolution", ""),
        (
            {"resolution": "booked", "dossier_code": "FREE", "note": "Ghi nhầm"},
            "dossier_code",
            "không phải nộp",
        ),
    ],
)
def test_a_decision_that_cannot_stand_is_422_next_to_its_field(
    officer, nameless, free_dossier, data, field, says
) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    if data.get("dossier_code") == "FREE":
        data = {**data, "dossier_code": free_dossier.code}
    answer = client.post(f"{QUEUE}{nameless.id}", data=data)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert says in answer.text
    db.session.expire_all()
    assert db.session.get(IncomingTransfer, nameless.id).state == "review"
    assert count(Payment) == 0


def test_a_transfer_resolved_meanwhile_is_409(officer, nameless) -> None:  # type: ignore[no-untyped-def]
    _, user = officer
    stale = db.session.get(IncomingTransfer, nameless.id)
    db.session.execute(
        update(IncomingTransfer).where(IncomingTransfer.id == nameless.id).values(state="resolved")
    )
    with pytest.raises(Conflict):
        resolve(stale, user, "returned", "Đã hoàn trả người chuyển")
    db.session.rollback()


# --- statements -------------------------------------------------------------------------------


def _csv(owing: Dossier) -> bytes:
    lines = [
        "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM - SAO KÊ TÀI KHOẢN",
        "Số tài khoản: 0071000888999",
        "",
        "STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Mô tả",
        f'1,07/12/2026 09:41:05,FT26341555,,"10.000","19.077.000",'
        f'"MBVCB.123.{owing.payment_reference}.Nguyễn Thị Hoa nộp phí"',
        '2,07/12/2026 10:02:00,FT26341556,"5.500",,"19.071.500",Phí quản lý tài khoản',
        '3,07/12/2026 10:15:00,,,"135.000","19.206.500","Lò Văn Pâng chuyển tiền lệ phí"',
        '4,hôm qua,FT26341558,,"10.000",,"Hà Thị Thu"',
    ]
    return "\n".join(lines).encode("utf-8-sig")


def _upload(client, account, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return client.post(
        IMPORT,
        data={"account": str(account.id), "statement": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_csv_statement_books_what_matches_and_queues_the_rest(officer, owing, account) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    assert "Nhập sao kê" in client.get(IMPORT).text
    answer = _upload(client, account, _csv(owing), "sao-ke-VCB-12-2026.csv")
    assert answer.status_code == 303, answer.text
    page = client.get(QUEUE)
    assert "2 giao dịch mới (1 khớp tự động, 1 cần đối soát)" in page.text
    assert "Dòng 8 không đọc được" in page.text
    db.session.expire_all()
    assert db.session.get(Dossier, owing.id).fee_state == "paid"
    rows = list(db.session.scalars(select(IncomingTransfer).order_by(IncomingTransfer.id)))
    assert [(t.source, t.state, t.amount) for t in rows] == [
        ("statement", "matched", 10_000),
        ("statement", "review", 135_000),
    ]
    assert rows[0].bank_reference == "FT26341555" and rows[0].raw["line"] == 5
    # The same file again (or the next month's, overlapping): nothing twice.
    assert _upload(client, account, _csv(owing), "sao-ke-lan-2.csv").status_code == 303
    assert "0 giao dịch mới" in client.get(QUEUE).text
    assert count(IncomingTransfer) == 2 and count(Payment) == 1


def test_a_statement_line_sepay_already_reported_is_not_counted_again(
    officer, owing, account
) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    receive(
        Reported(
            source="sepay",
            external_id="5501",
            account_number=account.account_number,
            amount=10_000,
            content=f"{owing.payment_reference}",
            bank_reference="FT26341555",
        )
    )
    db.session.commit()
    assert _upload(client, account, _csv(owing), "sao-ke.csv").status_code == 303
    assert (
        "1 giao dịch mới (0 khớp tự động, 1 cần đối soát), 1 giao dịch đã có"
        in client.get(QUEUE).text
    )
    assert count(Payment) == 1


def test_an_xlsx_statement(officer, owing, account) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    book = Workbook()
    sheet = book.active
    sheet.append(["Sao kê tài khoản 0071000888999"])
    sheet.append(["Ngày hiệu lực", "Số bút toán", "Ghi nợ", "Ghi có", "Diễn giải"])
    sheet.append([datetime(2026, 12, 7, 9, 0), "BT1", None, 10000, f"{owing.payment_reference}"])
    out = io.BytesIO()
    book.save(out)
    assert _upload(client, account, out.getvalue(), "saoke.xlsx").status_code == 303
    db.session.expire_all()
    assert db.session.get(Dossier, owing.id).fee_state == "paid"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "Vui lòng chọn tệp"),
        ("Họ tên,Điện thoại\nHoa,0912\n".encode(), "Không tìm thấy dòng tiêu đề"),
        (b"PK\x03\x04garbage", "Tệp Excel bị hỏng"),
    ],
)
def test_a_file_that_is_no_statement_is_422_on_the_file_field(officer, account, data, says) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    answer = _upload(client, account, data, "tep.csv" if data else "")
    assert answer.status_code == 422
    assert 'id="statement-error"' in answer.text and says in answer.text
    assert count(IncomingTransfer) == 0


def test_an_oversized_statement_is_refused(app, officer, account) -> None:  # type: ignore[no-untyped-def]
    client, _ = officer
    app.config["UPLOAD_MAX_BYTES"] = 100
    answer = _upload(client, account, b"x" * 500, "lon.csv")
    assert answer.status_code in (413, 422)
    assert count(IncomingTransfer) == 0


def test_a_unit_without_a_collection_account_is_told_so(app, make_user, owing) -> None:  # type: ignore[no-untyped-def]
    other_unit = db.session.scalar(
        select(Unit).where(Unit.id != owing.receiving_unit_id).order_by(Unit.id.desc())
    )
    client, _ = staff_client(app, make_user, Role.OFFICER, [other_unit])
    page = client.get(IMPORT)
    assert page.status_code == 200 and "chưa có tài khoản thu phí" in page.text
