"""The full online loop through the web: submit, receive, ask for more, process, return."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from helpers import fee_settled, staff_client, submit_dossier, submit_via_services
from pypdf import PdfReader
from sqlalchemy import func, select

from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.core.roles import Role
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.notifications.models import Notification

# Monday 23/11/2026, 09:00: the next day (24/11, Vietnam Culture Day) is a holiday.
MONDAY = datetime(2026, 11, 23, 9, 0)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _minimal_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


@pytest.fixture
def unit_of(app):  # type: ignore[no-untyped-def]
    def find(dossier: Dossier) -> Unit:
        return db.session.get(Unit, dossier.receiving_unit_id)

    return find


def _events(dossier: Dossier) -> list[str]:
    return list(
        db.session.scalars(
            select(DossierEvent.action)
            .where(DossierEvent.dossier_id == dossier.id, DossierEvent.internal.is_(False))
            .order_by(DossierEvent.id)
        )
    )


def _reload(dossier: Dossier) -> Dossier:
    db.session.expire_all()
    return db.session.get(Dossier, dossier.id)


def test_officer_requests_more_citizen_completes_then_accept_process_and_return(
    app, citizen, make_user, procedure, unit_of
) -> None:
    clock.freeze(MONDAY)
    dossier = submit_dossier(app, citizen, procedure)
    unit = unit_of(dossier)
    officer, officer_user = staff_client(app, make_user, Role.OFFICER, [unit])

    # The new dossier waits in the unit's intake queue.
    queue = officer.get("/can-bo/")
    assert queue.status_code == 200
    assert dossier.code in queue.text
    page = officer.get(f"/can-bo/ho-so/{dossier.id}")
    assert page.status_code == 200
    # Reading personal data is recorded once a day per officer, as an internal event.
    officer.get(f"/can-bo/ho-so/{dossier.id}")
    views = db.session.scalars(
        select(DossierEvent).where(
            DossierEvent.dossier_id == dossier.id, DossierEvent.action == "viewed"
        )
    ).all()
    assert [(v.actor_id, v.internal) for v in views] == [(officer_user.id, True)]
    for label in ("Tiếp nhận hồ sơ", "Yêu cầu bổ sung", "Từ chối tiếp nhận"):
        assert label in page.text
    assert "Trả kết quả</button>" not in page.text

    # Ask for more (Mẫu 02): one document and a reason.
    document = next(d for d in procedure.documents if d.is_required and d.scan_required)
    response = officer.post(
        f"/can-bo/ho-so/{dossier.id}/request_supplement",
        data={
            "request_supplement-documents": [document.code],
            "request_supplement-reason": "Ảnh giấy chứng sinh bị mờ, vui lòng chụp lại rõ nét.",
        },
    )
    assert response.status_code == 303, response.text
    dossier = _reload(dossier)
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.supplement_request["items"][0]["what"] == document.name
    form_02 = officer.get(f"/ho-so/{dossier.id}/mau-02.pdf")
    assert form_02.mimetype == "application/pdf"
    text = _pdf_text(form_02.data)
    assert "BỔ SUNG" in text and dossier.code in text and "bị mờ" in text

    # The citizen sees what to add, completes the dossier online and sends it back.
    owner = app.test_client()
    from helpers import login

    login(owner, citizen)
    show = owner.get(f"/ho-so/{dossier.id}")
    assert "Cần bổ sung" in show.text and "bị mờ" in show.text
    assert owner.get(f"/ho-so/{dossier.id}/mau-02.pdf").status_code == 200
    step = owner.get(f"/ho-so/{dossier.id}/giay-to")
    assert step.status_code == 200 and document.name in step.text
    resubmit = owner.post(f"/ho-so/{dossier.id}/nop", data={"declaration": "1"})
    assert resubmit.status_code == 303
    dossier = _reload(dossier)
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.code in officer.get("/can-bo/hang-doi/moi").text

    # Accept: the receipt gets the acceptance time and the final date (24/11 is a holiday).
    clock.freeze(datetime(2026, 11, 23, 10, 30))
    assert officer.post(f"/can-bo/ho-so/{dossier.id}/accept").status_code == 303
    dossier = _reload(dossier)
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.received_at == datetime(2026, 11, 23, 10, 30)
    assert dossier.due_date == date(2026, 11, 23)  # same-day procedure
    receipt = _pdf_text(owner.get(f"/ho-so/{dossier.id}/giay-tiep-nhan.pdf").data)
    assert "10 giờ 30 phút" in receipt and officer_user.full_name in receipt

    # Accepting twice is refused politely (409), never a 500 and never a second event.
    again = officer.post(f"/can-bo/ho-so/{dossier.id}/accept")
    assert again.status_code == 409
    assert "tải lại trang" in again.text
    assert _events(dossier).count("accepted") == 1

    # Hand over to a specialist of the unit, who approves with a PDF result.
    specialist, specialist_user = staff_client(app, make_user, Role.SPECIALIST, [unit])
    response = officer.post(
        f"/can-bo/ho-so/{dossier.id}/assign",
        data={"assign-assignee": str(specialist_user.id), "assign-note": "Xử lý trong ngày"},
    )
    assert response.status_code == 303, response.text
    assert _reload(dossier).status == DossierStatus.PROCESSING
    assert dossier.code in specialist.get("/can-bo/hang-doi/xu-ly").text
    response = specialist.post(
        f"/can-bo/ho-so/{dossier.id}/approve",
        data={
            "approve-result_kind": "file",
            "approve-result_file": (io.BytesIO(_minimal_pdf()), "trich-luc.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.text
    dossier = _reload(dossier)
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.result_file is not None

    # Online return: the citizen downloads the result.
    download = owner.get(f"/ho-so/{dossier.id}/ket-qua")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF")

    # The officer returns it; the dossier closes on time.
    response = officer.post(f"/can-bo/ho-so/{dossier.id}/return", data={"return-via": "online"})
    assert response.status_code == 303, response.text
    dossier = _reload(dossier)
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.on_time is True
    assert _events(dossier) == [
        "submitted",
        "supplement_requested",
        "resubmitted",
        "accepted",
        "assigned",
        "approved",
        "result_downloaded",
        "returned",
    ]

    # The citizen's timeline tells what happened, without the notes between staff.
    timeline = owner.get(f"/ho-so/{dossier.id}").text
    assert "Hồ sơ được chuyển xử lý" in timeline
    assert "Xử lý trong ngày" not in timeline

    # Mẫu 06: every hand-over with its verdict.
    control = _pdf_text(officer.get(f"/ho-so/{dossier.id}/mau-06.pdf").data)
    assert "KIỂM SOÁT" in control and specialist_user.full_name in control
    assert "Đúng hạn" in control
    # ...which the citizen does not get.
    assert owner.get(f"/ho-so/{dossier.id}/mau-06.pdf").status_code == 404

    # The citizen was told at each step that matters to them.
    kinds = list(
        db.session.scalars(
            select(Notification.template)
            .where(Notification.dossier_id == dossier.id, Notification.channel == "sms")
            .order_by(Notification.id)
        )
    )
    assert kinds == ["supplement_requested", "accepted", "approved.online", "returned"]


@pytest.fixture
def residence_with_cutoff(app) -> Iterator[Procedure]:  # type: ignore[no-untyped-def]
    """Permanent residence with the 15:00 cut-off; the catalogue is shared by the tests of a
    worker (it is not wiped), so it is put back afterwards."""
    procedure = db.session.scalar(select(Procedure).where(Procedure.name == "Đăng ký thường trú"))
    before, procedure.cutoff_15h = procedure.cutoff_15h, True
    db.session.commit()
    yield procedure
    db.session.rollback()
    procedure.cutoff_15h = before
    db.session.commit()


def test_acceptance_after_the_cutoff_counts_from_the_next_working_day(
    app, citizen, make_user, unit_of, residence_with_cutoff
) -> None:
    """DOMAIN.md §5, first worked example, through the officer's acceptance."""
    procedure = residence_with_cutoff
    clock.freeze(datetime(2026, 2, 13, 15, 30))
    dossier = submit_dossier(app, citizen, procedure)
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit_of(dossier)])
    clock.freeze(datetime(2026, 2, 13, 16, 0))
    fee_settled(dossier)
    assert officer.post(f"/can-bo/ho-so/{dossier.id}/accept").status_code == 303
    dossier = _reload(dossier)
    assert dossier.counting_start == date(2026, 2, 23)  # Tết 16–20/2 skipped
    assert dossier.due_date == date(2026, 3, 4)


