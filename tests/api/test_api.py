"""/api/v1/: tokens and scopes, one office's items, events recorded exactly once, the contract.

Every answer goes through ``Api`` (conftest.py), which checks it against the OpenAPI document:
its status is documented for the operation and its body fits that status's schema.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from helpers import login, submit_via_services
from openapi_spec_validator import validate
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import geo
from app.api import operations, queries
from app.core import clock
from app.core.roles import Role
from app.dossiers.models import DossierEvent
from app.extensions import db
from app.notifications.models import Notification
from app.postal import s10, tokens
from app.postal.flow import Leg
from app.postal.models import DeliveryAttempt, Shipment
from app.postal.operations.tokens import revoke as revoke_token

COMMUNE = "17329"  # where tests/helpers.py's applicants live (conftest.py books there)
DELIVERED = {"recipient_name": "Nguyễn Thị Hoa", "relation": "self", "id_checked": True}


def _event(event_id: str, item_number: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": event_id, "item_number": item_number, "type": kind, **fields}


def _recorded(external_id: str) -> list[DossierEvent]:
    return list(db.session.scalars(select(DossierEvent).filter_by(external_id=external_id)))


def _count(model, **where: Any) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _status(shipment_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Shipment, shipment_id).status


def _error(response) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return response.get_json()["error"]


# --- the contract ---------------------------------------------------------------------------


def test_the_document_is_valid_openapi_and_describes_exactly_the_routes(app, api, contract) -> None:  # type: ignore[no-untyped-def]
    document, prefix = contract.document, contract.prefix
    validate(document)
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routes = {
        (contract.template(app, method, rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(prefix + "/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routes
    # Each guarded route requires the scope its operation documents, and only known scopes.
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix + "/"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][contract.template(app, method, rule.rule)]
            security = operation[method.lower()]["security"]
            scope = getattr(app.view_functions[rule.endpoint], "api_scope", None)
            if rule.endpoint == "payments_api.sepay_webhook":  # SePay's API key, not a token
                assert security == [{"sepayApiKey": []}]
                continue
            assert security == ([{"bearerAuth": [scope]}] if scope else []), rule.rule
            assert scope is None or scope in tokens.SCOPES

    served = api.get("/openapi.json")  # no token needed
    assert served.status_code == 200
    assert served.get_json() == document


# --- tokens ---------------------------------------------------------------------------------


def test_no_token_a_wrong_one_a_revoked_one_or_a_closed_office_is_401(api, office, issue) -> None:  # type: ignore[no-untyped-def]
    missing = api.get("/pickups")
    assert missing.status_code == 401
    assert _error(missing)["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer ")
    assert "error=" not in missing.headers["WWW-Authenticate"]

    wrong = api.get("/pickups", token="mc_" + "x" * 40)
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]
    assert api.get("/pickups", headers={"Authorization": "Basic bWM6eA=="}).status_code == 401

    revoked, plain = issue(office)
    assert api.get("/pickups", token=plain).status_code == 200
    revoke_token(revoked)
    db.session.commit()
    assert _error(api.get("/pickups", token=plain))["code"] == "unauthorized"

    _, live = issue(office)
    office.is_active = False
    db.session.commit()
    assert api.get("/items/EA000000015VN", token=live).status_code == 401


def test_a_token_without_the_scope_is_403_before_the_body_is_read(api, office, issue) -> None:  # type: ignore[no-untyped-def]
    _, reader = issue(office, "read")
    refused = api.post("/events", token=reader, json={})
    assert refused.status_code == 403
    assert _error(refused)["code"] == "insufficient_scope"
    assert 'error="insufficient_scope", scope="events"' in refused.headers["WWW-Authenticate"]

    _, reporter = issue(office, "events")
    for path in ("/pickups", "/deliveries", "/items/EA000000015VN"):
        assert _error(api.get(path, token=reporter))["code"] == "insufficient_scope"


def test_the_login_session_is_neither_needed_nor_used(api, office, bearer, make_user) -> None:  # type: ignore[no-untyped-def]
    staff = make_user(role=Role.POSTAL, post_office_id=office.id)
    login(api.client, staff)
    assert api.get("/pickups").status_code == 401  # a signed-in browser is not a token
    answered = api.get("/pickups", token=bearer)
    assert answered.status_code == 200
    assert "Set-Cookie" not in answered.headers


def test_a_request_notes_when_its_token_was_used(api, office, issue) -> None:  # type: ignore[no-untyped-def]
    token, plain = issue(office)
    assert token.last_used_at is None
    now = clock.now()
    assert api.get("/deliveries", token=plain).status_code == 200
    db.session.expire_all()
    assert token.last_used_at == now


def test_events_need_no_csrf_token_and_errors_stay_json(
    app, api, office, bearer, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: the API is exempt, pages are not
    unknown = api.post(
        "/events", token=bearer, json=_event("e1", s10.item_number("EB", 9), "out_for_delivery")
    )
    assert _error(unknown)["code"] == "unknown_item"  # reached the view: no CSRF refusal

    def broken(*args: Any) -> None:
        raise RuntimeError("database on fire")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    monkeypatch.setattr(queries, "pickups", broken)
    failed = api.get("/pickups", token=bearer)
    assert failed.status_code == 500
    assert _error(failed)["code"] == "internal_error"


# --- reading the office's day ---------------------------------------------------------------


def test_pickups_of_a_day_for_the_office_only(
    api, office, other_office, bearer, booked_pickup, make_user, procedure
) -> None:  # type: ignore[no-untyped-def]
    home = booked_pickup("p1")
    booked_pickup("p2", submitted=False)  # a draft's booking is not work yet
    day = home.planned_day
    counter, elsewhere = (submit_via_services(make_user(), procedure, t) for t in ("c1", "c2"))
    for dossier, where, at_counter in ((counter, office, True), (elsewhere, other_office, False)):
        db.session.add(
            Shipment(
                dossier_id=dossier.id,
                leg=Leg.PICKUP,
                status="pickup_requested",
                post_office_id=where.id,
                at_counter=at_counter,
                planned_day=day,
                recipient_name=dossier.applicant_name,
                commune_code=COMMUNE,
                contact_phone=dossier.applicant_phone,
            )
        )
    db.session.commit()

    listed = api.get(f"/pickups?date={day.isoformat()}", token=bearer)
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["date"] == day.isoformat()
    assert body["next_cursor"] is None
    assert [i["dossier_code"] for i in body["items"]] == [home.dossier.code, counter.code]
    visit, desk = body["items"]
    assert visit["item_number"] is None
    assert visit["status"] == "pickup_requested"
    assert visit["at_counter"] is False
    assert visit["window"] == {"start": "08:00", "end": "11:00"}
    assert visit["contact"] == {"name": home.recipient_name, "phone": "0912345678"}
    assert visit["address"] == {
        "commune_code": COMMUNE,
        "commune_name": geo.commune(COMMUNE).full_name,
        "village": "Bản Huồi Tụ",
        "street": "",
        "landmark": "Cạnh nhà văn hóa bản",
    }
    assert [d["name"] for d in visit["documents"]] == [d.name for d in procedure.documents]
    assert desk["at_counter"] is True and desk["window"] is None

    # Without a date: today (Monday 23/11, nothing planned).
    today = api.get("/pickups", token=bearer).get_json()
    assert (today["date"], today["items"]) == ("2026-11-23", [])


def test_lists_come_in_pages(api, office, bearer, booked_pickup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    codes = [booked_pickup(f"p{n}").dossier.code for n in range(3)]
    day = db.session.scalars(select(Shipment.planned_day)).first().isoformat()
    first = api.get(f"/pickups?date={day}", token=bearer).get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.get(f"/pickups?date={day}&cursor={first['next_cursor']}", token=bearer).get_json()
    assert rest["next_cursor"] is None
    assert [i["dossier_code"] for i in first["items"] + rest["items"]] == codes


def test_bad_list_parameters_are_422_with_the_parameter(api, office, bearer) -> None:  # type: ignore[no-untyped-def]
    for query, names in (
        ("date=23/11/2026", {"date"}),
        ("date=2026-02-30", {"date"}),
        ("cursor=abc", {"cursor"}),
        ("date=mai&cursor=-1", {"date", "cursor"}),
        # Beyond the database's INTEGER, and days the pages cannot count from (issue 11).
        (f"cursor={2**31}", {"cursor"}),
        (f"cursor={2**63}", {"cursor"}),
        (f"cursor={10**40}", {"cursor"}),
        ("cursor=１２", {"cursor"}),
        ("date=9999-12-31", {"date"}),
        ("date=0001-01-01", {"date"}),
        ("date=10000-01-01", {"date"}),
    ):
        for path in ("/pickups", "/deliveries"):
            refused = api.get(f"{path}?{query}", token=bearer)
            assert refused.status_code == 422, (path, query)
            assert _error(refused)["code"] == "invalid_request"
            assert set(_error(refused)["fields"]) == names


def test_deliveries_of_the_day_overdue_and_held(
    api, office, other_office, bearer, make_return
) -> None:  # type: ignore[no-untyped-def]
    today = clock.today()
    due = make_return(office)
    late = make_return(office, "out_for_delivery", planned_day=today - timedelta(days=3))
    tomorrow = make_return(office, "delivery_failed", planned_day=today + timedelta(days=1))
    held = make_return(
        office,
        "held_at_post_office",
        planned_day=today - timedelta(days=7),
        held_until=today + timedelta(days=4),
    )
    make_return(office, "delivered")
    make_return(office, "result_ready", item_number=None)
    make_return(other_office)

    body = api.get("/deliveries", token=bearer).get_json()
    assert body["date"] == today.isoformat()
    by_number = {i["item_number"]: i for i in body["items"]}
    assert list(by_number) == [due.item_number, late.item_number, held.item_number]
    assert by_number[due.item_number]["overdue"] is False
    assert by_number[late.item_number]["overdue"] is True
    assert by_number[held.item_number]["held_until"] == (today + timedelta(days=4)).isoformat()
    assert by_number[due.item_number]["address"]["landmark"] == "Cạnh nhà văn hóa bản"

    next_day = (today + timedelta(days=1)).isoformat()
    later = api.get(f"/deliveries?date={next_day}", token=bearer).get_json()
    assert tomorrow.item_number in {i["item_number"] for i in later["items"]}


def test_an_item_of_the_office_and_nobody_elses(
    api, office, other_office, bearer, make_return
) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = make_return(office), make_return(other_office)
    found = api.get(f"/items/{mine.item_number}", token=bearer)
    assert found.status_code == 200
    assert found.get_json() == {
        "item_number": mine.item_number,
        "leg": "return",
        "status": "collected_from_agency",
        "status_label": mine.status_label,
        "dossier_code": mine.dossier.code,
        "planned_day": "2026-11-23",
        "held_until": None,
        "attempts": [],
    }
    hidden = api.get(f"/items/{theirs.item_number}", token=bearer)
    missing = api.get(f"/items/{s10.item_number('EB', 999)}", token=bearer)
    malformed = api.get("/items/not-a-number", token=bearer)
    assert hidden.status_code == missing.status_code == malformed.status_code == 404
    assert hidden.get_json() == missing.get_json() == malformed.get_json()
    assert _error(hidden)["code"] == "unknown_item"


# --- events ---------------------------------------------------------------------------------


def test_out_for_delivery_then_delivered(api, office, bearer, make_return) -> None:  # type: ignore[no-untyped-def]
    item = make_return(office)
    number = item.item_number
    out = api.post(
        "/events",
        token=bearer,
        json=_event("run-1", number, "out_for_delivery", occurred_at="2026-11-23T08:55:00+07:00"),
    )
    assert out.status_code == 201
    body = out.get_json()
    assert (body["event_id"], body["type"], body["duplicate"]) == (
        "run-1",
        "out_for_delivery",
        False,
    )
    assert body["recorded_at"] == "2026-11-23T09:00:00+07:00"
    assert body["item"]["status"] == "out_for_delivery"
    [event] = _recorded("463100:run-1")
    assert event.action == "postal_out_for_delivery"
    assert event.actor_id is None
    assert event.data["source"] == f"api:{bearer[:11]}"
    assert event.data["item_number"] == number
    assert event.data["occurred_at"] == "2026-11-23T08:55:00+07:00"  # the operator's own time

    done = api.post(
        "/events",
        token=bearer,
        json=_event("run-2", number, "delivered", note="Giao tại nhà", **DELIVERED),
    )
    assert done.status_code == 201
    assert done.get_json()["item"]["status"] == "delivered"
    assert done.get_json()["item"]["attempts"] == [
        {
            "number": 1,
            "at": "2026-11-23T09:00:00+07:00",
            "outcome": "delivered",
            "reason": None,
            "relation": "self",
        }
    ]
    [event] = _recorded("463100:run-2")
    assert event.action == "postal_delivered"
    assert "Nguyễn Thị Hoa" in event.note
    assert _status(item.id) == "delivered"


def test_failed_attempts_hold_the_item_and_it_goes_back_only_after_the_holding_period(
    app, api, office, bearer, make_return
) -> None:  # type: ignore[no-untyped-def]
    app.config["POSTAL_DELIVERY_ATTEMPTS"] = 3
    item = make_return(office)
    number = item.item_number
    for n in range(1, 4):
        out = api.post("/events", token=bearer, json=_event(f"out-{n}", number, "out_for_delivery"))
        assert out.status_code == 201, out.text
        failed = api.post(
            "/events",
            token=bearer,
            json=_event(f"fail-{n}", number, "delivery_failed", reason="nobody_home", note="Vắng"),
        )
        assert failed.status_code == 201, failed.text
        status = failed.get_json()["item"]["status"]
        assert status == ("held_at_post_office" if n == 3 else "delivery_failed"), n
    item_json = failed.get_json()["item"]
    assert [(a["outcome"], a["reason"]) for a in item_json["attempts"]] == [
        ("failed", "nobody_home")
    ] * 3
    held_until = date.fromisoformat(item_json["held_until"])
    assert held_until > clock.today()
    assert _recorded("463100:fail-3")[0].action == "postal_delivery_failed"
    assert _count(DossierEvent, dossier_id=item.dossier_id, action="postal_held") == 1
    listed = api.get("/deliveries", token=bearer).get_json()["items"]
    assert [(i["item_number"], i["status"]) for i in listed] == [(number, "held_at_post_office")]

    # On the last day of the holding period the citizen may still come: refused, nothing kept.
    clock.freeze(datetime.combine(held_until, time(16)))
    early = api.post("/events", token=bearer, json=_event("back", number, "returned_to_agency"))
    assert early.status_code == 422
    assert _error(early)["code"] == "rejected"
    assert list(_error(early)["fields"]) == ["held_until"]
    assert _status(item.id) == "held_at_post_office"
    assert _recorded("463100:back") == []

    # The day after, the same event (its id was not used by the refusal) is accepted.
    clock.freeze(datetime.combine(held_until + timedelta(days=1), time(8)))
    back = api.post("/events", token=bearer, json=_event("back", number, "returned_to_agency"))
    assert back.status_code == 201
    assert back.get_json()["item"]["status"] == "returned_to_agency"
    assert _recorded("463100:back")[0].action == "postal_returned_to_agency"


def test_the_same_event_twice_is_recorded_once_and_answered_alike(
    api, office, bearer, make_return
) -> None:  # type: ignore[no-untyped-def]
    item = make_return(office, "out_for_delivery")
    body = _event("evt-42", item.item_number, "delivery_failed", reason="nobody_home")
    first = api.post("/events", token=bearer, json=body)
    assert first.status_code == 201
    before = (
        _count(DossierEvent, dossier_id=item.dossier_id),
        _count(Notification),
        _count(DeliveryAttempt),
        _status(item.id),
    )
    for retry in (body, {**body, "note": "gửi lại"}):  # only the type and item are compared
        again = api.post("/events", token=bearer, json=retry)
        assert again.status_code == 200
        assert again.get_json() == {**first.get_json(), "duplicate": True}
    after = (
        _count(DossierEvent, dossier_id=item.dossier_id),
        _count(Notification),
        _count(DeliveryAttempt),
        _status(item.id),
    )
    assert after == before
    assert len(_recorded("463100:evt-42")) == 1


def test_an_event_id_reused_for_another_type_or_item_is_409(
    api, office, other_office, bearer, issue, make_return
) -> None:  # type: ignore[no-untyped-def]
    first, second = make_return(office, "out_for_delivery"), make_return(office, "out_for_delivery")
    assert (
        api.post(
            "/events", token=bearer, json=_event("e1", first.item_number, "delivered", **DELIVERED)
        ).status_code
        == 201
    )
    for body in (
        _event("e1", first.item_number, "delivery_failed", reason="refused"),
        _event("e1", second.item_number, "delivered", **DELIVERED),
    ):
        reused = api.post("/events", token=bearer, json=body)
        assert reused.status_code == 409
        assert _error(reused)["code"] == "event_id_reused"
    assert _status(second.id) == "out_for_delivery"

    # Event ids belong to their post office: another office may use the same one.
    theirs = make_return(other_office)
    _, other_token = issue(other_office)
    elsewhere = api.post(
        "/events", token=other_token, json=_event("e1", theirs.item_number, "out_for_delivery")
    )
    assert elsewhere.status_code == 201
    assert len(_recorded("463200:e1")) == 1


def test_an_impossible_step_is_409_illegal_transition(api, office, bearer, make_return) -> None:  # type: ignore[no-untyped-def]
    item = make_return(office, "out_for_delivery")
    number = item.item_number
    assert (
        api.post("/events", token=bearer, json=_event("d1", number, "delivered", **DELIVERED))
    ).status_code == 201
    twice = api.post("/events", token=bearer, json=_event("d2", number, "delivered", **DELIVERED))
    assert twice.status_code == 409
    assert _error(twice)["code"] == "illegal_transition"
    assert "Đã giao kết quả" in _error(twice)["message"]
    assert _count(DossierEvent, dossier_id=item.dossier_id, action="postal_delivered") == 1
    assert _recorded("463100:d2") == []

    waiting = make_return(office)  # collected, not out yet
    for kind, extra in (("delivered", DELIVERED), ("returned_to_agency", {})):
        refused = api.post(
            "/events", token=bearer, json=_event(f"x-{kind}", waiting.item_number, kind, **extra)
        )
        assert _error(refused)["code"] == "illegal_transition"
    assert _status(waiting.id) == "collected_from_agency"


def test_events_on_an_unknown_item_or_another_offices_item_are_404(
    api, office, other_office, bearer, make_return
) -> None:  # type: ignore[no-untyped-def]
    theirs = make_return(other_office, "out_for_delivery")
    hidden = api.post(
        "/events", token=bearer, json=_event("e1", theirs.item_number, "delivered", **DELIVERED)
    )
    missing = api.post(
        "/events",
        token=bearer,
        json=_event("e2", s10.item_number("EB", 999), "delivered", **DELIVERED),
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert _error(hidden)["code"] == "unknown_item"
    assert _status(theirs.id) == "out_for_delivery"


def test_invalid_bodies_are_422_with_every_wrong_field(api, office, bearer, make_return) -> None:  # type: ignore[no-untyped-def]
    item = make_return(office, "out_for_delivery")
    number = item.item_number
    wrong_digit = number[:10] + str((int(number[10]) + 1) % 10) + number[11:]
    cases: list[tuple[Any, set[str]]] = [
        ({}, {"event_id", "item_number", "type"}),
        ([], {"body"}),
        ("delivered", {"body"}),
        (
            {"event_id": "a b!", "item_number": "EB1", "type": "lost"},
            {"event_id", "item_number", "type"},
        ),
        (_event("x" * 81, number, "out_for_delivery"), {"event_id"}),
        (_event("", number, "out_for_delivery"), {"event_id"}),
        (_event(7, number, "out_for_delivery"), {"event_id"}),
        (_event("e", number.lower(), "out_for_delivery"), {"item_number"}),
        (_event("e", wrong_digit, "out_for_delivery"), {"item_number"}),
        (_event("e", number, "out_for_delivery", occurred_at="hôm qua"), {"occurred_at"}),
        (
            _event("e", number, "out_for_delivery", occurred_at="2026-11-23T08:00:00"),
            {"occurred_at"},
        ),
        (_event("e", number, "out_for_delivery", note="thừa"), {"note"}),
        (_event("e", number, "out_for_delivery", colour="đỏ"), {"colour"}),
        (_event("e", number, "delivered"), {"recipient_name", "relation", "id_checked"}),
        (_event("e", number, "delivered", **{**DELIVERED, "id_checked": False}), {"id_checked"}),
        (_event("e", number, "delivered", **{**DELIVERED, "id_checked": "yes"}), {"id_checked"}),
        (
            _event("e", number, "delivered", **{**DELIVERED, "recipient_name": "  "}),
            {"recipient_name"},
        ),
        (_event("e", number, "delivered", **{**DELIVERED, "relation": "neighbour"}), {"relation"}),
        (_event("e", number, "delivered", **{**DELIVERED, "note": "x" * 301}), {"note"}),
        (_event("e", number, "delivery_failed"), {"reason"}),
        (_event("e", number, "delivery_failed", reason="rain"), {"reason"}),
    ]
    for body, fields in cases:
        refused = api.post("/events", token=bearer, json=body)
        assert refused.status_code == 422, (body, refused.text)
        error = _error(refused)
        assert error["code"] == "invalid_request"
        assert set(error["fields"]) == fields, (body, error["fields"])
        assert all(message.strip() for message in error["fields"].values())
    for raw in (b"{not json", b""):
        refused = api.post("/events", token=bearer, data=raw, content_type="application/json")
        assert refused.status_code == 422
        assert list(_error(refused)["fields"]) == ["body"]

    no_id = api.post(
        "/events",
        token=bearer,
        json=_event("e", number, "delivered", recipient_name="Nguyễn Thị Hoa", relation="self"),
    )
    assert _error(no_id)["fields"] == {"id_checked": "Trường này là bắt buộc."}
    unchecked = api.post(
        "/events",
        token=bearer,
        json=_event("e", number, "delivered", **{**DELIVERED, "id_checked": False}),
    )
    assert "giấy tờ tùy thân" in _error(unchecked)["fields"]["id_checked"]
    assert _status(item.id) == "out_for_delivery"
    assert _count(DossierEvent, dossier_id=item.dossier_id) == 1  # only "submitted"


def test_refusals_are_logged_without_personal_data(
    app, api, office, bearer, make_return, caplog
) -> None:  # type: ignore[no-untyped-def]
    item = make_return(office, "out_for_delivery")
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        api.post(
            "/events",
            token=bearer,
            json=_event("e1", item.item_number, "delivered", **{**DELIVERED, "relation": "x"}),
        )
        api.get("/pickups")
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("api refused")]
    assert len(lines) == 2
    assert "422 invalid_request fields=relation" in lines[0]
    assert bearer[:11] in lines[0] and bearer not in lines[0]
    assert "401 unauthorized" in lines[1]
    for line in lines:
        assert "Nguyễn" not in line and item.contact_phone not in line


# --- copies of one event at the same moment -------------------------------------------------


def _race(monkeypatch) -> list[type]:  # type: ignore[no-untyped-def]
    """Make the next request a copy that looked for its event id before the first request
    committed (it finds none); returns the errors its step then raised."""
    real_lookup, real_record, missed, raised = operations.recorded_before, operations.record, [], []

    def late(token, event):  # type: ignore[no-untyped-def]
        if not missed:
            missed.append(True)
            return None
        return real_lookup(token, event)

    def record(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return real_record(*args, **kwargs)
        except Exception as error:
            raised.append(type(error))
            raise

    monkeypatch.setattr(operations, "recorded_before", late)
    monkeypatch.setattr(operations, "record", record)
    return raised


def test_a_copy_stopped_by_the_unique_event_id_answers_as_a_duplicate(
    api, office, bearer, make_return, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    item = make_return(office)
    body = _event("race-1", item.item_number, "out_for_delivery")
    assert api.post("/events", token=bearer, json=body).status_code == 201
    # As if the copy had read the item before the first one moved it: only the unique
    # external id can stop the copy now.
    db.session.execute(
        update(Shipment).where(Shipment.id == item.id).values(status="collected_from_agency")
    )
    db.session.commit()
    raised = _race(monkeypatch)
    copy = api.post("/events", token=bearer, json=body)
    assert raised == [IntegrityError]
    assert copy.status_code == 200
    assert copy.get_json()["duplicate"] is True
    assert len(_recorded("463100:race-1")) == 1
    assert _status(item.id) == "collected_from_agency"  # the copy's step was rolled back


def test_an_event_id_racing_onto_another_item_is_409(
    api, office, bearer, make_return, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    first, second = make_return(office), make_return(office)
    assert (
        api.post(
            "/events", token=bearer, json=_event("race-2", first.item_number, "out_for_delivery")
        ).status_code
        == 201
    )
    raised = _race(monkeypatch)
    reused = api.post(
        "/events", token=bearer, json=_event("race-2", second.item_number, "out_for_delivery")
    )
    assert raised == [IntegrityError]
    assert reused.status_code == 409
    assert _error(reused)["code"] == "event_id_reused"
    assert _status(second.id) == "collected_from_agency"


def test_the_same_event_sent_at_once_from_several_threads_is_recorded_once(
    app, backend, contract, office, bearer, make_return
) -> None:  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip(
            "concurrency tests need PostgreSQL (SQLite serialises writers): "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run them"
        )
    item = make_return(office, "out_for_delivery")
    body = _event("at-once", item.item_number, "delivered", **DELIVERED)
    copies = 8  # within the pool's 15 connections
    barrier = threading.Barrier(copies, timeout=30)
    url = contract.prefix + "/events"

    def send(_: int):  # type: ignore[no-untyped-def]
        client = app.test_client()
        barrier.wait()
        return client.post(url, json=body, headers={"Authorization": f"Bearer {bearer}"})

    with ThreadPoolExecutor(max_workers=copies) as pool:
        answers = list(pool.map(send, range(copies)))
    for answer in answers:
        contract.check(app, "POST", url, answer)
    assert sorted(a.status_code for a in answers) == [200] * (copies - 1) + [201]
    assert sum(a.get_json()["duplicate"] for a in answers) == copies - 1
    db.session.expire_all()
    assert len(_recorded("463100:at-once")) == 1
    assert _count(DeliveryAttempt, shipment_id=item.id) == 1
    assert _status(item.id) == "delivered"


def test_an_unknown_api_path_answers_json(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    missing = client.get("/api/v1/khong-co")
    assert missing.status_code == 404 and missing.is_json
    assert missing.get_json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/events")
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"]["code"]
