"""Administration of community digital technology teams (the members' accounts need a team) and
of the helpers' guide of each procedure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from helpers import login
from sqlalchemy import func, select

from app.accounts.models import User
from app.assist.models import CommunityTeam
from app.catalogue.guide import GUIDE_MAX_LENGTH
from app.catalogue.models import Procedure, Unit
from app.core.roles import Role
from app.extensions import db

HTMX = {"HX-Request": "true"}
MUONG_XEN, ANH_SON, BA_DINH_HA_NOI = "16813", "17329", "4"
BIRTH = "1.001193"


# --- fixtures and helpers -----------------------------------------------------------------------


def make_team(
    village: str = "Bản Huồi Tụ", commune: str = MUONG_XEN, *, active: bool = True
) -> CommunityTeam:
    team = CommunityTeam(
        name=f"Tổ công nghệ số cộng đồng {village}",
        commune_code=commune,
        village=village,
        meeting_place=f"Nhà văn hóa {village}",
        is_active=active,
    )
    db.session.add(team)
    db.session.commit()
    return team


@pytest.fixture
def team(app: Flask) -> CommunityTeam:
    return make_team()


@pytest.fixture
def birth(app: Flask) -> Iterator[Procedure]:
    """Birth registration. Procedures are seeded once per backend, not wiped after each test:
    its guide is put back as it was."""
    procedure = db.session.scalar(select(Procedure).filter_by(code=BIRTH))
    before = procedure.helper_guide
    yield procedure
    db.session.rollback()
    procedure.helper_guide = before
    db.session.commit()


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def field_errors(html: BeautifulSoup, field_id: str) -> str:
    """The error text shown beside a field (its .field marked invalid)."""
    control = html.find(id=field_id)
    assert control is not None, field_id
    box = control.find_parent(class_="invalid")
    assert box is not None, f"{field_id} is not marked invalid"
    return " ".join(e.get_text() for e in box.select(".error"))


def team_data(**overrides: str) -> dict[str, str]:
    data = {
        "commune_code": MUONG_XEN,
        "village": "  Bản   Huồi Tụ ",
        "name": "",
        "meeting_place": "",
        "active": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def team_count() -> int:
    return db.session.scalar(select(func.count()).select_from(CommunityTeam)) or 0


# --- pages --------------------------------------------------------------------------------------


def test_admin_sees_every_new_page_with_csrf_tokens(app, admin_client, team, birth) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    for url in (
        "/quan-tri/",
        "/quan-tri/to-cong-nghe",
        "/quan-tri/to-cong-nghe/moi",
        f"/quan-tri/to-cong-nghe/{team.id}",
        "/quan-tri/thu-tuc",
        f"/quan-tri/thu-tuc/{BIRTH}/huong-dan",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = page(response)
        assert len(html.find_all("h1")) == 1, url
        for form in html.find_all("form", method="post"):
            assert form.find("input", attrs={"name": "csrf_token"}), (url, form.get("action"))


def test_the_overview_links_to_teams_and_guides(admin_client, team) -> None:
    make_team("Bản Cũ", active=False)
    html = page(admin_client.get("/quan-tri/"))
    links = {a.get_text(): a["href"] for a in html.select(".admin-sections a")}
    assert links["Tổ công nghệ số cộng đồng"] == "/quan-tri/to-cong-nghe"
    assert links["Hướng dẫn hỗ trợ người dân"] == "/quan-tri/thu-tuc"
    assert "1 tổ đang hoạt động" in html.get_text()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COMMUNITY, Role.POSTAL_HEAD])
def test_other_roles_may_not_edit_teams_or_guides(app, make_user, team, birth, role) -> None:
    client = app.test_client()
    login(client, make_user(role=role, team_id=team.id if role == Role.COMMUNITY else None))
    before = birth.helper_guide
    posts = [
        (f"/quan-tri/to-cong-nghe/{team.id}", team_data(village="Bản Khác")),
        ("/quan-tri/to-cong-nghe/moi", team_data(village="Bản Mới")),
        (f"/quan-tri/thu-tuc/{BIRTH}/huong-dan", {"helper_guide": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
        assert client.get(url).status_code == 403, url
    db.session.expire_all()
    assert team.village == "Bản Huồi Tụ" and team_count() == 1
    assert birth.helper_guide == before


# --- teams --------------------------------------------------------------------------------------


def test_admin_creates_a_team_with_the_usual_name_and_place(admin_client) -> None:
    response = admin_client.post("/quan-tri/to-cong-nghe/moi", data=team_data())
    assert response.status_code == 303
    team = db.session.scalar(select(CommunityTeam))
    assert (team.name, team.village, team.commune_code, team.meeting_place, team.is_active) == (
        "Tổ công nghệ số cộng đồng Bản Huồi Tụ",
        "Bản Huồi Tụ",
        MUONG_XEN,
        "Nhà văn hóa Bản Huồi Tụ",
        True,
    )
    assert response.location.endswith(f"/quan-tri/to-cong-nghe/{team.id}")
    shown = admin_client.get(response.location)
    assert "Đã thêm “Tổ công nghệ số cộng đồng Bản Huồi Tụ” (Bản Huồi Tụ)." in shown.text
    assert "Xã Mường Xén" in page(shown).find("h1").find_next("p").get_text()


def test_a_team_keeps_the_name_and_place_typed(admin_client) -> None:
    response = admin_client.post(
        "/quan-tri/to-cong-nghe/moi",
        data=team_data(
            name="Tổ CNS bản Huồi Tụ", meeting_place="Nhà ông trưởng bản", commune_code=ANH_SON
        ),
    )
    assert response.status_code == 303
    team = db.session.scalar(select(CommunityTeam))
    assert (team.name, team.meeting_place, team.place) == (
        "Tổ CNS bản Huồi Tụ",
        "Nhà ông trưởng bản",
        "Nhà ông trưởng bản",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"village": "  "}, "village", "Vui lòng nhập tên thôn, bản hoặc tổ dân phố."),
        ({"village": "x" * 121}, "village", "Tối đa 120 ký tự."),
        ({"commune_code": ""}, "commune_code", "Vui lòng chọn xã, phường của tổ."),
        ({"commune_code": BA_DINH_HA_NOI}, "commune_code", "không thuộc tỉnh này"),
        ({"commune_code": "99999999"}, "commune_code", "không thuộc tỉnh này"),
        ({"name": "x" * 201}, "name", "Tối đa 200 ký tự."),
        ({"meeting_place": "x" * 201}, "meeting_place", "Tối đa 200 ký tự."),
    ],
)
def test_invalid_team_is_shown_again_with_422(admin_client, data, field, message) -> None:
    posted = team_data(**{"name": "Tổ của bản", "meeting_place": "Nhà văn hóa bản", **data})
    response = admin_client.post("/quan-tri/to-cong-nghe/moi", data=posted)
    assert response.status_code == 422
    html = page(response)
    assert html.find(id="error-summary") is not None
    assert message in field_errors(html, field)
    # What was typed comes back.
    for name in ("village", "name", "meeting_place"):
        assert html.find("input", attrs={"name": name})["value"] == posted[name], name
    assert team_count() == 0


def test_invalid_team_with_htmx_gets_the_form_fragment(admin_client) -> None:
    response = admin_client.post(
        "/quan-tri/to-cong-nghe/moi", data=team_data(village=""), headers=HTMX
    )
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="team-form"' in response.text
    response = admin_client.post("/quan-tri/to-cong-nghe/moi", data=team_data(), headers=HTMX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/quan-tri/to-cong-nghe/")


def test_a_village_has_one_active_team(admin_client, team) -> None:
    # The same village, spelt in capitals and without diacritics.
    response = admin_client.post(
        "/quan-tri/to-cong-nghe/moi", data=team_data(village="BAN HUOI TU")
    )
    assert response.status_code == 422
    message = field_errors(page(response), "village")
    assert "đã có tổ đang hoạt động: “Tổ công nghệ số cộng đồng Bản Huồi Tụ”" in message
    assert "cho tổ đó ngừng hoạt động trước" in message
    assert team_count() == 1
    # The same name of village in another commune is another village.
    response = admin_client.post("/quan-tri/to-cong-nghe/moi", data=team_data(commune_code=ANH_SON))
    assert response.status_code == 303
    # An inactive team may stand beside the active one, for the record…
    response = admin_client.post("/quan-tri/to-cong-nghe/moi", data=team_data(active=""))
    assert response.status_code == 303
    old = db.session.scalar(
        select(CommunityTeam).filter_by(commune_code=MUONG_XEN, is_active=False)
    )
    # …but it cannot be switched back on while the other one works.
    response = admin_client.post(f"/quan-tri/to-cong-nghe/{old.id}", data=team_data())
    assert response.status_code == 422
    assert "đã có tổ đang hoạt động" in response.text
    db.session.expire_all()
    assert old.is_active is False
    # Once the first team stops, it can.
    response = admin_client.post(f"/quan-tri/to-cong-nghe/{team.id}", data=team_data(active=""))
    assert response.status_code == 303
    response = admin_client.post(f"/quan-tri/to-cong-nghe/{old.id}", data=team_data())
    assert response.status_code == 303
    db.session.expire_all()
    assert (team.is_active, old.is_active) == (False, True)


def test_editing_a_team_and_renaming_its_village(admin_client, team) -> None:
    form = page(admin_client.get(f"/quan-tri/to-cong-nghe/{team.id}"))
    assert form.find("input", attrs={"name": "village"})["value"] == "Bản Huồi Tụ"
    assert form.find("option", attrs={"value": MUONG_XEN}).has_attr("selected")
    assert form.find("input", attrs={"name": "active"}).has_attr("checked")
    # The usual name and place follow the village; a typed one would stay.
    response = admin_client.post(
        f"/quan-tri/to-cong-nghe/{team.id}",
        data=team_data(village="Bản Huồi Tụ 2", name=team.name, meeting_place=team.meeting_place),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (team.name, team.meeting_place) == (
        "Tổ công nghệ số cộng đồng Bản Huồi Tụ 2",
        "Nhà văn hóa Bản Huồi Tụ 2",
    )
    response = admin_client.post(
        f"/quan-tri/to-cong-nghe/{team.id}",
        data=team_data(village="Bản Phà Khảo", name="Tổ bản Phà", meeting_place="Nhà bà Lô"),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (team.village, team.name, team.meeting_place) == (
        "Bản Phà Khảo",
        "Tổ bản Phà",
        "Nhà bà Lô",
    )
    assert admin_client.get("/quan-tri/to-cong-nghe/999999").status_code == 404


def test_team_search_ignores_diacritics(admin_client, team) -> None:
    make_team("Thôn 3", ANH_SON)
    make_team("Tổ dân phố Hòa Bình", ANH_SON, active=False)

    def names(query: str) -> list[str]:
        html = page(admin_client.get("/quan-tri/to-cong-nghe", query_string={"q": query}))
        return [a.get_text() for a in html.select("tbody td:first-child a")]

    assert names("huoi tu") == ["Tổ công nghệ số cộng đồng Bản Huồi Tụ"]
    assert names("MUONG XEN") == ["Tổ công nghệ số cộng đồng Bản Huồi Tụ"]
    # By commune: the active team first.
    assert names("anh son") == [
        "Tổ công nghệ số cộng đồng Thôn 3",
        "Tổ công nghệ số cộng đồng Tổ dân phố Hòa Bình",
    ]
    assert names("hoa binh") == ["Tổ công nghệ số cộng đồng Tổ dân phố Hòa Bình"]
    assert names("zzz") == []
    listing = page(admin_client.get("/quan-tri/to-cong-nghe"))
    assert len(listing.select("tbody tr")) == 3 and len(listing.select("tbody tr.inactive")) == 1
    assert "Không tìm thấy tổ phù hợp" in admin_client.get("/quan-tri/to-cong-nghe?q=zzz").text


def test_team_page_shows_its_members_and_adds_one(admin_client, make_user, team) -> None:
    make_user(role=Role.COMMUNITY, team_id=team.id, full_name="Lô Văn Pằn")
    make_user(role=Role.COMMUNITY, team_id=team.id, full_name="Vi Thị Mai")
    make_user(role=Role.COMMUNITY, team_id=make_team("Bản Khác").id, full_name="Người Khác")
    html = page(admin_client.get(f"/quan-tri/to-cong-nghe/{team.id}"))
    members = [a.get_text() for a in html.select(".members a")]
    assert members == ["Lô Văn Pằn", "Vi Thị Mai"]
    listing = page(admin_client.get("/quan-tri/to-cong-nghe", query_string={"q": "huoi tu"}))
    assert listing.select_one("tbody .num").get_text() == "2"

    # "Add a member" opens the staff form with the role and the team chosen.
    add = html.find("a", string="Thêm thành viên")["href"]
    form = page(admin_client.get(add))
    assert form.find("option", attrs={"value": "community"}).has_attr("selected")
    assert form.find("option", attrs={"value": str(team.id)}).has_attr("selected")


def test_stopping_a_team_with_members_says_what_becomes_of_them(
    admin_client, make_user, team
) -> None:
    make_user(role=Role.COMMUNITY, team_id=team.id)
    response = admin_client.post(
        f"/quan-tri/to-cong-nghe/{team.id}", data=team_data(active=""), follow_redirects=True
    )
    assert "1 thành viên vẫn giữ tài khoản" in response.text
    # A stopped team takes no new member, so the page offers none.
    assert page(response).find("a", string="Thêm thành viên") is None


# --- staff accounts and their team --------------------------------------------------------------


def staff_data(**overrides: str | None) -> dict[str, str]:
    data = {"phone": "0977000222", "full_name": "Lô Văn Pằn", "role": "community"}
    data.update(overrides)  # type: ignore[arg-type]
    return {k: v for k, v in data.items() if v is not None}


def test_a_community_member_needs_a_team(admin_client, team) -> None:
    make_team("Bản Cũ", active=False)
    html = page(admin_client.get("/quan-tri/can-bo/moi"))
    options = [o.get_text() for o in html.select("#team option")]
    assert options[0] == "— Không thuộc tổ nào —"
    assert "Tổ công nghệ số cộng đồng Bản Huồi Tụ (Xã Mường Xén)" in options
    assert "Tổ công nghệ số cộng đồng Bản Cũ (Xã Mường Xén) – ngừng hoạt động" in options

    response = admin_client.post("/quan-tri/can-bo/moi", data=staff_data())
    assert response.status_code == 422
    html = page(response)
    assert "phải thuộc một tổ" in field_errors(html, "team")
    assert html.find("input", attrs={"name": "full_name"})["value"] == "Lô Văn Pằn"
    assert db.session.scalar(select(User).filter_by(phone="0977000222")) is None

    response = admin_client.post("/quan-tri/can-bo/moi", data=staff_data(team=str(team.id)))
    assert response.status_code == 303
    member = db.session.scalar(select(User).filter_by(phone="0977000222"))
    assert (member.role, member.team_id, member.post_office_id) == ("community", team.id, None)
    listing = admin_client.get("/quan-tri/can-bo", query_string={"vai-tro": "community"}).text
    assert "Lô Văn Pằn" in listing and "Tổ công nghệ số cộng đồng Bản Huồi Tụ" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "officer", "units": "UNIT", "team": "TEAM"}, "hãy để trống ô “Tổ công nghệ"),
        ({"role": "admin", "team": "TEAM"}, "hãy để trống ô “Tổ công nghệ số cộng đồng”"),
        ({"team": "999999"}, "không còn tồn tại"),
        ({"team": "x"}, "không hợp lệ"),
        ({"team": "STOPPED"}, "đã ngừng hoạt động nên không nhận thêm thành viên"),
    ],
)
def test_team_rule_for_staff(admin_client, team, data, message) -> None:
    stopped = make_team("Bản Cũ", active=False)
    unit = db.session.scalar(select(Unit).where(Unit.kind == "commune_centre").limit(1))
    values = {"TEAM": str(team.id), "STOPPED": str(stopped.id), "UNIT": str(unit.id)}
    posted = staff_data(**{k: values.get(v, v) for k, v in data.items()})
    response = admin_client.post("/quan-tri/can-bo/moi", data=posted)
    assert response.status_code == 422
    assert message in field_errors(page(response), "team")
    assert db.session.scalar(select(User).filter_by(phone="0977000222")) is None


def test_editing_staff_keeps_the_team_rule(admin_client, make_user, team) -> None:
    member = make_user(role=Role.COMMUNITY, team_id=team.id)
    other = make_team("Thôn 3", ANH_SON)
    html = page(admin_client.get(f"/quan-tri/can-bo/{member.id}"))
    assert html.find("option", attrs={"value": str(team.id)}).has_attr("selected")
    base = {"full_name": member.full_name, "active": "y"}
    # Moved to another team.
    response = admin_client.post(
        f"/quan-tri/can-bo/{member.id}", data={**base, "role": "community", "team": str(other.id)}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert member.team_id == other.id
    # Leaving every team while still a member is refused…
    response = admin_client.post(
        f"/quan-tri/can-bo/{member.id}", data={**base, "role": "community", "team": ""}
    )
    assert response.status_code == 422
    assert "phải thuộc một tổ" in response.text
    # …and so is another role that keeps the team; clearing it goes through.
    response = admin_client.post(
        f"/quan-tri/can-bo/{member.id}", data={**base, "role": "admin", "team": str(other.id)}
    )
    assert response.status_code == 422
    response = admin_client.post(
        f"/quan-tri/can-bo/{member.id}", data={**base, "role": "admin", "team": ""}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (member.role, member.team_id) == ("admin", None)


def test_a_member_of_a_stopped_team_can_still_be_edited(admin_client, make_user, team) -> None:
    member = make_user(role=Role.COMMUNITY, team_id=team.id, full_name="Lô Văn Pằn")
    team.is_active = False
    db.session.commit()
    response = admin_client.post(
        f"/quan-tri/can-bo/{member.id}",
        data={"full_name": "Lô Văn Pằn", "role": "community", "team": str(team.id), "active": "y"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert member.team_id == team.id


# --- the helpers' guide -------------------------------------------------------------------------


def test_the_guides_list_links_every_procedure(admin_client, birth) -> None:
    birth.helper_guide = "Mang thẻ căn cước.\nChụp ảnh Giấy chứng sinh."
    db.session.commit()
    html = page(admin_client.get("/quan-tri/thu-tuc"))
    rows = html.select("tbody tr")
    assert len(rows) == db.session.scalar(select(func.count()).select_from(Procedure))
    row = next(r for r in rows if r.select_one(".code").get_text() == BIRTH)
    assert row.find("a")["href"] == f"/quan-tri/thu-tuc/{BIRTH}/huong-dan"
    assert "Hướng dẫn riêng, 2 bước" in row.get_text()
    html = page(admin_client.get("/quan-tri/thu-tuc", query_string={"q": "KHAI SINH"}))
    codes = [r.select_one(".code").get_text() for r in html.select("tbody tr")]
    assert BIRTH in codes and "1.004222" not in codes


def test_admin_writes_a_guide_shown_on_the_procedure_page(app, admin_client, birth) -> None:
    form = page(admin_client.get(f"/quan-tri/thu-tuc/{BIRTH}/huong-dan"))
    assert form.find("textarea", attrs={"name": "helper_guide"}).get_text().strip() == (
        birth.helper_guide
    )
    # The default built from the documents is shown below, to copy from.
    assert "Giấy chứng sinh do cơ sở y tế cấp" in form.select_one(".default-guide").get_text()
    typed = "1. Mang  thẻ căn cước của mẹ.\r\n\r\n  2. Chụp ảnh Giấy chứng sinh rõ bốn góc.  \r\n"
    response = admin_client.post(
        f"/quan-tri/thu-tuc/{BIRTH}/huong-dan", data={"helper_guide": typed}
    )
    assert response.status_code == 303
    assert "Đã lưu hướng dẫn hỗ trợ cho thủ tục “Đăng ký khai sinh”." in (
        admin_client.get(response.location).text
    )
    db.session.expire_all()
    assert birth.helper_guide == (
        "1. Mang thẻ căn cước của mẹ.\n2. Chụp ảnh Giấy chứng sinh rõ bốn góc."
    )
    citizen_page = page(app.test_client().get(f"/thu-tuc/{BIRTH}"))
    steps = [li.get_text() for li in citizen_page.select("details.helper-guide ol li")]
    assert steps == ["Mang thẻ căn cước của mẹ.", "Chụp ảnh Giấy chứng sinh rõ bốn góc."]


def test_an_empty_guide_brings_back_the_default(app, admin_client, birth) -> None:
    response = admin_client.post(
        f"/quan-tri/thu-tuc/{BIRTH}/huong-dan", data={"helper_guide": " \r\n "}
    )
    assert response.status_code == 303
    assert "không có hướng dẫn riêng" in admin_client.get(response.location).text
    db.session.expire_all()
    assert birth.helper_guide == ""
    steps = page(app.test_client().get(f"/thu-tuc/{BIRTH}")).select("details.helper-guide li")
    assert "Giấy chứng sinh do cơ sở y tế cấp" in steps[0].get_text() + steps[1].get_text()


def test_a_guide_too_long_is_shown_again_with_422(admin_client, birth) -> None:
    before = birth.helper_guide
    typed = "Mang giấy tờ.\n" + "x" * GUIDE_MAX_LENGTH
    for headers in ({}, HTMX):
        response = admin_client.post(
            f"/quan-tri/thu-tuc/{BIRTH}/huong-dan", data={"helper_guide": typed}, headers=headers
        )
        assert response.status_code == 422
        html = page(response)
        assert f"tối đa {GUIDE_MAX_LENGTH} ký tự" in field_errors(html, "helper_guide")
        assert html.find("textarea").get_text().strip() == typed
    assert "<html" not in response.text and 'id="guide-form"' in response.text
    db.session.expire_all()
    assert birth.helper_guide == before


def test_an_unknown_procedure_has_no_guide_page(admin_client) -> None:
    assert admin_client.get("/quan-tri/thu-tuc/9.999999/huong-dan").status_code == 404
    assert admin_client.post("/quan-tri/thu-tuc/9.999999/huong-dan", data={}).status_code == 404


def test_posts_without_a_csrf_token_are_refused(app, admin_client, team, birth) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    before = birth.helper_guide
    posts = [
        ("/quan-tri/to-cong-nghe/moi", team_data(commune_code=ANH_SON)),
        (f"/quan-tri/to-cong-nghe/{team.id}", team_data(active="")),
        (f"/quan-tri/thu-tuc/{BIRTH}/huong-dan", {"helper_guide": "Mang thẻ."}),
    ]
    for headers in ({}, HTMX):
        for url, data in posts:
            response = admin_client.post(url, data=data, headers=headers)
            assert response.status_code == 400, (url, response.status_code)
    db.session.expire_all()
    assert team_count() == 1 and team.is_active and birth.helper_guide == before
    # Control: with the page's own token the guide is saved.
    url = f"/quan-tri/thu-tuc/{BIRTH}/huong-dan"
    token = page(admin_client.get(url)).find("input", attrs={"name": "csrf_token"})["value"]
    response = admin_client.post(url, data={"helper_guide": "Mang thẻ.", "csrf_token": token})
    assert response.status_code == 303
