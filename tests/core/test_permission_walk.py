"""Walk every dossier URL of the app as every role that must not see the dossier.

The URL map is walked, not listed by hand: a new route with a ``dossier_id`` argument is
requested here the day it is added. Each intruder must get 403 or 404 (anonymous users: the
login page or 404), never the applicant's personal data, and must leave the dossier, its events
and the notification outbox exactly as they were.

Route declarations themselves (every view has @public or @require) are tested in
test_route_permissions.py; here we check what the declarations of the back office and the
administration say.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import jpeg_bytes, login, sample_answers, staff_client, submit_dossier
from sqlalchemy import func, select
from weasyprint import HTML
from werkzeug.routing import IntegerConverter, Rule

from app.accounts.models import User
from app.catalogue.models import Unit
from app.core.permissions import ACCESS_ATTRIBUTE
from app.core.roles import ROLE_LABELS, ROLE_PERMISSIONS, Permission, Role
from app.dossiers.models import Attachment, Dossier, DossierEvent
from app.dossiers.official_forms import FORMS
from app.dossiers.operations.drafts import STEP_NAMES
from app.dossiers.operations.intake import SupplementItem, accept, request_supplement
from app.dossiers.operations.processing import approve
from app.dossiers.statuses import DossierStatus
from app.dossiers.uploads import process_upload
from app.dossiers.workflow import Action
from app.extensions import db
from app.notifications.models import Notification

# --- (a) what the back office and the administration declare ---------------------------------

# Permissions that only the back office's roles hold.
STAFF_PERMISSIONS = ROLE_PERMISSIONS[Role.OFFICER] | ROLE_PERMISSIONS[Role.SPECIALIST]


def _declared(app: Flask, rule: Rule) -> list[str]:
    """The permissions of ``rule``'s view, from its ``permission:a,b`` declaration."""
    declaration = getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE, "")
    assert declaration.startswith("permission:"), (rule.rule, declaration)
    return declaration.removeprefix("permission:").split(",")


def _under(app: Flask, prefix: str) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule == prefix or rule.rule.startswith(prefix + "/")
    ]


def test_every_role_has_its_permissions_and_a_label() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert set(ROLE_LABELS) == set(Role)
    for role, permissions in ROLE_PERMISSIONS.items():
        assert permissions <= set(Permission), role


def test_staff_permissions_belong_to_staff_only() -> None:
    assert Permission.MANAGE not in STAFF_PERMISSIONS
    assert Permission.APPLY not in STAFF_PERMISSIONS
    for role in (Role.CITIZEN, Role.POSTAL, Role.POSTAL_HEAD, Role.COMMUNITY, Role.ADMIN):
        assert not ROLE_PERMISSIONS[role] & STAFF_PERMISSIONS, role
    assert [r for r in Role if Permission.MANAGE in ROLE_PERMISSIONS[r]] == [Role.ADMIN]


def test_every_back_office_route_requires_a_staff_permission(app: Flask) -> None:
    rules = _under(app, "/can-bo")
    assert len(rules) >= 5
    for rule in rules:
        permissions = _declared(app, rule)
        assert "signed-in" not in permissions, rule.rule
        staff = set(permissions) - (ADMIN_TOO if rule.endpoint in READ_BY_ADMIN else set())
        assert permissions and staff <= STAFF_PERMISSIONS, (rule.rule, permissions)


# The statistics are also read by the administration, which sees the whole province.
READ_BY_ADMIN = {"reports.index", "reports.table_file"}
ADMIN_TOO = {Permission.MANAGE.value}


# A post office's pickup templates and closed days are also edited by the head of that office
# (the view then answers 404 for any other office: tests/postal/test_admin.py).
SHARED_WITH_POSTAL_HEADS = {
    "postal_admin.post_office_schedule",
    "postal_admin.slot_template_add",
    "postal_admin.slot_template_delete",
    "postal_admin.closure_add",
    "postal_admin.closure_delete",
}


def test_every_administration_route_requires_manage(app: Flask) -> None:
    rules = _under(app, "/quan-tri")
    assert rules, "no /quan-tri route: the administration is missing from the URL map"
    for rule in rules:
        expected = [Permission.MANAGE.value]
        if rule.endpoint in SHARED_WITH_POSTAL_HEADS:
            expected.append(Permission.POSTAL_MANAGE.value)
        assert _declared(app, rule) == expected, rule.rule
    assert {r.endpoint for r in rules} >= SHARED_WITH_POSTAL_HEADS


# --- (b) the walk ------------------------------------------------------------------------------

OWNER = {
    "full_name": "Vi Văn Khằm",
    "phone": "0977111222",
    "id_number": "040085123456",
    "sex": "male",
    "date_of_birth": date(1985, 3, 4),
}
# What fill_draft types in: the applicant's phone and village.
APPLICANT_PHONE = "0912345678"
VILLAGE = "Bản Huồi Tụ"
PERSONAL = (OWNER["full_name"], OWNER["phone"], OWNER["id_number"], APPLICANT_PHONE, VILLAGE)

