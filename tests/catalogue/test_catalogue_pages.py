"""The catalogue pages: search without case or diacritics, level filter, procedure details."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.catalogue.models import Procedure
from app.extensions import db

HTMX = {"HX-Request": "true"}


def result_names(response) -> list[str]:  # type: ignore[no-untyped-def]
    page = BeautifulSoup(response.text, "html.parser")
    return [a.get_text(strip=True) for a in page.select("ul.cards li > a")]


def by_name(name: str) -> Procedure:
    return db.session.scalars(db.select(Procedure).filter_by(name=name)).one()


def test_catalogue_lists_at_least_twelve_procedures(client) -> None:
    response = client.get("/thu-tuc")
    assert response.status_code == 200
    names = result_names(response)
    active = db.session.scalars(db.select(Procedure).filter_by(is_active=True)).all()
    assert len(names) >= 12
    assert sorted(names) == sorted(p.name for p in active)


def test_search_without_diacritics_finds_birth_registration(client) -> None:
    names = result_names(client.get("/thu-tuc", query_string={"q": "dang ky khai sinh"}))
    assert "Đăng ký khai sinh" in names
    assert "Đăng ký khai tử" not in names
    assert "Đăng ký thường trú" not in names


def test_search_thuong_tru_finds_the_permanent_residence_procedures(client) -> None:
    names = result_names(client.get("/thu-tuc", query_string={"q": "thuong tru"}))
    assert "Đăng ký thường trú" in names
    assert names, names
    assert all("thường trú" in name for name in names), names
    assert "Đăng ký tạm trú" not in names


def test_search_ignores_case(client) -> None:
    upper = result_names(client.get("/thu-tuc", query_string={"q": "ĐĂNG KÝ"}))
    lower = result_names(client.get("/thu-tuc", query_string={"q": "đăng ký"}))
    assert "Đăng ký khai sinh" in upper
    assert upper == lower
    assert all("đăng ký" in name.lower() for name in upper)
    # It is a filter, not everything.
    assert len(upper) < len(result_names(client.get("/thu-tuc")))


def test_search_with_nothing_found_says_so(client) -> None:
    response = client.get("/thu-tuc", query_string={"q": "zzzz khong co"})
    assert response.status_code == 200
    assert result_names(response) == []
    assert "Không tìm thấy thủ tục phù hợp" in response.text


@pytest.mark.parametrize("wildcard", ["%", "_", "%%"])
def test_sql_wildcards_are_searched_literally(client, wildcard) -> None:
    assert result_names(client.get("/thu-tuc", query_string={"q": wildcard})) == []


def test_level_filter(client) -> None:
    names = result_names(client.get("/thu-tuc", query_string={"muc-do": "mot_phan"}))
    expected = {
        p.name for p in db.session.scalars(db.select(Procedure).filter_by(level="mot_phan"))
    }
    assert expected and set(names) == expected
    assert "Đăng ký kết hôn" in names
    assert "Đăng ký khai sinh" not in names
    page = BeautifulSoup(client.get("/thu-tuc?muc-do=mot_phan").text, "html.parser")
    assert page.select_one("#muc-do option[selected]")["value"] == "mot_phan"


def test_level_filter_combines_with_search(client) -> None:
    names = result_names(
        client.get("/thu-tuc", query_string={"q": "dang ky", "muc-do": "toan_trinh"})
    )
    assert "Đăng ký khai sinh" in names
    assert "Đăng ký kết hôn" not in names  # một phần


def test_unknown_level_is_ignored(client) -> None:
    all_names = result_names(client.get("/thu-tuc"))
    assert result_names(client.get("/thu-tuc", query_string={"muc-do": "muc_4"})) == all_names


def test_htmx_search_returns_the_results_fragment_only(client) -> None:
    response = client.get("/thu-tuc", query_string={"q": "khai sinh"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<h1" not in response.text
    assert "<form" not in response.text
    assert "Đăng ký khai sinh" in result_names(response)
    assert "HX-Request" in response.headers["Vary"]


def test_plain_search_returns_the_whole_page(client) -> None:
    response = client.get("/thu-tuc", query_string={"q": "khai sinh"})
    assert "<html" in response.text
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find(id="q")["value"] == "khai sinh"


def test_procedure_page_shows_documents_fees_time_and_channels(client) -> None:
    procedure = by_name("Đăng ký thường trú")
    response = client.get(f"/thu-tuc/{procedure.code}")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert page.h1.get_text(strip=True) == "Đăng ký thường trú"
    text = page.get_text(" ", strip=True)
    facts = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("dl.facts dt")
    }
    assert facts["Mã thủ tục"] == procedure.code
    assert facts["Mức độ"] == "Toàn trình"
    assert "7 ngày làm việc" in facts["Thời hạn giải quyết"]
    fees = facts["Phí, lệ phí"]
    assert "Trực tuyến: 10.000 đ" in fees
    assert "Trực tiếp tại Bộ phận Một cửa: 20.000 đ" in fees
    assert "Qua dịch vụ bưu chính công ích: 20.000 đ" in fees
    channels = facts["Cách nộp"]
    for label in ("Trực tuyến", "Qua dịch vụ bưu chính công ích", "Trực tiếp"):
        assert label in channels
    for document in procedure.documents:
        assert document.name in text
    assert procedure.competent_authority in text
    for basis in procedure.legal_basis:
        assert basis in text
    # The online application starts from here: signed out, by signing in first, with the start
    # and its one-time token in ``next`` (tests/accounts/test_login_intent.py).
    form = page.find("form", action="/dang-nhap")
    start = form.find("input", attrs={"name": "next"})["value"]
    assert start.startswith(f"/thu-tuc/{procedure.code}/nop-ho-so?client_token=")
    assert len(start.split("=", 1)[1]) >= 16


def test_free_procedure_says_free_and_same_day(client) -> None:
    procedure = by_name("Đăng ký khai sinh")
    page = BeautifulSoup(client.get(f"/thu-tuc/{procedure.code}").text, "html.parser")
    facts = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("dl.facts dt")
    }
    assert "Miễn phí" in facts["Phí, lệ phí"]
    assert "Trong ngày" in facts["Thời hạn giải quyết"]
    assert "15 giờ" in facts["Thời hạn giải quyết"]


def test_counter_only_channels_are_not_offered(client) -> None:
    procedure = by_name("Đăng ký kết hôn")  # online + counter, no post
    page = BeautifulSoup(client.get(f"/thu-tuc/{procedure.code}").text, "html.parser")
    facts = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("dl.facts dt")
    }
    assert "bưu chính" not in facts["Cách nộp"]
    assert facts["Mức độ"] == "Một phần"


def test_unknown_procedure_code_is_404(client) -> None:
    response = client.get("/thu-tuc/9.999999")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.text


def test_inactive_procedure_is_404_and_not_listed(client) -> None:
    procedure = by_name("Đăng ký khai tử")
    procedure.is_active = False
    db.session.commit()
    try:
        assert client.get(f"/thu-tuc/{procedure.code}").status_code == 404
        assert "Đăng ký khai tử" not in result_names(client.get("/thu-tuc"))
    finally:
        procedure.is_active = True
        db.session.commit()


# --- typos, missing diacritics, procedures done elsewhere (issue 13) ---------------------------


def suggestion_links(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = BeautifulSoup(response.text, "html.parser")
    return {a.get_text(strip=True): a["href"] for a in page.select(".suggestions li > a")}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_a_typo_is_answered_with_suggestions(client, headers) -> None:
    response = client.get("/thu-tuc", query_string={"q": "khai snh"}, headers=headers)
    assert response.status_code == 200
    assert result_names(response) == []
    assert "Có phải bạn muốn tìm" in response.text
    links = suggestion_links(response)
    assert 1 <= len(links) <= 3
    assert next(iter(links)) == "Đăng ký khai sinh"
    assert links["Đăng ký khai sinh"] == f"/thu-tuc/{by_name('Đăng ký khai sinh').code}"
    assert "Không tìm thấy thủ tục phù hợp" not in response.text
    assert "không làm tại đây" not in response.text


def test_a_suggestion_leads_to_the_procedure(client) -> None:
    links = suggestion_links(client.get("/thu-tuc", query_string={"q": "dang ky ket hn"}))
    page = client.get(links["Đăng ký kết hôn"])
    assert page.status_code == 200
    assert "Đăng ký kết hôn" in page.text


def test_suggestions_only_when_nothing_matches(client) -> None:
    response = client.get("/thu-tuc", query_string={"q": "dang ky khai sinh"})
    assert result_names(response)[0] == "Đăng ký khai sinh"
    assert "Có phải bạn muốn tìm" not in response.text
    assert suggestion_links(response) == {}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_passport_points_to_the_police(client, headers) -> None:
    response = client.get("/thu-tuc", query_string={"q": "ho chieu"}, headers=headers)
    assert response.status_code == 200
    assert result_names(response) == []
    note = BeautifulSoup(response.text, "html.parser").select_one(".elsewhere")
    assert note is not None
    text = note.get_text(" ", strip=True)
    assert "Thủ tục này không làm tại đây" in text
    assert "Cấp hộ chiếu phổ thông" in text
    assert "Công an" in text
    assert note.select_one("a")["href"].startswith("https://dichvucong.gov.vn")
    assert "Có phải bạn muốn tìm" not in response.text


def test_a_procedure_of_this_catalogue_is_not_sent_elsewhere(client) -> None:
    response = client.get("/thu-tuc", query_string={"q": "căn cước"})
    assert result_names(response) == ["Cấp đổi thẻ căn cước"]
    assert "không làm tại đây" not in response.text


def test_a_deactivated_procedure_is_neither_found_nor_suggested(client) -> None:
    birth = by_name("Đăng ký khai sinh")
    birth.is_active = False
    db.session.commit()
    try:
        suggested = suggestion_links(client.get("/thu-tuc", query_string={"q": "khai snh"}))
        found = result_names(client.get("/thu-tuc", query_string={"q": "khai sinh"}))
    finally:
        birth.is_active = True
        db.session.commit()
    assert suggested and "Đăng ký khai sinh" not in suggested
    assert found and "Đăng ký khai sinh" not in found


def test_nonsense_gets_a_polite_message_and_nothing_else(client) -> None:
    response = client.get("/thu-tuc", query_string={"q": "qwerty asdf"})
    assert response.status_code == 200
    assert result_names(response) == []
    assert suggestion_links(response) == {}
    assert "Không tìm thấy thủ tục phù hợp" in response.text
    assert "không làm tại đây" not in response.text


@pytest.mark.parametrize(
    ("code", "when"),
    [
        ("1.004222", "Nộp phí, lệ phí trước khi hồ sơ được tiếp nhận giải quyết."),
        ("2.000815", "Nộp phí, lệ phí trước khi nhận kết quả."),
    ],
)
def test_the_procedure_page_says_when_the_fee_is_paid(client, code: str, when: str) -> None:
    page = client.get(f"/thu-tuc/{code}")
    assert page.status_code == 200
    fees = " ".join(page.text.split())
    assert when in fees and "mã VietQR" in fees


def test_a_free_procedure_says_nothing_about_when_to_pay(client) -> None:
    page = client.get("/thu-tuc/1.001193")
    assert "Nộp phí, lệ phí trước" not in page.text and "VietQR" not in page.text
