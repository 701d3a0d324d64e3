"""Helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import event

from app.accounts.demo import DEMO_PASSWORD
from app.accounts.models import User
from app.catalogue.models import Procedure
from app.extensions import db

PASSWORD = "Mat-khau-thu-2026"


USER_TABLES = [
    "feedback",
    "ratings",
    "rating_invitations",
    "refunds",
    "payments",
    "incoming_transfers",
    "user_sessions",
    "provider_sign_ins",
    "account_events",
    "login_throttles",
    "pending_secrets",
    "one_time_codes",
    "api_tokens",
    "postal_payments",
    "manifest_items",
    "handover_manifests",
    "delivery_attempts",
    "post_office_closures",
    "shipments",
    "pickup_slots",
    "slot_templates",
    "post_office_communes",
    "post_offices",
    "s10_serials",
    "gateway_states",
    "notifications",
    "dossier_events",
    "attachments",
    "dossiers",
    "consents",
    "dossier_sequences",
    "calendar_overrides",
    "unit_memberships",
    "collection_accounts",
    "users",
    "community_teams",
]


def wipe_user_tables() -> None:
    """Every row tests write, gone (units and the catalogue stay: they are seeded once)."""
    from sqlalchemy import text

    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(USER_TABLES)} RESTART IDENTITY CASCADE"))
    else:
        for table in USER_TABLES:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


def login(client: FlaskClient, user: User) -> None:
    response = client.post("/dang-nhap", data={"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 303, response.text


def jpeg_bytes(width: int = 1200, height: int = 900) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


SAMPLE_VALUES = {
    "text": "Nguyễn Văn An",
    "textarea": "Xóm 3, xã Anh Sơn",
    "date": "2026-11-01",
    "number": "2",
    "commune": "17329",
    "yesno": "yes",
}


def sample_answers(procedure: Procedure) -> dict[str, str]:
    answers = {}
    for field in procedure.form_schema:
        if field["type"] == "choice":
            answers[field["name"]] = field["choices"][0][0]
        else:
            answers[field["name"]] = SAMPLE_VALUES[field["type"]]
    return answers


def fill_draft(client: FlaskClient, procedure: Procedure, token: str = "t1") -> str:
    """Walk every step of the journey without JavaScript; returns the dossier's base URL."""
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": token})
    assert response.status_code == 303, response.text
    base = response.location.rsplit("/", 1)[0]
    steps = [
        (
            "nguoi-nop",
            {
                "phone": "0912 345 678",
                "province": "40",
                "commune": "17329",
                "village": "Bản Huồi Tụ",
                "street": "",
            },
        ),
        ("thong-tin", posted_answers(procedure)),
    ]
    for step, data in steps:
        response = client.post(f"{base}/{step}", data=data)
        assert response.status_code == 303, (step, response.text)
    for document in procedure.documents:
        if document.is_required and document.scan_required:
            response = client.post(
                f"{base}/giay-to/{document.code}",
                data={"file": (io.BytesIO(jpeg_bytes()), "anh.jpg")},
                content_type="multipart/form-data",
            )
            assert response.status_code == 303, response.text
    response = client.post(
        f"{base}/nhan-tra",
        data={"intake_channel": "online", "return_channel": "online", "return_province": "40"},
    )
    assert response.status_code == 303, response.text
    return base


def submit_dossier(app, owner: User, procedure: Procedure, token: str = "t1"):  # type: ignore[no-untyped-def]
    """A dossier of ``owner`` filled and submitted through the web journey (no JS)."""
    from app.dossiers.models import Dossier
    from app.extensions import db

    client = app.test_client()
    login(client, owner)
    base = fill_draft(client, procedure, token)
    response = client.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 303, response.text
    return db.session.get(Dossier, int(base.rsplit("/", 1)[1]))


def staff_client(app, make_user, role, units):  # type: ignore[no-untyped-def]
    """(client signed in, user) for a new staff member of ``units``."""
    user = make_user(role=role, units=list(units), full_name=f"Cán bộ {role}")
    client = app.test_client()
    login(client, user)
    return client, user