# Intruders: None is the anonymous visitor. "own unit" staff belong to the receiving unit yet
# must see nothing (their roles do not work on dossiers); the others belong to another unit.
INTRUDERS: tuple[tuple[Role | None, str], ...] = (
    (Role.CITIZEN, "none"),
    (Role.OFFICER, "other"),
    (Role.SPECIALIST, "other"),
    (Role.POSTAL, "own"),
    (Role.POSTAL_HEAD, "own"),
    (Role.COMMUNITY, "own"),
    (Role.ADMIN, "own"),
    (None, "none"),
)
STATES = ("submitted", "supplement", "result_ready")
MIN_REQUESTS = 15


@dataclass
class Target:
    dossier_id: int
    attachment_ids: list[int]
    document_codes: list[str]
    answers: dict[str, str]
    due: date
    other_unit_id: int


@cache
def _pdf() -> bytes:
    """A small, valid PDF result (rendered once)."""
    return HTML(string="<h1>Giấy khai sinh</h1><p>Bản điện tử</p>").write_pdf()


def _put_in_state(app: Flask, dossier: Dossier, state: str, officer: User) -> None:
    """Move the dossier the way the receiving unit would; commits."""
    if state == "submitted":
        return
    if state == "supplement":
        code = dossier.procedure.documents[0].code
        item = SupplementItem(what="Ảnh giấy chứng sinh bị mờ", document_code=code)
        request_supplement(dossier, officer, [item], "Vui lòng chụp lại rõ hơn.")
    elif state == "result_ready":
        accept(dossier, officer)
        upload = process_upload(
            _pdf(),
            max_bytes=app.config["UPLOAD_MAX_BYTES"],
            max_side=app.config["UPLOAD_MAX_SIDE"],
        )
        approve(dossier, officer, result_kind="file", upload=upload, original_name="ket-qua.pdf")
        assert dossier.result_file is not None
    db.session.commit()
    assert dossier.status == {"supplement": "supplement", "result_ready": "result_ready"}[state]


def _argument_values(name: str, rule: Rule, target: Target) -> list[Any]:
    """Plausible values for one URL argument; unknown arguments still get one guess."""
    known: dict[str, list[Any]] = {
        "dossier_id": [target.dossier_id],
        "attachment_id": target.attachment_ids,
        "step": list(STEP_NAMES),
        "action": [a.value for a in Action],
        "number": [f.number for f in FORMS],
        "document_code": target.document_codes,
    }
    if name in known:
        return known[name]
    return [1] if isinstance(rule._converters.get(name), IntegerConverter) else ["x"]


def _dossier_requests(app: Flask, target: Target) -> list[tuple[str, str, str]]:
    """(method, URL, endpoint) for every rule with a dossier_id, every plausible argument."""
    calls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "dossier_id" not in rule.arguments:
            continue
        names = sorted(rule.arguments)
        choices = [_argument_values(name, rule, target) for name in names]
        for combination in itertools.product(*choices):
            url = rule.build(dict(zip(names, combination, strict=True)), append_unknown=False)[1]
            for method in sorted(rule.methods & {"GET", "POST"}):
                calls.append((method, url, rule.endpoint))
    return calls


def _post_body(target: Target, intruder_id: int | None) -> dict[str, Any]:
    """Everything any dossier form could read, filled in as an attacker would."""
    body: dict[str, Any] = {
        **target.answers,
        "phone": "0911000000",
        "email": "ke-la@example.com",
        "province": "40",
        "commune": "17329",
        "village": "Xóm lạ",
        "street": "Số 1",
        "intake_channel": "online",
        "return_channel": "online",
        "return_province": "40",
        "return_commune": "17329",
        "return_village": "Xóm lạ",
        "declaration": "1",
        "reason": "Không cần nữa",
        "client_token": "t1",
        "file": (io.BytesIO(jpeg_bytes(64, 64)), "anh.jpg"),
    }
    for action in Action:
        prefix = action.value
        body.update(
            {
                f"{prefix}-reason": "Lý do thử",
                f"{prefix}-note": "Ghi chú",
                f"{prefix}-assignee": str(intruder_id or 1),
                f"{prefix}-unit": str(target.other_unit_id),
                f"{prefix}-new_due": (target.due + timedelta(days=14)).isoformat(),
                f"{prefix}-via": "counter",
                f"{prefix}-result_kind": "paper",
                f"{prefix}-documents": target.document_codes[0],
                f"{prefix}-other": "Thêm giấy tờ",
            }
        )
    body["approve-result_kind"] = "file"
    body["approve-result_file"] = (io.BytesIO(_pdf()), "ket-qua.pdf")
    return body


