"""The papers step as a citizen on a weak link meets it: files chosen in several rows travel
with "Lưu và tiếp tục" (never silently dropped), a refused one is named in its row while the
others are kept, and a body over the limit (413) answers a page that restates the limits and
leads back to the step, or for htmx a small message that app.js puts where the request came
from. The browser side (shrinking, waiting, the PDF stopped): tests/e2e/test_photos_browser.py."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from helpers import jpeg_bytes, login, sample_answers
from sqlalchemy import func, select

from app.dossiers.models import Attachment, Dossier
from app.extensions import db

HTMX = {"HX-Request": "true"}
UPLOAD_LIMIT = 200 * 1024


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    """A small limit, so that "too large" is reached with small files."""
    return {
        **app_config,
        "UPLOAD_MAX_BYTES": UPLOAD_LIMIT,
        "MAX_CONTENT_LENGTH": UPLOAD_LIMIT + 512 * 1024,
    }


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def draft_at_papers(client, procedure) -> str:  # type: ignore[no-untyped-def]
    """A draft whose applicant and answers are saved; the papers step's URL prefix."""
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": "p-1"})
    assert response.status_code == 303, response.text
    base = response.location.rsplit("/", 1)[0]
    applicant = {
        "phone": "0912 345 678",
        "province": "40",
        "commune": "17329",
        "village": "Bản Huồi Tụ",
    }
    for step, data in [("nguoi-nop", applicant), ("thong-tin", sample_answers(procedure))]:
        assert client.post(f"{base}/{step}", data=data).status_code == 303, step
    return base


def photo(name: str, width: int = 1200, height: int = 900) -> tuple[io.BytesIO, str]:
    return io.BytesIO(jpeg_bytes(width, height)), name


def stored(base: str) -> dict[str, int]:
    """Files kept per paper code."""
    db.session.expire_all()
    dossier = db.session.get(Dossier, int(base.rsplit("/", 1)[1]))
    codes = [a.document_code for a in dossier.attachments]
    return {code: codes.count(code) for code in codes}


def papers(procedure) -> list[str]:  # type: ignore[no-untyped-def]
    """Every paper of the procedure that takes a file (required first)."""
    documents = sorted(procedure.documents, key=lambda d: not d.is_required)
    return [d.code for d in documents if d.scan_required] or [documents[0].code]


def test_files_chosen_in_several_rows_travel_with_save_and_continue(
    client, citizen, procedure
) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    base = draft_at_papers(client, procedure)
    codes = [d.code for d in procedure.documents][:3]
    assert len(codes) >= 2, "the birth registration asks for several papers"
    data = {f"file-{code}": photo(f"trang-{i}.jpg") for i, code in enumerate(codes)}
    data["csrf_token"] = "x"  # CSRF is off in these tests; the field is sent as a browser would

    response = client.post(f"{base}/giay-to", data=data, content_type="multipart/form-data")

    assert response.status_code == 303, response.text
    assert response.location.endswith("/nhan-tra")
    assert stored(base) == dict.fromkeys(codes, 1)


def test_nothing_chosen_is_not_an_upload(client, citizen, procedure) -> None:  # type: ignore[no-untyped-def]
    """Rows left empty send an empty file part (as browsers do): it is skipped, not refused."""
    login(client, citizen)
    base = draft_at_papers(client, procedure)
    first, *others = [d.code for d in procedure.documents]
    data = {f"file-{first}": photo("giay-chung-sinh.jpg")}
    data.update({f"file-{code}": (io.BytesIO(b""), "") for code in others})
    response = client.post(f"{base}/giay-to", data=data, content_type="multipart/form-data")
    assert stored(base) == {first: 1}
    assert response.status_code in (303, 422)  # 422 only when a required paper is still missing


def test_a_refused_file_is_named_in_its_row_and_the_others_are_kept(
    client, citizen, procedure
) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    base = draft_at_papers(client, procedure)
    good, bad = [d.code for d in procedure.documents][:2]
    data = {
        f"file-{good}": photo("giay-chung-sinh.jpg"),
        f"file-{bad}": (io.BytesIO("<html>không phải ảnh</html>".encode()), "cccd-me.jpg"),
    }

    response = client.post(f"{base}/giay-to", data=data, content_type="multipart/form-data")

    assert response.status_code == 422
    row = soup(response).find(id=f"doc-{bad}")
    assert "invalid" in row["class"]
    assert row.select_one(".error").get_text(strip=True)
    assert row.find("input", type="file")["aria-describedby"] == f"error-{bad}"
    assert stored(base) == {good: 1}  # kept, and listed in its row
    assert soup(response).find(id=f"doc-{good}").find("a", string="giay-chung-sinh.jpg")