def complete_draft(owner: User, procedure: Procedure, token: str, street: str = ""):  # type: ignore[no-untyped-def]
    """A draft with every step filled in, built through the services (no HTTP, no CSRF).

    The applicant lives in commune 17329, so every dossier goes to that commune's centre.
    """
    from app.dossiers.operations.attachments import add_attachment
    from app.dossiers.operations.drafts import (
        mark_saved,
        save_answers,
        save_applicant,
        save_delivery,
        start_application,
    )
    from app.dossiers.uploads import process_upload
    from app.extensions import db

    dossier = start_application(owner, procedure, token)
    db.session.flush()
    save_applicant(
        dossier,
        {
            "phone": owner.phone,
            "email": "",
            "commune": "17329",
            "village": "Bản Huồi Tụ",
            "street": street,
        },
    )
    assert save_answers(dossier, sample_answers(procedure)) == {}
    scan = process_upload(jpeg_bytes(320, 240), max_bytes=5 * 1024 * 1024, max_side=1600)
    for document in procedure.documents:
        if document.is_required and document.scan_required:
            add_attachment(dossier, document.code, "anh-chup.jpg", scan, owner)
    mark_saved(dossier, "giay-to")
    save_delivery(dossier, {"intake_channel": "online", "return_channel": "online"})
    db.session.commit()
    return dossier


def submit_via_services(owner: User, procedure: Procedure, token: str = "s1"):  # type: ignore[no-untyped-def]
    """A submitted dossier built through the services (no HTTP, so no CSRF involved)."""
    from app.dossiers.operations.submitting import submit
    from app.extensions import db

    dossier = complete_draft(owner, procedure, token)
    assert submit(dossier, owner)
    db.session.commit()
    return dossier


def make_post_office(commune: str = "17329", code: str = "463100"):  # type: ignore[no-untyped-def]
    """A post office serving ``commune``, with a 08:00–11:00 slot of 2 places every weekday."""
    from datetime import time

    from app.extensions import db
    from app.postal.models import PostOffice, PostOfficeCommune, SlotTemplateRow

    office = PostOffice(code=code, name="Bưu điện xã Anh Sơn", address="Khối 1, xã Anh Sơn")
    office.communes.append(PostOfficeCommune(commune_code=commune))
    for weekday in range(5):
        office.templates.append(
            SlotTemplateRow(weekday=weekday, start=time(8), end=time(11), capacity=2)
        )
    db.session.add(office)
    db.session.commit()
    return office


def book_first_slot(dossier, office):  # type: ignore[no-untyped-def]
    """Book the first offered pickup slot of ``office`` for ``dossier`` (no commit)."""
    from app.postal.operations.booking import book_pickup
    from app.postal.queries.slots import offered_slots

    slot = offered_slots(office)[0]
    return book_pickup(
        dossier,
        slot,
        commune_code=office.communes[0].commune_code,
        village="Bản Huồi Tụ",
        landmark="Cạnh nhà văn hóa bản",
        contact_phone=dossier.applicant_phone or "0912345678",
    )


MONDAY = datetime(2026, 11, 23, 9, 0)  # Tuesday 24/11/2026 is a holiday (Vietnam Culture Day)


def booked_and_submitted(citizen, procedure, office, token="p1", return_channel="online"):  # type: ignore[no-untyped-def]
    """On Monday 23/11/2026: a complete draft booked for the first offered slot (Wednesday
    25/11, 08:00–11:00), then submitted. ``return_channel="post"`` sends the result back by post
    to the same address."""
    from app.core import clock
    from app.dossiers.operations.submitting import submit
    from app.extensions import db
    from app.postal.queries.shipments import pickup_shipment

    clock.freeze(MONDAY)
    dossier = complete_draft(citizen, procedure, token)
    if return_channel == "post":
        dossier.return_channel = "post"
        dossier.return_commune_code = office.communes[0].commune_code
        dossier.return_village = "Bản Huồi Tụ"
    book_first_slot(dossier, office)
    db.session.commit()
    assert pickup_shipment(dossier) is not None
    assert submit(dossier, citizen)
    db.session.commit()
    return dossier


