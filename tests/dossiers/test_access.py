"""Who may see a dossier: its owner; staff only once submitted; nobody else (404, never data)."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlsplit

import pytest
from helpers import fill_draft, jpeg_bytes, login
from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core.roles import Role
from app.dossiers.models import Attachment, Dossier, DossierEvent
from app.extensions import db

STEPS = ("nguoi-nop", "thong-tin", "giay-to", "nhan-tra", "kiem-tra")
OWNER = {
    "full_name": "Vi Văn Khằm",
    "phone": "0977111222",
    "id_number": "040085123456",
    "sex": "male",
}


@pytest.fixture
def owner(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(date_of_birth=date(1985, 3, 4), **OWNER)


def _draft(app, owner, procedure) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A complete draft of ``owner`` with one uploaded file: (base URL, attachment id)."""
    client = app.test_client()
    login(client, owner)
    base = fill_draft(client, procedure)
    attachment = db.session.scalars(select(Attachment)).first()
    return base, attachment.id


def _submit(app, owner, base: str) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, owner)
    response = client.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 303


def _owner_commune(base: str) -> str:
    return db.session.get(Dossier, int(base.rsplit("/", 1)[1])).address_commune_code


def _requests(base: str, attachment_id: int, document_code: str) -> list[tuple[str, str, dict]]:
    """Every URL of one dossier, with the method and a plausible body."""
    calls: list[tuple[str, str, dict]] = []
    for step in STEPS:
        calls.append(("GET", f"{base}/{step}", {}))
        calls.append(
            ("POST", f"{base}/{step}", {"data": {"village": "Xóm lạ", "phone": "0911000000"}})
        )
    calls += [
        (
            "POST",
            f"{base}/giay-to/{document_code}",
            {
                "data": {"file": (io.BytesIO(jpeg_bytes(64, 64)), "a.jpg")},
                "content_type": "multipart/form-data",
            },
        ),
        ("POST", f"{base}/tep/{attachment_id}/xoa", {}),
        ("GET", f"{base}/tep/{attachment_id}", {}),
        ("POST", f"{base}/nop", {"data": {"declaration": "1"}}),
        ("GET", base, {}),
        ("GET", f"{base}/giay-tiep-nhan.pdf", {}),
    ]
    return calls


def _personal_data_absent(text: str) -> None:
    for value in (OWNER["full_name"], OWNER["phone"], OWNER["id_number"], "Bản Huồi Tụ"):
        assert value not in text


def _state(base: str) -> tuple:
    db.session.expire_all()
    dossier = db.session.get(Dossier, int(base.rsplit("/", 1)[1]))
    return (
        dossier.status,
        dossier.address_village,
        dossier.applicant_phone,
        len(dossier.attachments),
        db.session.scalar(select(func.count()).select_from(DossierEvent)),
    )


def _document_code(procedure) -> str:  # type: ignore[no-untyped-def]
    return next(d.code for d in procedure.documents if d.is_required and d.scan_required)


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
def test_another_citizen_gets_404_on_every_url(app, owner, make_user, procedure, submitted) -> None:
    base, attachment_id = _draft(app, owner, procedure)
    if submitted:
        _submit(app, owner, base)
    before = _state(base)
    intruder = app.test_client()
    login(intruder, make_user())
    failures = []
    for method, url, kwargs in _requests(base, attachment_id, _document_code(procedure)):
        response = intruder.open(url, method=method, **kwargs)
        if response.status_code != 404:
            failures.append((method, url, response.status_code))
            continue
        _personal_data_absent(response.text)
        assert response.mimetype == "text/html", url
    assert failures == []
    assert _state(base) == before  # nothing changed


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
def test_anonymous_is_sent_to_login_on_every_url(app, owner, procedure, submitted) -> None:
    base, attachment_id = _draft(app, owner, procedure)
    if submitted:
        _submit(app, owner, base)
    before = _state(base)
    anonymous = app.test_client()
    for method, url, kwargs in _requests(base, attachment_id, _document_code(procedure)):
        response = anonymous.open(url, method=method, **kwargs)
        assert response.status_code == 303, (method, url, response.status_code)
        assert urlsplit(response.location).path == "/dang-nhap", (method, url)
        _personal_data_absent(response.text)
    assert _state(base) == before