def test_late_dossier_gets_an_apology_before_the_due_date_passes(
    app, citizen, make_user, unit_of
) -> None:
    procedure = db.session.scalar(select(Procedure).where(Procedure.name == "Đăng ký thường trú"))
    clock.freeze(datetime(2026, 3, 2, 9, 0))  # Monday
    dossier = submit_dossier(app, citizen, procedure)
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit_of(dossier)])
    fee_settled(dossier)
    officer.post(f"/can-bo/ho-so/{dossier.id}/accept")
    dossier = _reload(dossier)
    assert dossier.due_date == date(2026, 3, 11)

    # Two working days before: the queue "due soon" lists it, highlighted.
    clock.freeze(datetime(2026, 3, 9, 8, 0))
    due_queue = officer.get("/can-bo/hang-doi/den-han")
    assert dossier.code in due_queue.text
    assert "Còn 2 ngày làm việc" in due_queue.text

    # A new date that is not later than the current one is refused with a message.
    bad = officer.post(
        f"/can-bo/ho-so/{dossier.id}/extend",
        data={"extend-new_due": "2026-03-10", "extend-reason": "Chờ xác minh"},
    )
    assert bad.status_code == 422
    assert "phải sau ngày hẹn hiện tại" in bad.text

    ok = officer.post(
        f"/can-bo/ho-so/{dossier.id}/extend",
        data={"extend-new_due": "2026-03-16", "extend-reason": "Chờ kết quả xác minh của xã"},
    )
    assert ok.status_code == 303, ok.text
    dossier = _reload(dossier)
    assert dossier.due_date == date(2026, 3, 16)
    assert dossier.original_due_date == date(2026, 3, 11)

    from helpers import login

    owner = app.test_client()
    login(owner, citizen)
    show = owner.get(f"/ho-so/{dossier.id}")
    assert "16/03/2026" in show.text and "11/03/2026" in show.text
    apology = _pdf_text(owner.get(f"/ho-so/{dossier.id}/mau-04.pdf").data)
    assert "XIN LỖI" in apology and "ngày 16 tháng 3 năm 2026" in apology

    # Once the (new) due date has passed, no further apology can be sent.
    clock.freeze(datetime(2026, 3, 17, 9, 0))
    late = officer.post(
        f"/can-bo/ho-so/{dossier.id}/extend",
        data={"extend-new_due": "2026-03-20", "extend-reason": "Chậm"},
    )
    assert late.status_code == 409
    assert "quá hạn" in late.text
    page = officer.get(f"/can-bo/ho-so/{dossier.id}")
    assert "Quá hạn" in page.text

    # Returned late: the verdict compares with the date first promised.
    officer.post(
        f"/can-bo/ho-so/{dossier.id}/approve",
        data={
            "approve-result_kind": "file",
            "approve-result_file": (io.BytesIO(_minimal_pdf()), "kq.pdf"),
        },
        content_type="multipart/form-data",
    )
    officer.post(f"/can-bo/ho-so/{dossier.id}/return", data={"return-via": "online"})
    dossier = _reload(dossier)
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.on_time is False


