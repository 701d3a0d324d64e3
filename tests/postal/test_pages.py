"""The postal pages as people use them, without JavaScript (plain forms, 303 redirects).

The citizen books a home pickup in the journey; the worker collects it and prints the papers;
the officer confirms the manifest and accepts; the result goes back by post, fails once and is
delivered; a walk-in citizen applies at the counter. Access: each side sees only its own.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from helpers import (
    PASSWORD,
    booked_and_submitted,
    born,
    complete_draft,
    fee_settled,
    fill_draft,
    jpeg_bytes,
    login,
    sample_answers,
)
from pypdf import PdfReader
from sqlalchemy import func, select

from app.accounts.models import Consent, User
from app.core import clock
from app.core.roles import Role
from app.documents import store
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.operations.intake import accept, withdraw
from app.dossiers.operations.processing import approve
from app.dossiers.operations.retention import purge_stale_drafts
from app.dossiers.operations.submitting import submit
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.notifications.models import Notification
from app.postal import s10
from app.postal.flow import Leg, ShipmentStatus
from app.postal.models import HandoverManifest, PostalPayment, PostOffice, Shipment
from app.postal.operations import booking, pickup
from app.postal.queries import shipments
from app.postal.queries.slots import offered_slots

MONDAY = datetime(2026, 11, 23, 9, 0)
WEDNESDAY = datetime(2026, 11, 25, 9, 30)
COMMUNE = "17329"
A6_PT = (297.6, 419.5)
A5_PT = (419.5, 595.3)
MM80_PT = 226.8


def client_of(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, user)
    return client


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def pdf(response) -> PdfReader:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:500]
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader: PdfReader) -> str:
    """The PDF's text without line breaks or break opportunities (long codes may wrap)."""
    text = "".join(page.extract_text() or "" for page in reader.pages)
    text = "".join(ch for ch in text if not ch.isspace() and ch not in "\u200b\u00ad")
    return unicodedata.normalize("NFC", text)


def size_of(reader: PdfReader) -> tuple[float, float]:
    box = reader.pages[0].mediabox
    return round(float(box.width), 1), round(float(box.height), 1)


_booked = booked_and_submitted


# --- the citizen books -----------------------------------------------------------------------


def test_choosing_a_home_pickup_leads_to_the_slots_and_the_booking_survives_errors(
    app, client, citizen, residence, office
) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    login(client, citizen)
    base = fill_draft(client, residence)
    response = client.post(
        f"{base}/nhan-tra",
        data={"intake_channel": "post_pickup", "return_channel": "online", "return_province": "40"},
    )
    assert response.status_code == 303 and response.location.endswith(f"{base}/hen-buu-dien")

    page = soup(client.get(f"{base}/hen-buu-dien"))
    slots = page.select("input[name=slot]")
    assert len(slots) >= 3
    # The first is not today, and not the holiday (Tuesday 24/11).
    assert slots[0]["aria-label"] == "Thứ Tư 25/11/2026, 08:00–11:00"
    assert page.find("select", id="commune").find("option", selected=True)["value"] == COMMUNE
    assert page.find("input", id="contact_phone")["value"] == "0912345678"

    # No slot chosen: a clear message, and what was typed stays.
    form = {
        "province": "40",
        "commune": COMMUNE,
        "village": "Bản Huồi Tụ",
        "landmark": "Cạnh nhà văn hóa bản",
        "contact_phone": "0912345678",
    }
    response = client.post(f"{base}/hen-buu-dien", data=form)
    assert response.status_code == 422
    assert "Vui lòng chọn một khung giờ" in response.text
    assert soup(response).find("input", id="landmark")["value"] == "Cạnh nhà văn hóa bản"

    response = client.post(f"{base}/hen-buu-dien", data={**form, "slot": slots[0]["value"]})
    assert response.status_code == 303 and response.location.endswith(f"{base}/kiem-tra")
    check = client.get(f"{base}/kiem-tra").text
    assert "Hẹn 08:00–11:00 ngày 25/11/2026" in check

    response = client.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 303
    dossier = db.session.get(Dossier, int(base.rsplit("/", 1)[1]))
    shown = client.get(f"/ho-so/{dossier.id}").text
    assert "Chờ bưu điện nhận hồ sơ" in shown
    assert "Đã hẹn bưu điện đến nhận hồ sơ" in shown  # timeline
    assert db.session.scalar(
        select(func.count()).select_from(Notification).filter_by(template="pickup_booked")
    )


