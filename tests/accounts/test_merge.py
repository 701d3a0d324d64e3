"""Two accounts of one person merged by an administrator, with history."""

from __future__ import annotations

from datetime import date

from helpers import login, submit_via_services
from sqlalchemy import func, select

from app.accounts.models import AccountEvent, Consent, User, UserSession
from app.core.roles import Role
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db


def test_an_administrator_merges_two_accounts_of_one_person(
    app, admin_client, admin, make_user, procedure
) -> None:
    clerk = make_user(role=Role.POSTAL, full_name="Đặng Thị Thu")
    kept = make_user(full_name="Vi Văn Khánh", phone="0912000111", id_number="040188000321")
    # Opened at the post office with another phone and no ID number typed.
    other = make_user(
        full_name="Vi Van Khanh",
        phone="0388000222",
        id_number=None,
        date_of_birth=date(1988, 3, 9),
        created_by_id=clerk.id,
    )
    db.session.add(
        Consent(
            citizen_id=other.id,
            recorded_by_id=clerk.id,
            purpose="account_on_behalf",
            method="paper",
            notice_version="2026-01",
            place="Bưu cục Quỳ Châu",
        )
    )
    db.session.commit()
    first = submit_via_services(kept, procedure, "t1")
    second = submit_via_services(other, procedure, "t2")
    other_id, first_code, second_code, second_id = other.id, first.code, second.code, second.id
    signed_in = app.test_client()
    login(signed_in, other)

    page = admin_client.get("/quan-tri/gop-tai-khoan")
    assert page.status_code == 200 and "Gộp hai tài khoản của một người" in page.text
    answer = admin_client.post(
        "/quan-tri/gop-tai-khoan",
        data={"keep": "040188000321", "other": "0388 000 222", "confirm": "y"},
    )
    assert answer.status_code == 303, answer.text
    db.session.expire_all()
    merged = db.session.get(User, other_id)
    assert (merged.is_active_account, merged.id_number) == (False, None)  # kept, locked
    assert db.session.scalars(select(Dossier.owner_id)).all() == [kept.id, kept.id]
    assert db.session.scalar(select(Consent.citizen_id)) == kept.id
    event = db.session.scalar(select(AccountEvent).filter_by(user_id=kept.id, kind="merged"))
    assert event.by_id == admin.id
    assert event.detail["merged"]["full_name"] == "Vi Van Khanh"
    assert event.detail["merged"]["phone"] == "0388000222"
    assert event.detail["moved"]["dossiers.owner_id"] == 1
    kinds = db.session.scalars(select(AccountEvent.kind).filter_by(user_id=other_id)).all()
    assert kinds == ["merged_into"]
    # The dossier's history still names who acted then, as written.
    actors = db.session.scalars(select(DossierEvent.actor_id).filter_by(dossier_id=second_id))
    assert set(actors) == {other_id}
    assert db.session.scalar(select(func.count(UserSession.id)).filter_by(user_id=other_id)) == 0
    assert signed_in.get("/tai-khoan").status_code == 303  # the merged account's session ended
    login(app.test_client(), kept)
    client = app.test_client()
    login(client, kept)
    mine = client.get("/ho-so-cua-toi").text
    assert first_code in mine and second_code in mine


def test_merging_refuses_what_is_not_one_person(app, admin_client, make_user) -> None:
    one = make_user(id_number="040188000321", phone="0912000111")
    two = make_user(id_number="040188000999", phone="0912000222")
    officer = make_user(role=Role.OFFICER, phone="0912000333", id_number=None)
    cases = [
        ({"keep": one.phone, "other": two.phone, "confirm": "y"}, "số định danh khác nhau"),
        ({"keep": one.phone, "other": one.id_number, "confirm": "y"}, "hai tài khoản khác nhau"),
        ({"keep": one.phone, "other": officer.phone, "confirm": "y"}, "hai tài khoản người dân"),
        ({"keep": one.phone, "other": "0999999999", "confirm": "y"}, "Không có tài khoản nào"),
        ({"keep": one.phone, "other": two.phone}, "Hãy xác nhận đã đối chiếu giấy tờ"),
    ]
    for data, message in cases:
        answer = admin_client.post("/quan-tri/gop-tai-khoan", data=data)
        assert answer.status_code == 422, (data, answer.status_code)
        assert message in answer.text
    assert db.session.scalar(select(func.count(User.id))) == 4  # and the administrator's


def test_only_the_administration_merges(app, client, citizen) -> None:
    login(client, citizen)
    assert client.get("/quan-tri/gop-tai-khoan").status_code == 403