def test_refusal_and_stop_record_the_reason_and_print_their_forms(
    app, citizen, make_user, procedure, unit_of
) -> None:
    clock.freeze(MONDAY)
    refused = submit_dossier(app, citizen, procedure, token="a")
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit_of(refused)])
    empty = officer.post(f"/can-bo/ho-so/{refused.id}/refuse", data={"refuse-reason": "  "})
    assert empty.status_code == 422
    assert "Vui lòng ghi rõ lý do" in empty.text
    assert _reload(refused).status == DossierStatus.SUBMITTED
    officer.post(
        f"/can-bo/ho-so/{refused.id}/refuse",
        data={"refuse-reason": "Thủ tục không thuộc thẩm quyền của xã."},
    )
    assert _reload(refused).status == DossierStatus.REFUSED
    assert "không thuộc thẩm quyền" in _pdf_text(
        officer.get(f"/ho-so/{refused.id}/mau-03.pdf").data
    )

    stopped = submit_dossier(app, citizen, procedure, token="b")
    officer.post(f"/can-bo/ho-so/{stopped.id}/accept")
    officer.post(
        f"/can-bo/ho-so/{stopped.id}/stop",
        data={"stop-reason": "Người nộp đề nghị dừng giải quyết."},
    )
    assert _reload(stopped).status == DossierStatus.STOPPED
    assert "đề nghị dừng" in _pdf_text(officer.get(f"/ho-so/{stopped.id}/mau-05.pdf").data)
    # Forms exist only after their event.
    assert officer.get(f"/ho-so/{stopped.id}/mau-03.pdf").status_code == 404


def test_citizen_withdraws_before_acceptance_but_not_after(
    app, citizen, make_user, procedure, unit_of
) -> None:
    from helpers import login

    clock.freeze(MONDAY)
    owner = app.test_client()
    login(owner, citizen)
    first = submit_dossier(app, citizen, procedure, token="a")
    assert "Rút hồ sơ" in owner.get(f"/ho-so/{first.id}").text
    assert owner.post(f"/ho-so/{first.id}/rut", data={"reason": "Nộp nhầm"}).status_code == 303
    assert _reload(first).status == DossierStatus.WITHDRAWN

    second = submit_dossier(app, citizen, procedure, token="b")
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit_of(second)])
    officer.post(f"/can-bo/ho-so/{second.id}/accept")
    assert "Rút hồ sơ" not in owner.get(f"/ho-so/{second.id}").text
    assert owner.post(f"/ho-so/{second.id}/rut", data={}).status_code == 409
    assert _reload(second).status == DossierStatus.RECEIVED


