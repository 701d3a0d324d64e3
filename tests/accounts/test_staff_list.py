"""The administration's staff list paged, searched and eager-loaded in SQL (issue 14): the same
statements for 6 staff or 60, whatever units, post office and team each has."""

from __future__ import annotations

from bs4 import BeautifulSoup
from helpers import fresh_get, make_post_office, statements
from sqlalchemy import text

from app.accounts.models import User
from app.assist.models import CommunityTeam
from app.catalogue.models import Unit
from app.core.roles import Role
from app.core.text import fold
from app.extensions import db
from app.postal.models import PostOffice

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Võ", "Dương"]


def add_staff(make_user, count: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    """``count`` staff of every kind: officers with two units, postal staff with their post
    office, community members with their team."""
    units = list(db.session.scalars(db.select(Unit).order_by(Unit.code).limit(4)))
    office = db.session.scalar(db.select(PostOffice)) or make_post_office()
    team = db.session.scalar(db.select(CommunityTeam))
    if team is None:
        team = CommunityTeam(
            name="Tổ công nghệ số bản Huồi Tụ", commune_code="17329", village="Bản Huồi Tụ"
        )
        db.session.add(team)
        db.session.commit()
    for n in range(start, start + count):
        name = f"{FAMILY[n % len(FAMILY)]} Thị Hồng {n:03d}"
        kind = n % 3
        if kind == 0:
            make_user(role=Role.OFFICER, full_name=name, units=units[n % 3 : n % 3 + 2])
        elif kind == 1:
            make_user(role=Role.POSTAL, full_name=name, post_office_id=office.id)
        else:
            make_user(role=Role.COMMUNITY, full_name=name, team_id=team.id)


def staff_names(response) -> list[str]:  # type: ignore[no-untyped-def]
    html = BeautifulSoup(response.text, "html.parser")
    return [a.get_text() for a in html.select("tbody td:first-child a")]


def test_the_staff_list_costs_the_same_statements_for_6_or_60_staff(
    app, admin_client, make_user
) -> None:
    add_staff(make_user, 6)
    with statements() as few:
        first = fresh_get(app, admin_client, "/quan-tri/can-bo?q=thi+hong")
    add_staff(make_user, 54, start=6)
    with statements() as many:
        second = fresh_get(app, admin_client, "/quan-tri/can-bo?q=thi+hong")
    assert first.status_code == second.status_code == 200
    assert len(staff_names(first)) == 6 and len(staff_names(second)) == 50
    # Signing in (the session and its user), the count, the page with its post offices and
    # teams joined, the page's units, the gateway banner and the administrator's own units (the
    # footer's phone): no query per row.
    assert len(few) == len(many) == 6, many
    assert "Bưu điện xã Anh Sơn" in second.text and "Tổ công nghệ số bản Huồi Tụ" in second.text


def test_the_staff_list_pages_in_sql_in_folded_name_order(app, admin_client, make_user) -> None:
    add_staff(make_user, 60)
    locked = db.session.scalar(db.select(User).filter_by(full_name="Đặng Thị Hồng 005"))
    locked.is_active_account = False
    db.session.commit()
    first = fresh_get(app, admin_client, "/quan-tri/can-bo")
    last = fresh_get(app, admin_client, "/quan-tri/can-bo?trang=2")
    assert "61 tài khoản" in first.text  # 60 and the administrator
    names = staff_names(first) + staff_names(last)
    assert len(staff_names(first)) == 50 and len(names) == 61
    assert len(set(names)) == 61  # no row twice, none missing across the pages
    assert names[-1] == "Đặng Thị Hồng 005"  # locked accounts last
    # Officers first (the role order), each role by folded name: "Đ" sorts with "D", not
    # after "Z" as its code point would.
    officers = [f"{FAMILY[n % 10]} Thị Hồng {n:03d}" for n in range(0, 60, 3)]
    assert names[:20] == sorted(officers, key=fold)
    assert fresh_get(app, admin_client, "/quan-tri/can-bo?trang=9").text.count("<tr") == 12


def test_the_staff_search_runs_in_sql_without_diacritics(app, admin_client, make_user) -> None:
    add_staff(make_user, 12)
    found = staff_names(fresh_get(app, admin_client, "/quan-tri/can-bo?q=dang+thi"))
    assert found == ["Đặng Thị Hồng 005"]
    found = staff_names(fresh_get(app, admin_client, "/quan-tri/can-bo?q=HONG+01"))
    assert set(found) == {"Nguyễn Thị Hồng 010", "Trần Thị Hồng 011"}
    found = staff_names(fresh_get(app, admin_client, "/quan-tri/can-bo?q=100%25"))
    assert found == []  # LIKE's wildcards are escaped


def test_a_staff_members_name_key_follows_the_name(app, make_user) -> None:
    user = make_user(role=Role.OFFICER, full_name="Đỗ Văn Đức")
    assert user.name_key == "do van duc"
    user.full_name = "Võ  Thị Ánh"
    db.session.commit()
    assert db.session.scalar(text(f"SELECT name_key FROM users WHERE id = {user.id}")) == (
        "vo thi anh"
    )