def test_upload_in_one_row_without_javascript_takes_the_files_of_the_others_too(
    client, citizen, procedure
) -> None:  # type: ignore[no-untyped-def]
    """Without JS "Tải lên" submits the step's form (formaction): every chosen file is in it."""
    login(client, citizen)
    base = draft_at_papers(client, procedure)
    first, second = [d.code for d in procedure.documents][:2]
    names = {d.code: d.name for d in procedure.documents}
    data = {f"file-{first}": photo("a.jpg"), f"file-{second}": photo("b.jpg")}

    response = client.post(f"{base}/giay-to/{first}", data=data, content_type="multipart/form-data")

    assert response.status_code == 303
    assert stored(base) == {first: 1, second: 1}
    page = client.get(f"{base}/giay-to").text
    assert f"Đã tải lên “{names[first]}”, “{names[second]}”." in page


def test_the_papers_page_ties_every_file_input_to_the_step_form(client, citizen, procedure) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    base = draft_at_papers(client, procedure)
    page = soup(client.get(f"{base}/giay-to"))
    form = page.find("form", id="papers")
    assert form["enctype"] == "multipart/form-data" and form["hx-encoding"] == "multipart/form-data"
    assert (
        form["data-upload-max"] == str(UPLOAD_LIMIT) and form["data-upload-max-words"] == "200 KB"
    )
    assert form.find("button", string="Lưu và tiếp tục") is not None
    inputs = page.select("input[type=file]")
    assert len(inputs) == len(procedure.documents)
    for field in inputs:
        code = field["name"].removeprefix("file-")
        assert field["form"] == "papers" and field.has_attr("data-shrink")
        button = field.find_next("button")
        assert button["form"] == "papers"
        assert button["formaction"] == f"{base}/giay-to/{code}" == button["hx-post"]
        # htmx sends this row's file alone (hx-params), and swaps this row.
        assert button["hx-params"] == f"csrf_token,file-{code}"
        assert button["hx-target"] == f"#doc-{code}"


# --- 413 ------------------------------------------------------------------------------------


def test_413_on_the_step_itself_leads_back_to_the_step(app, client, citizen, procedure) -> None:  # type: ignore[no-untyped-def]
    """Several big photos chosen without JavaScript, then "Lưu và tiếp tục"."""
    login(client, citizen)
    base = draft_at_papers(client, procedure)
    half = app.config["MAX_CONTENT_LENGTH"] // 2 + 10
    codes = [d.code for d in procedure.documents][:2]
    data = {f"file-{c}": (io.BytesIO(b"\xff\xd8" + b"1" * half), f"{c}.jpg") for c in codes}

    response = client.post(f"{base}/giay-to", data=data, content_type="multipart/form-data")

    assert response.status_code == 413
    page = soup(response)
    assert "Mỗi tệp tối đa 200 KB, mỗi lần gửi tối đa 712 KB" in page.get_text(" ", strip=True)
    back = page.find("a", string="Quay lại bước Giấy tờ kèm theo")
    assert back is not None and back["href"] == f"{base}/giay-to"
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


@pytest.mark.parametrize(
    ("referrer", "link"),
    [
        ("http://localhost/ho-so-cua-toi?trang=2", "/ho-so-cua-toi?trang=2"),
        ("https://evil.example/ho-so-cua-toi", None),
        ("http://localhost//evil.example/x", None),
        ("javascript:alert(1)", None),
    ],
)
def test_413_outside_the_papers_step_leads_back_only_within_this_site(
    app, client, citizen, procedure, referrer, link
) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    huge = b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        f"/thu-tuc/{procedure.code}/nop-ho-so",
        data={"file": (io.BytesIO(huge), "a.pdf")},
        content_type="multipart/form-data",
        headers={"Referer": referrer},
    )
    assert response.status_code == 413
    page = soup(response)
    back = page.find("a", string="Quay lại trang trước")
    assert (back["href"] if back else None) == link
    assert page.find("a", string="Về trang chủ") is not None


def test_htmx_upload_beyond_the_body_limit_gets_a_small_message(
    app, client, citizen, procedure
) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    base = draft_at_papers(client, procedure)
    code = papers(procedure)[0]
    huge = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        f"{base}/giay-to/{code}",
        data={f"file-{code}": (io.BytesIO(huge), "scan.pdf")},
        content_type="multipart/form-data",
        headers=HTMX,
    )
    # htmx swaps no 413 (base.html's htmx-config): app.js reads [data-error-message] and puts
    # it in the paper's row.
    assert response.status_code == 413
    assert "<html" not in response.text and len(response.data) < 1024
    message = soup(response).select_one("[data-error-message]").get_text(" ", strip=True)
    assert message.startswith("Tệp quá lớn.")
    assert "Mỗi tệp tối đa 200 KB" in message
    assert "HX-Request" in response.headers["Vary"]


def test_other_htmx_errors_answer_a_fragment_with_their_message(client, citizen) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    response = client.get("/ho-so/999999/giay-to", headers=HTMX)
    assert response.status_code == 404
    assert "<html" not in response.text
    message = soup(response).select_one("[data-error-message]").get_text(" ", strip=True)
    assert message.startswith("Không tìm thấy trang.")
    plain = client.get("/ho-so/999999/giay-to")
    assert plain.status_code == 404 and "<html" in plain.text
    assert soup(plain).select_one("[data-error-message]") is not None  # read by app.js too
