"""Photos shrink before they travel, in Debian's Chromium (see test_browser.py for how it runs).

A 4000 × 3000 phone photo of 3–4 MB (noise on a gradient, so it does not compress well) is
chosen and "Tải lên" tapped at once: the request waits for the shrink and carries about 150 KB.
Photos chosen in two rows go up with "Lưu và tiếp tục". A PDF over the limit is stopped with
the limit in Vietnamese before any request, and a 413 or a lost connection (from a proxy,
faked with Playwright's routing) is said in the paper's row.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from e2e.test_browser import app_config as browser_config  # noqa: F401
from e2e.test_browser import browser, new_page, read, serving  # noqa: F401
from helpers import PASSWORD, sample_answers
from PIL import Image
from playwright.sync_api import expect

from app.dossiers.models import Attachment, Dossier
from app.dossiers.operations.drafts import save_answers, save_applicant, start_application
from app.extensions import db

pytestmark = pytest.mark.e2e

LIMIT = 1024 * 1024  # 1 MB: the phone photo is over it, so only its shrunk copy can pass
SENT_BUDGET = 150 * 1024 + 2048  # the photo plus the multipart envelope and the CSRF token


@pytest.fixture
def app_config(browser_config):  # type: ignore[no-untyped-def]  # noqa: F811
    return {**browser_config, "UPLOAD_MAX_BYTES": LIMIT, "MAX_CONTENT_LENGTH": LIMIT + 512 * 1024}


@pytest.fixture(scope="module")
def phone_photo(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    size = (4000, 3000)
    gradient = Image.linear_gradient("L").resize(size)
    scene = Image.merge("RGB", [gradient, gradient.rotate(90), Image.new("L", size, 140)])
    photo = Image.blend(scene, Image.effect_noise(size, 24).convert("RGB"), 0.35)
    path = tmp_path_factory.mktemp("phone") / "IMG_20260312_081512.jpg"
    photo.save(path, "JPEG", quality=88)
    assert 3 * 1024 * 1024 <= path.stat().st_size <= 4.5 * 1024 * 1024, path.stat().st_size
    return path


@pytest.fixture
def papers_page(browser, live_server, make_user, procedure):  # type: ignore[no-untyped-def]  # noqa: F811
    """A citizen signed in with JavaScript on, at the papers step of a fresh draft."""
    user = make_user()
    dossier = start_application(user, procedure, "photos-1")
    db.session.flush()
    applicant = {"phone": user.phone, "email": "", "commune": "17329", "village": "Bản Huồi Tụ"}
    save_applicant(dossier, {**applicant, "street": ""})
    save_answers(dossier, sample_answers(procedure))
    db.session.commit()
    context, page = new_page(browser, live_server, javascript=True)
    page.goto("/dang-nhap")
    page.fill("#phone", user.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/ho-so-cua-toi$"))
    page.goto(f"/ho-so/{dossier.id}/giay-to")
    page.locator("main h1", has_text="Giấy tờ kèm theo").wait_for()
    yield page, dossier.id, [d.code for d in procedure.documents]
    context.close()


class Bodies:
    """WSGI wrapper: the path and the Content-Length of every POST, as the server receives it
    (Playwright does not report the body of a multipart request with files)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.posts: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            self.posts.append({"path": environ["PATH_INFO"], "bytes": size})
        return self.app(environ, start_response)


@pytest.fixture
def bodies(app) -> Bodies:  # type: ignore[no-untyped-def]
    return Bodies(app)


@pytest.fixture
def live_server(backend: str, bodies: Bodies):  # type: ignore[no-untyped-def]
    with serving(bodies, backend) as url:
        yield url