def test_a_slot_filled_meanwhile_answers_409_with_other_slots(
    app, client, make_user, citizen, residence, office
) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    login(client, citizen)
    draft = complete_draft(citizen, residence, "mine")
    slot = offered_slots(office)[0]
    for n in range(slot.capacity):  # others take the last places
        other = make_user()
        booking.book_pickup(
            complete_draft(other, residence, f"o{n}"),
            slot,
            commune_code=COMMUNE,
            village="X",
            contact_phone=other.phone,
        )
    db.session.commit()
    response = client.post(
        f"/ho-so/{draft.id}/hen-buu-dien",
        data={
            "province": "40",
            "commune": COMMUNE,
            "village": "Bản Huồi Tụ",
            "landmark": "Gốc đa",
            "contact_phone": "0912345678",
            "slot": slot.key,
        },
    )
    assert response.status_code == 409
    assert "vừa hết chỗ" in response.text
    page = soup(response)
    offered = {i["value"] for i in page.select("input[name=slot]")}
    assert offered and slot.key not in offered
    assert page.find("input", id="landmark")["value"] == "Gốc đa"
    assert shipments.pickup_shipment(draft) is None


def test_the_htmx_slot_list_follows_the_commune_and_is_small(
    app, client, citizen, residence, office
) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    login(client, citizen)
    draft = complete_draft(citizen, residence, "h")
    headers = {"HX-Request": "true", "Accept-Encoding": "br"}
    url = f"/ho-so/{draft.id}/hen-buu-dien?chi-khung-gio=1"
    served = client.get(f"{url}&commune={COMMUNE}", headers=headers)
    assert served.status_code == 200 and "<html" not in served.get_data(as_text=False).decode(
        "latin-1"
    )
    import brotli

    assert len(served.data) <= 2048  # an htmx fragment's budget, compressed
    assert "Thứ Tư 25/11/2026" in brotli.decompress(served.data).decode()
    other = client.get(f"{url}&commune=16813", headers={"HX-Request": "true"})
    assert "Chưa có bưu điện nhận hồ sơ tại nhà ở xã này" in other.text


# --- the worker, the officer, and back ---------------------------------------------------------