class SentCodes:
    """Every one-time code issued while a test runs, as ``(purpose, phone, code)``: read here
    rather than from the SMS text, which the outbox may keep redacted."""

    def __init__(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        from app.accounts import codes

        self.sent: list[tuple[str, str, str]] = []
        issue = codes.issue

        def recording(purpose, phone, **kwargs):  # type: ignore[no-untyped-def]
            row, code = issue(purpose, phone, **kwargs)
            self.sent.append((purpose, phone, code))
            return row, code

        monkeypatch.setattr(codes, "issue", recording)

    def last(self, phone: str, purpose: str = "") -> str:
        for sent_purpose, sent_phone, code in reversed(self.sent):
            if sent_phone == phone and purpose in ("", sent_purpose):
                return code
        raise AssertionError(f"no {purpose or 'code'} sent to {phone}")


# --- the demo data, for tests that request every URL as every role --------------------------


def demo_data() -> dict[str, Any]:
    """The demo accounts, dossiers, post office and team; the value of each URL argument."""
    from flask import current_app
    from sqlalchemy import select

    from app.accounts.demo import create_demo_accounts
    from app.assist.demo import create_demo_team
    from app.assist.models import CommunityTeam
    from app.core.roles import Role
    from app.dossiers.demo import create_demo_dossiers
    from app.dossiers.models import Attachment, Dossier
    from app.dossiers.official_forms import FORMS
    from app.dossiers.operations.drafts import STEP_NAMES
    from app.extensions import db
    from app.payments.demo import create_demo_payments
    from app.payments.models import Payment
    from app.postal.demo import create_demo_post_office
    from app.postal.models import PostalPayment, PostOffice, Shipment

    create_demo_accounts(current_app.config["PROVINCE_TREE"])
    create_demo_dossiers()
    create_demo_payments()
    create_demo_post_office()
    create_demo_team()
    db.session.commit()
    owner = db.session.scalar(select(User).filter_by(role=Role.CITIZEN))
    dossier = db.session.scalars(
        select(Dossier).filter_by(owner_id=owner.id).order_by(Dossier.id)
    ).first()
    shipment = db.session.scalars(select(Shipment).order_by(Shipment.id)).first()
    payment = db.session.scalars(select(PostalPayment)).first()
    officer = db.session.scalar(select(User).filter_by(role=Role.OFFICER))
    receipt = db.session.scalars(
        select(Payment).join(Dossier).filter(Dossier.owner_id == owner.id).order_by(Payment.id)
    ).first()
    return {
        "dossier_id": dossier.id,
        "attachment_id": db.session.scalar(select(Attachment.id).filter_by(dossier_id=dossier.id)),
        "shipment_id": shipment.id,
        "payment_id": payment.id if payment else 1,
        "receipt_id": receipt.id if receipt else 1,
        # A fee receipt of the demo citizen's (a dossier paid at the counter).
        "fees.receipt": {"dossier_id": receipt.dossier_id, "receipt_id": receipt.id}
        if receipt
        else {},
        "manifest_id": 1,
        "user_id": officer.id,
        "unit_id": dossier.receiving_unit_id,
        "team_id": db.session.scalar(select(CommunityTeam.id)),
        "office_id": db.session.scalar(select(PostOffice.id)),
        "token_id": 1,
        "transfer_id": 1,
        "row_id": 1,
        "closure_id": 1,
        "override_id": 1,
        "message_id": 1,
        "document_code": dossier.procedure.documents[0].code,
        "action": "tiep-nhan",
        "number": FORMS[0].number,
        "step": STEP_NAMES[0],
        "slug": "moi",
        "reports.table_file": {"slug": "kenh-nop"},
        "extension": "xlsx",
        "code": db.session.scalar(select(Procedure.code).limit(1)),
        "public.lookup_code": {"code": dossier.code},
        "item_number": "EA000000015VN",
        # A gateway's delivery reports (/bao-cao-gui-tin/esms/<secret>): no role has the secret,
        # every one gets 404.
        "secret": "khong-phai-bi-mat",
        "filename": "css/app.css",
        "token": "khongphaimadanhgia",  # no rating link: 404 for everyone
        "feedback_id": 1,
    }


def demo_clients(app):  # type: ignore[no-untyped-def]
    """A client signed in as each demo account (after :func:`demo_data`), by role."""
    from app.accounts.demo import DEMO_ACCOUNTS

    return {role: signed_in(app, phone) for phone, _name, role, *_ in DEMO_ACCOUNTS}


def signed_in(app: Flask, phone: str, password: str = DEMO_PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/dang-nhap", data={"phone": phone, "password": password})
    assert response.status_code == 303, response.text
    return client


def rule_url(rule, arguments: dict) -> str:  # type: ignore[no-untyped-def,type-arg]
    """The path of URL rule ``rule`` with ``arguments``."""
    built = rule.build(arguments, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def code_in(sms) -> str:  # type: ignore[no-untyped-def]
    """The one-time code an outbox SMS carries, read the way the sender reads it
    (:func:`app.notifications.outbox.text_to_send`): the stored body only shows it masked."""
    from app.notifications.outbox import text_to_send
    from app.notifications.sms import SECRET_MASK

    where = sms.body.find(SECRET_MASK)
    assert where >= 0 and sms.sealed_secret, f"no sealed code in SMS {sms.id}: {sms.body!r}"
    masked = sms.body[where:]
    width = len(masked) - len(masked.lstrip(SECRET_MASK))
    return text_to_send(sms)[where : where + width]


def after_a_minute() -> None:
    """Freeze the clock just past the minute after which "Gửi lại mã" sends a new code."""
    from app.core import clock

    clock.freeze(clock.now() + timedelta(seconds=61))


def without_phone(body: str, state: dict, phone: str) -> tuple[str, dict]:  # type: ignore[type-arg]
    """A code page and its session state with the number the browser typed (shown masked)
    taken out: what is left must not depend on whether that number has an account."""
    from app.core.identity import mask_phone

    masked = mask_phone(phone)
    return body.replace(masked, "<số>"), {**state, "to": state.get("to") == masked}


def born(iso: str, name: str = "date_of_birth") -> dict[str, str]:
    """A date posted as a browser sends the three boxes (day / month / year) of ``name``."""
    year, month, day = iso.split("-")
    return {f"{name}-ngay": day, f"{name}-thang": month, f"{name}-nam": year}


def posted_answers(procedure: Procedure) -> dict[str, str]:
    """sample_answers as the answers page posts them: each date in its three boxes."""
    posted: dict[str, str] = {}
    for name, value in sample_answers(procedure).items():
        date_field = any(f["name"] == name and f["type"] == "date" for f in procedure.form_schema)
        posted.update(born(value, name) if date_field else {name: value})
    return posted


def choose_commune(page, field: str, code: str) -> None:  # type: ignore[no-untyped-def]
    """Pick a commune in the journey's picker (Playwright): from the whole list of a full page,
    or in an htmx fragment by typing its name without diacritics in the search box first."""
    from app import geo
    from app.core.text import fold

    option = page.locator(f'#{field} option[value="{code}"]')
    if not option.count():
        page.fill(f"#{field}-q", fold(geo.commune(code).name))
        option.wait_for(state="attached")
    page.select_option(f"#{field}", code)


def fill_date(page, name: str, iso: str) -> None:  # type: ignore[no-untyped-def]
    """Type a date in its three boxes (Playwright): the day box carries the field's id."""
    year, month, day = iso.split("-")
    page.fill(f"#{name}", day)
    page.fill(f"#{name}-thang", month)
    page.fill(f"#{name}-nam", year)


# A newcomer registering with every field filled, optional e-mail included (Vietnamese name,
# spaced phone and ID number as people type them).
MAI_PASSWORD = "mat-khau-cua-mai-2026"
MAI_REGISTRATION = {
    "full_name": "Lò Thị Mai",
    "phone": "0987 654 321",
    **born("1990-05-12"),
    "sex": "female",
    "id_number": "040 190 777 001",
    "email": "lo.thi.mai@example.vn",
    "password": MAI_PASSWORD,
    "password_again": MAI_PASSWORD,
    "consent": "y",
}


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def fresh_get(app: Flask, client: FlaskClient, path: str):  # type: ignore[no-untyped-def]
    """A GET in an app context of its own, so with a session of its own, as in production (the
    tests' shared app context would otherwise hand the request the test's session and the
    objects already in it)."""
    db.session.commit()
    with app.app_context():
        return client.get(path)


# The citizen whose receipt the document tests download (tests/documents/conftest.py).
RECEIPT_OWNER = {
    "full_name": "Nguyễn Thị Hường",
    "phone": "0966123456",
    "id_number": "040195654321",
    "date_of_birth": date(1995, 8, 20),
    "sex": "female",
}


def fee_settled(dossier, staff: User | None = None) -> None:  # type: ignore[no-untyped-def]
    """The dossier's fee paid in cash at the counter, as an officer takes it (a real payment
    with its receipt, app/payments/operations/cash.py), for tests about what comes after: the
    workflow refuses to accept or return an unpaid dossier. ``staff`` defaults to an officer
    of the receiving unit (one is made when it has none)."""
    import os

    from sqlalchemy import select

    from app.accounts.models import unit_memberships
    from app.core.roles import Role
    from app.payments.operations.cash import take_cash

    if dossier.fee_state != "due":
        return
    if staff is None:
        staff = db.session.scalar(
            select(User)
            .join(unit_memberships, unit_memberships.c.user_id == User.id)
            .where(
                User.role == Role.OFFICER,
                unit_memberships.c.unit_id == dossier.receiving_unit_id,
            )
            .order_by(User.id)
        )
    if staff is None:
        staff = User(
            phone="0909000999",
            full_name="Cán bộ thu phí",
            role=Role.OFFICER,
            date_of_birth=date(1985, 1, 2),
            sex="male",
        )
        staff.units.append(dossier.receiving_unit)
        db.session.add(staff)
        db.session.flush()
    payment, new = take_cash(dossier, staff, os.urandom(12).hex(), dossier.fee_amount)
    assert new and dossier.fee_state == "paid", (payment.amount, dossier.fee_amount)
    db.session.flush()