def test_owner_sees_everything(app, owner, procedure) -> None:
    base, attachment_id = _draft(app, owner, procedure)
    client = app.test_client()
    login(client, owner)
    for step in STEPS:
        assert client.get(f"{base}/{step}").status_code == 200, step
    assert client.get(f"{base}/tep/{attachment_id}").status_code == 200
    _submit(app, owner, base)
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/tep/{attachment_id}").status_code == 200
    assert client.get(f"{base}/giay-tiep-nhan.pdf").mimetype == "application/pdf"


def test_an_officer_of_the_receiving_unit_sees_a_submitted_dossier_but_not_a_draft(
    app, owner, make_user, procedure
) -> None:
    base, attachment_id = _draft(app, owner, procedure)
    officer = app.test_client()
    unit = db.session.scalar(select(Unit).where(Unit.commune_code == _owner_commune(base)))
    login(officer, make_user(role=Role.OFFICER, units=[unit]))

    # A draft belongs to the citizen alone.
    for url in (base, f"{base}/tep/{attachment_id}", f"{base}/giay-tiep-nhan.pdf"):
        response = officer.get(url)
        assert response.status_code == 404, url
        _personal_data_absent(response.text)

    _submit(app, owner, base)
    dossier_id = int(base.rsplit("/", 1)[1])
    dossier = db.session.get(Dossier, dossier_id)
    assert dossier.receiving_unit_id == unit.id
    # The citizen's page sends staff to the back-office page of the same dossier.
    page = officer.get(base, follow_redirects=True)
    assert page.status_code == 200
    assert urlsplit(page.request.url).path == f"/can-bo/ho-so/{dossier_id}"
    assert dossier.code in page.text
    assert officer.get(f"{base}/tep/{attachment_id}").status_code == 200
    assert officer.get(f"{base}/giay-tiep-nhan.pdf").mimetype == "application/pdf"
    # Staff cannot act as the applicant: the journey is for citizens.
    assert officer.get(f"{base}/kiem-tra").status_code == 403
    assert officer.post(f"{base}/nop", data={"declaration": "1"}).status_code == 403


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SPECIALIST, Role.ADMIN])
def test_staff_outside_the_unit_and_the_administrator_see_nothing(
    app, owner, make_user, procedure, role
) -> None:
    base, attachment_id = _draft(app, owner, procedure)
    _submit(app, owner, base)
    dossier_id = int(base.rsplit("/", 1)[1])
    other_unit = db.session.scalar(select(Unit).where(Unit.commune_code.is_(None)))
    client = app.test_client()
    login(client, make_user(role=role, units=[other_unit] if role != Role.ADMIN else []))
    for url in (
        base,
        f"{base}/tep/{attachment_id}",
        f"{base}/giay-tiep-nhan.pdf",
        f"/can-bo/ho-so/{dossier_id}",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        _personal_data_absent(response.text)


@pytest.mark.parametrize("role", [Role.POSTAL, Role.COMMUNITY])
def test_other_roles_cannot_view_someone_elses_dossier(
    app, owner, make_user, procedure, role
) -> None:
    base, attachment_id = _draft(app, owner, procedure)
    _submit(app, owner, base)
    client = app.test_client()
    login(client, make_user(role=role))
    for url in (base, f"{base}/tep/{attachment_id}", f"{base}/giay-tiep-nhan.pdf"):
        response = client.get(url)
        assert response.status_code == 404, (role, url)
        _personal_data_absent(response.text)


def test_my_dossiers_lists_only_my_own(app, owner, make_user, procedure) -> None:
    _draft(app, owner, procedure)
    other = app.test_client()
    login(other, make_user())
    page = other.get("/ho-so-cua-toi")
    assert page.status_code == 200
    assert procedure.name not in page.text
    assert "Không có bản nháp." in page.text


def test_attachment_of_another_dossier_is_404_even_for_an_owner(
    app, owner, make_user, procedure
) -> None:
    """Attachment ids are checked against the dossier in the URL."""
    base, attachment_id = _draft(app, owner, procedure)
    other_user = make_user()
    client = app.test_client()
    login(client, other_user)
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": "z"})
    own_base = urlsplit(response.location).path.rsplit("/", 1)[0]
    assert client.get(f"{own_base}/tep/{attachment_id}").status_code == 404
    assert client.post(f"{own_base}/tep/{attachment_id}/xoa").status_code == 404
    assert db.session.get(Attachment, attachment_id) is not None