def _snapshot(dossier_id: int) -> tuple:
    """The dossier as stored, with its events, files and the whole outbox."""
    db.session.flush()  # anything a request left pending in the shared session shows up here
    row = db.session.execute(
        select(
            Dossier.status,
            Dossier.current_unit_id,
            Dossier.assignee_id,
            Dossier.due_date,
            Dossier.received_at,
            Dossier.closed_at,
            Dossier.updated_at,
            Dossier.address_village,
            Dossier.applicant_phone,
            Dossier.answers,
            Dossier.supplement_request,
        ).where(Dossier.id == dossier_id)
    ).one()
    count = func.count()
    return (
        tuple(row),
        db.session.scalar(
            select(count).select_from(DossierEvent).where(DossierEvent.dossier_id == dossier_id)
        ),
        db.session.scalar(
            select(count).select_from(Attachment).where(Attachment.dossier_id == dossier_id)
        ),
        db.session.scalar(select(count).select_from(Notification)),
        db.session.scalar(select(count).select_from(Dossier)),
    )


def _intruder_client(
    app: Flask, make_user, role: Role | None, where: str, units: dict[str, list[Unit]]
) -> tuple[FlaskClient, int | None]:  # type: ignore[no-untyped-def]
    if role is None:
        return app.test_client(), None
    if role == Role.CITIZEN:
        client = app.test_client()
        user = make_user()
        login(client, user)
        return client, user.id
    client, user = staff_client(app, make_user, role, units[where])
    return client, user.id


def _refused(role: Role | None, response) -> str:  # type: ignore[no-untyped-def]
    """Why the response is not an acceptable refusal, or ""."""
    if role is None:
        if response.status_code == 404:
            return ""
        if response.status_code == 303 and urlsplit(response.location).path == "/dang-nhap":
            return ""
        return f"{response.status_code} {response.headers.get('Location', '')}"
    return "" if response.status_code in (403, 404) else str(response.status_code)


@pytest.mark.parametrize("state", STATES)
def test_nobody_else_reaches_a_dossier_through_any_url(
    app: Flask, make_user, procedure, state: str
) -> None:  # type: ignore[no-untyped-def]
    owner = make_user(**OWNER)
    dossier = submit_dossier(app, owner, procedure)
    receiving = db.session.get(Unit, dossier.receiving_unit_id)
    assert receiving.commune_code == "17329"
    other = db.session.scalar(select(Unit).where(Unit.commune_code.is_(None)))
    assert other is not None and other.id != receiving.id
    officer = make_user(role=Role.OFFICER, units=[receiving], full_name="Cán bộ tiếp nhận")
    _put_in_state(app, dossier, state, officer)

    target = Target(
        dossier_id=dossier.id,
        attachment_ids=[a.id for a in dossier.attachments],
        document_codes=[d.code for d in procedure.documents],
        answers=sample_answers(procedure),
        due=dossier.due_date or date.today(),
        other_unit_id=other.id,
    )
    assert target.attachment_ids
    calls = _dossier_requests(app, target)
    # The walk is not vacuous: every dossier route, with its variants, is requested.
    endpoints = {endpoint for _, _, endpoint in calls}
    assert {
        "dossiers.show",
        "dossiers.step",
        "dossiers.upload",
        "dossiers.remove_file",
        "dossiers.file",
        "dossiers.submit",
        "dossiers.withdraw",
        "dossiers.result",
        "dossiers.official_form",
        "dossiers.receipt",
        "backoffice.dossier",
        "backoffice.act",
    } <= endpoints
    assert len({(method, endpoint) for method, _, endpoint in calls}) >= 12
    assert len(calls) >= MIN_REQUESTS

    before = _snapshot(dossier.id)
    units = {"own": [receiving], "other": [other], "none": []}
    failures: list[tuple[str, str, str, str]] = []
    for role, where in INTRUDERS:
        who = f"{role or 'anonymous'} ({where} unit)"
        client, intruder_id = _intruder_client(app, make_user, role, where, units)
        for method, url, _endpoint in calls:
            kwargs: dict[str, Any] = {}
            if method == "POST":
                kwargs = {
                    "data": _post_body(target, intruder_id),
                    "content_type": "multipart/form-data",
                }
            try:
                response = client.open(url, method=method, **kwargs)
            except Exception as error:  # noqa: BLE001 - a 500 in production
                db.session.rollback()
                failures.append((who, method, url, f"raised {error!r}"))
                continue
            why = _refused(role, response)
            if why:
                failures.append((who, method, url, why))
            shown = response.get_data().decode("utf-8", "replace") + response.headers.get(
                "Location", ""
            )
            leaked = [value for value in PERSONAL if value in shown]
            if leaked:
                failures.append((who, method, url, f"shows {leaked}"))
            response.close()
        after = _snapshot(dossier.id)
        if after != before:
            failures.append((who, "*", "*", f"changed the dossier: {before} -> {after}"))
            before = after
    assert failures == []

    # (c) The walk is not vacuous: the people who may see the dossier do, with its data.
    own = app.test_client()
    login(own, owner)
    page = own.get(f"/ho-so/{dossier.id}")
    assert page.status_code == 200
    assert dossier.code in page.text
    desk = app.test_client()
    login(desk, officer)
    page = desk.get(f"/can-bo/ho-so/{dossier.id}")
    assert page.status_code == 200
    assert OWNER["full_name"] in page.text
    assert db.session.get(Dossier, dossier.id).status != DossierStatus.DRAFT