def posts(page, bodies: Bodies) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Every POST from now on, and a phone's slow CPU: each JPEG encode of the shrink
    answers 1.5 s late, so a tap right after choosing a photo comes before the shrink ends."""
    page.evaluate(
        """() => {
            const toBlob = HTMLCanvasElement.prototype.toBlob;
            HTMLCanvasElement.prototype.toBlob = function (done, ...rest) {
                toBlob.call(this, (blob) => setTimeout(() => done(blob), 1500), ...rest);
            };
        }"""
    )
    bodies.posts.clear()
    return bodies.posts


def attachments(dossier_id: int) -> list[Attachment]:
    return read(db.select(Attachment).filter_by(dossier_id=dossier_id).order_by(Attachment.id))


def test_a_phone_photo_tapped_at_once_goes_up_shrunk(papers_page, phone_photo, bodies) -> None:  # type: ignore[no-untyped-def]
    page, dossier_id, codes = papers_page
    sent = posts(page, bodies)
    row = page.locator(f"#doc-{codes[0]}")

    page.set_input_files(f"#file-{codes[0]}", str(phone_photo))
    status = row.locator(".upload-status")
    expect(status).to_have_text("Đang thu nhỏ ảnh…")
    row.get_by_role("button", name="Tải lên").click()  # before the shrink has finished
    expect(status).to_have_text("Đang thu nhỏ ảnh… sẽ gửi ngay khi xong.")
    row.locator('a[href*="/tep/"]').wait_for()

    assert [s["path"] for s in sent] == [f"/ho-so/{dossier_id}/giay-to/{codes[0]}"]
    assert sent[0]["bytes"] <= SENT_BUDGET, sent
    (stored,) = attachments(dossier_id)
    assert stored.media_type == "image/jpeg" and stored.document_code == codes[0]
    assert stored.original_name == "IMG_20260312_081512.jpg"
    served = page.context.request.get(f"/ho-so/{dossier_id}/tep/{stored.id}")
    assert served.status == 200
    assert max(Image.open(io.BytesIO(served.body())).size) <= 1600


def test_photos_chosen_in_two_rows_go_up_with_save_and_continue(
    papers_page, phone_photo, bodies
) -> None:  # type: ignore[no-untyped-def]
    page, dossier_id, codes = papers_page
    sent = posts(page, bodies)
    first, second = codes[:2]
    for code in (first, second):
        page.set_input_files(f"#file-{code}", str(phone_photo))
    expect(page.locator(f"#doc-{first} .upload-status")).to_have_text("Đang thu nhỏ ảnh…")

    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.locator("main h1", has_text="Gửi hồ sơ và nhận kết quả").wait_for()

    step_posts = [s for s in sent if s["path"] == f"/ho-so/{dossier_id}/giay-to"]
    assert len(step_posts) == 1, sent
    assert step_posts[0]["bytes"] <= 2 * SENT_BUDGET, sent
    assert sorted(a.document_code for a in attachments(dossier_id)) == sorted([first, second])


def test_a_pdf_over_the_limit_is_stopped_before_any_request(papers_page, tmp_path, bodies) -> None:  # type: ignore[no-untyped-def]
    page, dossier_id, codes = papers_page
    sent = posts(page, bodies)
    pdf = tmp_path / "so-ho-khau.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * (LIMIT + 200 * 1024) + b"\n%%EOF\n")

    page.set_input_files(f"#file-{codes[0]}", str(pdf))

    status = page.locator(f"#doc-{codes[0]} .upload-status")
    expect(status).to_contain_text("quá mức cho phép: mỗi tệp tối đa 1 MB")
    expect(status).to_have_attribute("role", "alert")
    assert page.eval_on_selector(f"#file-{codes[0]}", "input => input.files.length") == 0
    page.get_by_role("button", name="Lưu và tiếp tục").click()  # the PDF is not in it
    page.locator("#error-summary").wait_for()
    assert all(s["bytes"] < 4096 for s in sent), sent
    assert attachments(dossier_id) == []


@pytest.mark.parametrize("failure", ["413 from a proxy", "connection lost"])
def test_an_upload_that_fails_says_so_in_its_row(papers_page, phone_photo, failure) -> None:  # type: ignore[no-untyped-def]
    page, dossier_id, codes = papers_page
    upload_url = re.compile(rf"/ho-so/{dossier_id}/giay-to/{codes[0]}$")
    if failure == "connection lost":
        page.route(upload_url, lambda route: route.abort("internetdisconnected"))
        expected = "mất kết nối mạng"
    else:
        nginx = "<html><head><title>413 Request Entity Too Large</title></head><body></body></html>"
        page.route(
            upload_url,
            lambda route: route.fulfill(status=413, body=nginx, content_type="text/html"),
        )
        expected = "Tệp quá lớn. Mỗi tệp tối đa 1 MB."
    row = page.locator(f"#doc-{codes[0]}")
    page.set_input_files(f"#file-{codes[0]}", str(phone_photo))
    row.get_by_role("button", name="Tải lên").click()

    message = row.locator("[data-htmx-error]")
    expect(message).to_contain_text(expected)
    expect(message).to_have_attribute("role", "alert")
    expect(page.locator("form#papers")).not_to_have_class(re.compile("htmx-request"))
    expect(row.get_by_role("button", name="Tải lên")).to_be_enabled()
    assert read(db.select(Dossier).filter_by(id=dossier_id))[0].attachments == []