def test_forwarding_moves_the_dossier_to_the_other_units_queue(
    app, citizen, make_user, procedure, unit_of
) -> None:
    clock.freeze(MONDAY)
    dossier = submit_dossier(app, citizen, procedure)
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit_of(dossier)])
    officer.post(f"/can-bo/ho-so/{dossier.id}/accept")
    province = db.session.scalar(select(Unit).where(Unit.commune_code.is_(None)))
    other, _ = staff_client(app, make_user, Role.SPECIALIST, [province])
    assert other.get(f"/can-bo/ho-so/{dossier.id}").status_code == 404
    response = officer.post(
        f"/can-bo/ho-so/{dossier.id}/forward",
        data={"forward-unit": str(province.id), "forward-note": "Cần ý kiến của tỉnh"},
    )
    assert response.status_code == 303, response.text
    assert dossier.code in other.get("/can-bo/hang-doi/xu-ly").text
    assert other.get(f"/can-bo/ho-so/{dossier.id}").status_code == 200
    # The receiving unit still follows it, in its register.
    assert dossier.code in officer.get("/can-bo/so-theo-doi").text


def test_queue_search_filters_and_register_csv(app, citizen, make_user, procedure, unit_of) -> None:
    clock.freeze(MONDAY)
    dossier = submit_dossier(app, citizen, procedure)
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit_of(dossier)])
    folded = "nguyen thi hoa"  # the citizen fixture's name without diacritics
    assert dossier.code in officer.get("/can-bo/", query_string={"q": folded}).text
    assert dossier.code in officer.get("/can-bo/", query_string={"q": "0912345678"}).text
    assert dossier.code in officer.get("/can-bo/", query_string={"q": dossier.code[-11:]}).text
    assert dossier.code not in officer.get("/can-bo/", query_string={"q": "tran van"}).text
    other = db.session.scalar(select(Procedure).where(Procedure.id != procedure.id))
    assert dossier.code not in officer.get("/can-bo/", query_string={"thu-tuc": other.id}).text
    fragment = officer.get("/can-bo/", query_string={"q": folded}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and dossier.code in fragment.text

    csv = officer.get("/can-bo/so-theo-doi.csv")
    assert csv.mimetype == "text/csv"
    body = csv.data.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("STT,Mã hồ sơ")
    assert dossier.code in body
    rows = db.session.scalar(select(func.count()).select_from(Dossier))
    assert len(body.strip().splitlines()) == rows + 1


# Commune centres sit on the same weak links as their citizens: the officer's pages keep the
# citizen pages' budget (14 KB brotli for a page with its CSS).
PAGE_BUDGET = 14 * 1024
BR = {"Accept-Encoding": "br"}


def test_officer_pages_stay_within_the_page_budget(
    app, citizen, make_user, procedure, unit_of
) -> None:
    clock.freeze(MONDAY)
    # One through the journey's pages, the other 25 built by the same operations (no HTTP): the
    # pages measured are the officer's.
    dossiers = [submit_dossier(app, citizen, procedure, token="t0")]
    dossiers += [submit_via_services(citizen, procedure, token=f"t{n}") for n in range(1, 26)]
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit_of(dossiers[0])])
    css = officer.get("/static/css/app.css", headers=BR)
    assert css.headers["Content-Encoding"] == "br"
    sizes = {}
    for url in ("/can-bo/", f"/can-bo/ho-so/{dossiers[0].id}", "/can-bo/so-theo-doi"):
        response = officer.get(url, headers=BR)
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "br"
        sizes[url] = len(response.data) + len(css.data)
    print(sizes)
    # A full queue page really holds 25 rows and a link to the next page.
    page = officer.get("/can-bo/")
    assert page.text.count("<tr class=") == 25 and "Trang sau" in page.text
    assert all(size <= PAGE_BUDGET for size in sizes.values()), sizes


def test_an_action_the_dossier_has_moved_past_answers_409_with_the_reason(
    app, citizen, make_user, procedure, unit_of
) -> None:  # type: ignore[no-untyped-def]
    """Regression (issue 11): an officer's form for an action no longer allowed (a second tab,
    a colleague acted first) answered 422 on a page that no longer showed that form, so its
    errors were nowhere to be read."""
    clock.freeze(MONDAY)
    dossier = submit_via_services(citizen, procedure)
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit_of(dossier)])
    for action, data in (
        ("extend", {"extend-new_due": "", "extend-reason": ""}),
        ("approve", {"approve-result_kind": "file"}),
        ("return", {"return-via": "không có"}),
    ):
        response = officer.post(f"/can-bo/ho-so/{dossier.id}/{action}", data=data)
        assert response.status_code == 409, action
        assert "khi hồ sơ đang ở trạng thái “Đã nộp, chờ tiếp nhận”" in response.text, action
    assert _reload(dossier).status == DossierStatus.SUBMITTED