def test_home_pickup_to_delivery_through_the_pages(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    dossier = _booked(citizen, residence, office, return_channel="post")
    shipment = shipments.pickup_shipment(dossier)
    clock.freeze(WEDNESDAY)
    postal = client_of(app, worker)

    today = postal.get("/buu-dien/")
    assert today.status_code == 200 and dossier.code in today.text
    page = soup(postal.get(f"/buu-dien/buu-gui/{shipment.id}"))
    rows = page.select("input[name^=present-]")
    assert len(rows) == len(residence.documents)

    # Forgetting the seal number: 422, the ticked boxes are still ticked.
    ticked = {f"present-{d.code}": "1" for d in residence.documents}
    kinds = {f"kind-{d.code}": "original" for d in residence.documents}
    response = postal.post(
        f"/buu-dien/buu-gui/{shipment.id}/nhan", data={**ticked, **kinds, "fee": "20000"}
    )
    assert response.status_code == 422
    assert "Vui lòng ghi số niêm phong" in response.text
    assert all(i.has_attr("checked") for i in soup(response).select("input[name^=present-]"))

    response = postal.post(
        f"/buu-dien/buu-gui/{shipment.id}/nhan",
        data={**ticked, **kinds, "seal_number": "NP 0042", "fee": "20000", "postage": "26000"},
    )
    assert response.status_code == 303
    db.session.refresh(shipment)
    assert s10.is_valid(shipment.item_number)
    page = postal.get(f"/buu-dien/buu-gui/{shipment.id}").text
    assert shipment.item_number in page

    label_url = f"/buu-dien/buu-gui/{shipment.id}/nhan-dan.pdf"
    label = pdf(postal.get(label_url))
    assert size_of(label) == A6_PT and shipment.item_number in text_of(label)
    # A reprint an hour later is the same label, read from the store (issue 14): it dates
    # itself by the collection, not by the clock.
    printed, renders = postal.get(label_url), store.render_count()
    clock.freeze(WEDNESDAY + timedelta(hours=1))
    reprint = postal.get(label_url)
    assert reprint.data == printed.data and reprint.get_etag() == printed.get_etag()
    assert store.render_count() == renders
    clock.freeze(WEDNESDAY)
    listing = pdf(postal.get(f"/buu-dien/buu-gui/{shipment.id}/danh-muc-giay-to.pdf"))
    assert dossier.code in text_of(listing) and "NP0042" in text_of(listing)
    payment = db.session.scalar(select(PostalPayment))
    a5 = pdf(postal.get(f"/buu-dien/bien-lai/{payment.id}.pdf"))
    assert size_of(a5) == A5_PT and "20.000" in text_of(a5) and "26.000" in text_of(a5)
    thermal = pdf(postal.get(f"/buu-dien/bien-lai/{payment.id}.pdf?kho=80"))
    assert size_of(thermal)[0] == MM80_PT and len(thermal.pages) == 1
    route = pdf(postal.get(f"/buu-dien/lo-trinh.pdf?ngay=2026-11-25&nhan-vien={worker.id}"))
    assert dossier.code in text_of(route)

    # Hand-over to the commune centre, then the officer counts it.
    unit_id = dossier.receiving_unit_id
    response = postal.post(f"/buu-dien/bien-ban/moi/{unit_id}", data={"items": [shipment.id]})
    assert response.status_code == 303
    manifest = db.session.scalar(select(HandoverManifest))
    assert pdf(postal.get(f"/buu-dien/bien-ban/{manifest.id}.pdf"))

    desk = client_of(app, officer)
    assert manifest.number in desk.get("/can-bo/buu-dien/").text
    assert desk.post(f"/can-bo/buu-dien/bien-ban/{manifest.id}", data={}).status_code == 422
    item = manifest.items[0]
    response = desk.post(
        f"/can-bo/buu-dien/bien-ban/{manifest.id}", data={f"item-{item.id}": "received"}
    )
    assert response.status_code == 303
    db.session.refresh(dossier)
    assert dossier.papers_received_at == WEDNESDAY
    fee_settled(dossier)
    assert desk.post(f"/can-bo/ho-so/{dossier.id}/accept").status_code == 303
    db.session.refresh(dossier)
    assert dossier.status == DossierStatus.RECEIVED and dossier.received_at == WEDNESDAY

    # The result is ready, handed to the post on a manifest (the dossier is returned).
    clock.freeze(datetime(2026, 12, 2, 9, 0))
    approve(dossier, officer, result_kind="paper", note="Đã đăng ký thường trú")
    db.session.commit()
    back = shipments.shipment_of(dossier, Leg.RETURN)
    index = desk.get("/can-bo/buu-dien/")
    assert dossier.code in index.text
    response = desk.post(
        f"/can-bo/buu-dien/giao-ket-qua/{office.id}",
        data={f"po{office.id}-items": [back.id], f"po{office.id}-worker": worker.id},
    )
    assert response.status_code == 303, response.text
    db.session.refresh(dossier)
    db.session.refresh(back)
    assert dossier.status == DossierStatus.RETURNED and back.status == ShipmentStatus.COLLECTED

    # The worker goes out, nobody is home; the next day it is delivered.
    assert postal.post(f"/buu-dien/buu-gui/{back.id}/giao-di").status_code == 303
    response = postal.post(f"/buu-dien/buu-gui/{back.id}/khong-giao-duoc", data={})
    assert response.status_code == 422
    response = postal.post(
        f"/buu-dien/buu-gui/{back.id}/khong-giao-duoc", data={"reason": "nobody_home"}
    )
    assert response.status_code == 303
    clock.freeze(datetime(2026, 12, 3, 9, 0))
    assert back.id and dossier.code in postal.get("/buu-dien/?ngay=2026-12-03").text
    assert postal.post(f"/buu-dien/buu-gui/{back.id}/giao-di").status_code == 303
    response = postal.post(
        f"/buu-dien/buu-gui/{back.id}/da-giao",
        data={"recipient_name": "Lò Thị Mai", "relation": "family", "postage": "26000"},
    )
    assert response.status_code == 422 and "giấy tờ tùy thân" in response.text
    response = postal.post(
        f"/buu-dien/buu-gui/{back.id}/da-giao",
        data={
            "recipient_name": "Lò Thị Mai",
            "relation": "family",
            "id_checked": "y",
            "postage": "26000",
        },
    )
    assert response.status_code == 303
    db.session.refresh(back)
    assert back.status == ShipmentStatus.DELIVERED

    # The citizen reads every postal step on their timeline, in plain words.
    mine = client_of(app, citizen).get(f"/ho-so/{dossier.id}").text
    for words in (
        "Bưu điện đã nhận hồ sơ",
        "Bưu điện đã giao hồ sơ cho cơ quan",
        "Bưu điện đã nhận kết quả từ cơ quan",
        "Bưu điện đang giao kết quả",
        "Giao kết quả không thành công",
        "Đã giao kết quả",
    ):
        assert words in mine, words

    cash = postal.get("/buu-dien/bao-cao-thu?tu=2026-11-25&den=2026-12-03")
    # One fee of 20.000 đ, postage 26.000 đ with the papers and 26.000 đ with the result.
    assert "20.000 đ" in cash.text and "52.000 đ" in cash.text and "72.000 đ" in cash.text
    report = pdf(postal.get("/buu-dien/bao-cao-thu.pdf?tu=2026-11-25&den=2026-12-03"))
    assert "72.000" in text_of(report)


def test_each_side_sees_only_its_own(
    app, office, worker, officer, make_user, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    dossier = _booked(citizen, residence, office)
    shipment = shipments.pickup_shipment(dossier)
    other_office = PostOffice(code="463200", name="Bưu điện khác")
    db.session.add(other_office)
    db.session.commit()
    stranger = client_of(app, make_user(role=Role.POSTAL, post_office_id=other_office.id))
    assert stranger.get(f"/buu-dien/buu-gui/{shipment.id}").status_code == 404
    assert dossier.code not in stranger.get("/buu-dien/").text
    assert stranger.post(f"/buu-dien/buu-gui/{shipment.id}/nhan", data={}).status_code == 404
    # A citizen has no postal pages; a postal worker has no back office.
    citizen_client = client_of(app, citizen)
    assert citizen_client.get("/buu-dien/").status_code == 403
    assert citizen_client.get("/can-bo/buu-dien/").status_code == 403
    assert client_of(app, worker).get("/can-bo/buu-dien/").status_code == 403
    # Nor can a postal worker read the citizen's dossier page.
    assert client_of(app, worker).get(f"/ho-so/{dossier.id}").status_code == 404
    # An officer of another unit does not see the manifest.
    clock.freeze(WEDNESDAY)
    pickup.collect(
        shipment,
        worker,
        [pickup.CountedDocument(d.code, True, "original") for d in residence.documents],
        seal_number="1",
        fee=0,
        postage=0,
    )
    manifest = pickup.dispatch(worker, dossier.receiving_unit, [shipment])
    db.session.commit()
    elsewhere = db.session.scalar(
        select(type(dossier.receiving_unit)).where(
            type(dossier.receiving_unit).id != dossier.receiving_unit_id
        )
    )
    outsider = client_of(app, make_user(role=Role.OFFICER, units=[elsewhere]))
    assert outsider.get(f"/can-bo/buu-dien/bien-ban/{manifest.id}").status_code == 404
    assert manifest.number not in outsider.get("/can-bo/buu-dien/").text


# --- the counter ------------------------------------------------------------------------------


def test_a_walk_in_citizen_applies_at_the_counter(app, office, worker, residence) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(WEDNESDAY)
    clerk = client_of(app, worker)
    found = clerk.post("/buu-dien/quay/", data={"q": "0987 654 321"})
    assert "Chưa có tài khoản với số này" in found.text

    citizen_data = {
        "full_name": "Vi Thị Xuân",
        "phone": "0987654321",
        **born("1975-03-08"),
        "sex": "female",
        "id_number": "040175012345",
    }
    refused = clerk.post("/buu-dien/quay/cong-dan-moi", data=citizen_data)
    assert refused.status_code == 422 and "Cần có sự đồng ý" in refused.text
    assert (
        db.session.scalar(select(func.count()).select_from(User).filter_by(phone="0987654321")) == 0
    )
    response = clerk.post("/buu-dien/quay/cong-dan-moi", data={**citizen_data, "consent": "y"})
    assert response.status_code == 303
    citizen = db.session.scalar(select(User).filter_by(phone="0987654321"))
    assert citizen.password_hash is None and citizen.created_by_id == worker.id
    assert citizen.role == Role.CITIZEN
    consent = db.session.scalar(select(Consent).filter_by(citizen_id=citizen.id))
    assert consent.recorded_by_id == worker.id and consent.method == "paper"
    assert consent.place == office.name

    page = clerk.get(f"/buu-dien/quay/cong-dan/{citizen.id}")
    assert "Vi Thị Xuân" in page.text and "040175012345" not in page.text
    start = {"procedure": residence.id, "client_token": "counter-1"}
    assert (
        clerk.post(f"/buu-dien/quay/cong-dan/{citizen.id}/nop-ho-so", data=start).status_code == 422
    )
    response = clerk.post(
        f"/buu-dien/quay/cong-dan/{citizen.id}/nop-ho-so", data={**start, "consent": "1"}
    )
    assert response.status_code == 303
    base = response.location.rsplit("/", 1)[0]
    dossier = db.session.get(Dossier, int(base.rsplit("/", 1)[1]))
    assert dossier.owner_id == citizen.id and dossier.created_by_id == worker.id

    # The same journey, filled by the clerk; the papers travel from the counter.
    assert (
        clerk.post(
            f"{base}/nguoi-nop",
            data={"phone": "0987654321", "province": "40", "commune": COMMUNE, "village": "Bản Lả"},
        ).status_code
        == 303
    )
    assert clerk.post(f"{base}/thong-tin", data=sample_answers(residence)).status_code == 303
    for document in residence.documents:
        if document.is_required and document.scan_required:
            clerk.post(
                f"{base}/giay-to/{document.code}",
                data={"file": (io.BytesIO(jpeg_bytes()), "anh.jpg")},
                content_type="multipart/form-data",
            )
    step = soup(clerk.get(f"{base}/nhan-tra"))
    assert [i["value"] for i in step.select("input[name=intake_channel]")] == ["post_office"]
    assert (
        clerk.post(
            f"{base}/nhan-tra",
            data={
                "intake_channel": "post_office",
                "return_channel": "online",
                "return_province": "40",
            },
        ).status_code
        == 303
    )
    response = clerk.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 303
    shown = clerk.get(response.location)
    assert shown.status_code == 303 and "/buu-dien/buu-gui/" in shown.location
    db.session.refresh(dossier)
    assert dossier.status == DossierStatus.SUBMITTED and dossier.submitted_by_id == worker.id
    counter = shipments.pickup_shipment(dossier)
    assert counter.at_counter and counter.worker_id == worker.id
    # The clerk holds the papers: the item does not wait for the post to come and get them.
    item = clerk.get(f"/buu-dien/buu-gui/{counter.id}")
    assert "Chờ bưu điện nhận hồ sơ" not in item.text
    assert "Bưu điện đang nhận hồ sơ tại quầy" in item.text

    ticked = {f"present-{d.code}": "1" for d in residence.documents}
    response = clerk.post(
        f"/buu-dien/buu-gui/{counter.id}/nhan",
        data={**ticked, "seal_number": "Q-7", "fee": "20000", "postage": "26000"},
    )
    assert response.status_code == 303
    a5 = pdf(clerk.get(f"/buu-dien/buu-gui/{counter.id}/giay-tiep-nhan.pdf"))
    assert size_of(a5) == A5_PT and dossier.code in text_of(a5)
    assert "LêThịLan" in text_of(a5)  # received by the clerk, not "the online system"
    assert "đồngýđểLêThịLan" in text_of(a5)  # and the citizen signs the consent on it
    assert dossier.consent.purpose == "dossier_on_behalf"
    thermal = pdf(clerk.get(f"/buu-dien/buu-gui/{counter.id}/giay-tiep-nhan.pdf?kho=80"))
    assert size_of(thermal)[0] == MM80_PT and len(thermal.pages) == 1
    assert "040175012345" not in text_of(thermal) and "2345" in text_of(thermal)

    # The timeline tells the citizen who submitted for them.
    submitted = db.session.scalar(
        select(DossierEvent).filter_by(dossier_id=dossier.id, action="submitted")
    )
    assert submitted.actor_id == worker.id and office.name in submitted.note

    # Another clerk cannot open this citizen's page by its URL.
    other = client_of(app, db.session.merge(_another_worker(office)))
    assert other.get(f"/buu-dien/quay/cong-dan/{citizen.id}").status_code == 404
    assert other.get(f"/ho-so/{dossier.id}/thong-tin").status_code == 404


def _another_worker(office: PostOffice) -> User:
    user = User(
        phone="0911222333",
        full_name="Nhân viên khác",
        role=Role.POSTAL,
        post_office_id=office.id,
        id_number="040190999999",
    )
    from helpers import PASSWORD

    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def test_reminders_go_out_once_the_day_before(app, office, citizen, residence) -> None:  # type: ignore[no-untyped-def]
    dossier = _booked(citizen, residence, office)  # booked for Wednesday 25/11
    assert booking.send_pickup_reminders(datetime(2026, 11, 23).date()) == 0
    assert booking.send_pickup_reminders(datetime(2026, 11, 24).date()) == 1
    assert booking.send_pickup_reminders(datetime(2026, 11, 24).date()) == 0
    db.session.commit()
    templates = db.session.scalars(
        select(Notification.template).filter_by(dossier_id=dossier.id, channel="sms")
    ).all()
    assert templates == ["pickup_booked", "pickup_reminder"]


@pytest.mark.parametrize("gone", ["withdraw", "purge"])
def test_a_booking_whose_dossier_goes_away_frees_its_place(
    app, office, citizen, residence, gone
) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    draft = complete_draft(citizen, residence, "g")
    slot = offered_slots(office)[0]
    booked = booking.book_pickup(
        draft, slot, commune_code=COMMUNE, village="X", contact_phone=citizen.phone
    )
    db.session.commit()
    slot = booked.slot  # the offered slot got its row
    if gone == "withdraw":
        submit(draft, citizen)
        withdraw(draft, citizen)
    else:
        clock.freeze(datetime(2027, 6, 1, 9, 0))
        assert purge_stale_drafts(90) == 1
    db.session.commit()
    db.session.refresh(slot)
    assert slot.booked == 0
    assert db.session.scalar(select(func.count()).select_from(Shipment)) == 0


def test_returning_by_post_from_the_dossier_page_makes_a_hand_over_record(
    app, office, worker, officer, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    """The back office's own "return" button, by post: the same hand-over as the batch page."""
    dossier = _booked(citizen, residence, office, return_channel="post")
    clock.freeze(WEDNESDAY)
    pickup.collect(
        shipments.pickup_shipment(dossier),
        worker,
        [pickup.CountedDocument(d.code, True, "original") for d in residence.documents],
        seal_number="1",
        fee=0,
        postage=0,
    )
    manifest = pickup.dispatch(worker, dossier.receiving_unit, [shipments.pickup_shipment(dossier)])
    pickup.confirm_manifest(manifest, officer, {manifest.items[0].id: (True, "")})
    fee_settled(dossier)
    accept(dossier, officer)
    approve(dossier, officer, result_kind="paper")
    db.session.commit()
    desk = client_of(app, officer)
    response = desk.post(f"/can-bo/ho-so/{dossier.id}/return", data={"return-via": "post"})
    assert response.status_code == 303
    back = shipments.shipment_of(dossier, Leg.RETURN)
    db.session.refresh(dossier)
    assert dossier.status == DossierStatus.RETURNED and dossier.returned_via == "post"
    assert back.status == ShipmentStatus.COLLECTED and s10.is_valid(back.item_number)
    record = db.session.scalar(
        select(HandoverManifest).filter_by(
            direction="from_agency", unit_id=dossier.receiving_unit_id
        )
    )
    assert [i.shipment_id for i in record.items] == [back.id]
    assert dossier.code in postal_text(client_of(app, worker), back)


def postal_text(client, shipment) -> str:  # type: ignore[no-untyped-def]
    """What the worker's day page lists for the day the item is planned."""
    return client.get(f"/buu-dien/?ngay={shipment.planned_day.isoformat()}").text


def test_the_citizen_cancels_a_booking_from_the_booking_page(
    app, office, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    """Regression (issue 11): the cancel view answered 500 on every post."""
    clock.freeze(MONDAY)
    dossier = complete_draft(citizen, residence, "huy-1")
    slot = offered_slots(office)[0]
    booking.book_pickup(
        dossier, slot, commune_code=COMMUNE, village="Bản Huồi Tụ",
        landmark="Cạnh nhà văn hóa bản", contact_phone="0912345678",
    )  # fmt: skip
    db.session.commit()
    client = client_of(app, citizen)
    response = client.post(f"/ho-so/{dossier.id}/hen-buu-dien/huy")
    assert response.status_code == 303
    assert response.location.endswith(f"/ho-so/{dossier.id}/nhan-tra")
    assert shipments.pickup_shipment(db.session.get(Dossier, dossier.id)) is None
    assert "Đã hủy lịch hẹn bưu điện" in client.get(response.location).text


def test_the_head_of_office_gives_an_item_to_a_worker(
    app, office, worker, citizen, residence
) -> None:  # type: ignore[no-untyped-def]
    """Regression (issue 11): the assign view answered 500 on every post."""
    dossier = booked_and_submitted(citizen, residence, office)
    item = shipments.pickup_shipment(dossier)
    head = app.test_client()
    login(head, _head_of(office))
    response = head.post(
        f"/buu-dien/buu-gui/{item.id}/phan-cong",
        data={"worker": str(worker.id), "next": "/buu-dien/"},
    )
    assert response.status_code == 303
    assert db.session.get(Shipment, item.id).worker_id == worker.id
    assert "Đã phân công bưu gửi" in head.get("/buu-dien/").text
    # The page to go back to is one of ours, whatever the form says (a line break was a 500).
    for elsewhere in ("\xa0\n\n \u200b\t", "https://ke-gian.example/", "//ke-gian.example"):
        data = {"worker": str(worker.id), "next": elsewhere}
        response = head.post(f"/buu-dien/buu-gui/{item.id}/phan-cong", data=data)
        assert response.status_code == 303
        assert response.location == "/buu-dien/"
    # A worker may take an item for themselves only: anyone else in the list is refused.
    own = client_of(app, worker)
    response = own.post(f"/buu-dien/buu-gui/{item.id}/phan-cong", data={"worker": "999999"})
    assert response.status_code == 303
    assert "Vui lòng chọn nhân viên" in own.get("/buu-dien/").text


def _head_of(office: PostOffice) -> User:
    head = User(
        phone="0912999007", full_name="Vi Văn Thắng", role=Role.POSTAL_HEAD,
        post_office_id=office.id, privacy_consent_at=clock.now(),
    )  # fmt: skip
    head.set_password(PASSWORD)
    db.session.add(head)
    db.session.commit()
    return head


def test_a_form_for_a_step_the_item_is_past_answers_409_with_the_reason(
    app, office, worker, citizen, residence, commune_unit
) -> None:  # type: ignore[no-untyped-def]
    """Regression (issue 11): these posts answered 422 on a page that no longer showed their
    form, so no message could be read."""
    dossier = booked_and_submitted(citizen, residence, office)
    item = shipments.pickup_shipment(dossier)
    client = client_of(app, worker)
    for step in ("khong-giao-duoc", "da-giao"):
        response = client.post(f"/buu-dien/buu-gui/{item.id}/{step}", data={})
        assert response.status_code == 409, step
        assert "Không thể thực hiện thao tác này khi bưu gửi đang ở trạng thái" in response.text
    response = client.post(f"/buu-dien/bien-ban/moi/{commune_unit.id}", data={})
    assert response.status_code == 409
    assert "Không còn bưu gửi nào chờ giao cho đơn vị này" in response.text
