"""Printed papers rendered once per state (issue 14): app/documents/store.py, the receipt's
download (ETag, 304, a new version when something printed changes), concurrent first requests,
pre-rendering at submission, and `flask documents prune`."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import fill_draft, login
from weasyprint import HTML

from app.core import clock
from app.core.metrics import REGISTRY
from app.documents import prerender, store
from app.documents.receipt import ReceiptDocument, ReceiptDocumentLine, render_receipt
from app.documents.store import PdfStore, document_key
from app.extensions import db

PAGE = "<p>Giấy tiếp nhận hồ sơ – Nguyễn Thị Hường, xã Mường Xén</p>"


def a_pdf(text: str = PAGE) -> bytes:
    return HTML(string=text).write_pdf()


def receipt(**changes: object) -> ReceiptDocument:
    values: dict[str, object] = {
        "issuing_body_parent": "UBND TỈNH NGHỆ AN",
        "issuing_body": "Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
        "number": "0118/TN",
        "place": "Nghệ An",
        "issued_at": datetime(2026, 11, 23, 9, 5),
        "dossier_code": "000.00.15.H40-261123-0118",
        "receiving_unit": "Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
        "applicant_name": "Lò Thị Xuân",
        "applicant_address": "Bản Huồi Tụ, xã Mường Xén, tỉnh Nghệ An",
        "applicant_phone_masked": "091****678",
        "applicant_email": "xuan.lo@example.vn",
        "applicant_id_masked": "********0123",
        "procedure_name": "Đăng ký khai sinh",
        "procedure_code": "1.001193.000.00.00.H40",
        "documents": (ReceiptDocumentLine("Giấy chứng sinh", "Bản chính", 1),),
        "number_of_sets": 1,
        "processing_days": 0,
        "received_at": datetime(2026, 11, 23, 9, 5),
        "appointment_at": date(2026, 11, 23),
        "return_channel_label": "Qua dịch vụ bưu chính công ích",
        "return_address": "Bản Huồi Tụ, xã Mường Xén, tỉnh Nghệ An",
        "register_book": "Sổ theo dõi hồ sơ năm 2026",
        "register_number": 118,
        "receiver_name": "Hệ thống tiếp nhận hồ sơ trực tuyến",
        "lookup_url": "https://dichvucong.nghean.gov.vn/tra-cuu/000.00.15.H40-261123-0118",
        "provisional": True,
    }
    values.update(changes)
    return ReceiptDocument(**values)  # type: ignore[arg-type]


# --- the pure key --------------------------------------------------------------------------


def test_the_key_is_stable_and_separates_its_parts():
    key = document_key("fingerprint", "fitting(0, 1, 2)", "pdf/receipt_01.html", PAGE)
    assert key == document_key("fingerprint", "fitting(0, 1, 2)", "pdf/receipt_01.html", PAGE)
    assert len(key) == 32 and int(key, 16) >= 0
    assert document_key("ab", "c") != document_key("a", "bc")
    assert key != document_key("fingerprint", "fitting(0, 1, 2)", "pdf/receipt_01.html", PAGE + " ")
    assert key != document_key("fingerprint", "thermal", "pdf/receipt_01.html", PAGE)


# --- the store on its own ------------------------------------------------------------------


def test_the_store_renders_once_and_reads_after(tmp_path):
    pdfs = PdfStore(tmp_path / "papers")
    key = document_key(PAGE)
    before = store.render_count()
    first = pdfs.get_or_render(key, a_pdf)
    second = pdfs.get_or_render(key, a_pdf)
    assert store.render_count() - before == 1
    assert first == second and first.startswith(b"%PDF-")
    assert first.version == second.version == key
    assert pdfs.path(key).read_bytes() == first
    assert not list(pdfs.path(key).parent.glob(".tmp-*"))  # the temporary file was renamed


def test_a_damaged_file_is_rendered_again(tmp_path):
    pdfs = PdfStore(tmp_path)
    key = document_key(PAGE)
    whole = pdfs.get_or_render(key, a_pdf)
    pdfs.path(key).write_bytes(whole[: len(whole) // 2])  # a disk that lost the end
    before = store.render_count()
    assert pdfs.get_or_render(key, a_pdf) == whole
    assert store.render_count() - before == 1


def test_a_key_that_is_not_a_version_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Not a document key"):
        PdfStore(tmp_path).path("../../etc/passwd")


def test_concurrent_first_requests_render_once(tmp_path):
    pdfs = PdfStore(tmp_path)
    key = document_key("concurrent", PAGE)
    start = threading.Barrier(6)
    results: list[bytes] = []

    def slow_render() -> bytes:
        time.sleep(0.2)  # the others arrive while this render runs
        return a_pdf()

    def download() -> None:
        start.wait()
        results.append(pdfs.get_or_render(key, slow_render))

    before = store.render_count()
    threads = [threading.Thread(target=download) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.render_count() - before == 1
    assert len(results) == 6 and len(set(results)) == 1


def _download_in_a_process(root: str, key: str, pdf: bytes, marker: str, start) -> None:  # type: ignore[no-untyped-def]
    def render() -> bytes:
        with open(marker, "a") as log:
            log.write(f"{os.getpid()}\n")
        time.sleep(0.3)  # the other processes arrive meanwhile
        return pdf

    start.wait()
    assert PdfStore(root).get_or_render(key, render) == pdf


def test_concurrent_first_requests_from_several_processes_render_once(tmp_path):
    """gunicorn's workers are processes: the lock is a file lock, not a thread lock."""
    context = multiprocessing.get_context("fork")
    pdf, key, marker = a_pdf(), document_key("processes", PAGE), tmp_path / "renders.log"
    start = context.Barrier(3)
    workers = [
        context.Process(
            target=_download_in_a_process,
            args=(str(tmp_path / "papers"), key, pdf, str(marker), start),
        )
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert len(marker.read_text().split()) == 1  # one process rendered, two read the file
    assert PdfStore(tmp_path / "papers").read(key) == pdf


def test_concurrent_receipt_renders_render_once(app, tmp_path):
    """The whole path of pdf.py (Jinja, version, lock, WeasyPrint) from six threads."""
    app.config["PDF_CACHE_DIR"] = str(tmp_path / "papers")
    doc = receipt()
    start = threading.Barrier(4)
    results: list[bytes] = []
    errors: list[BaseException] = []

    def download() -> None:
        try:
            with app.app_context():
                start.wait()
                results.append(render_receipt(doc))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    before = store.render_count()
    threads = [threading.Thread(target=download) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.render_count() - before == 1
    assert len(set(results)) == 1 and results[0].startswith(b"%PDF-")


def test_prune_removes_old_papers_and_keeps_recent_ones(tmp_path):
    pdfs = PdfStore(tmp_path)
    old, recent = document_key("old"), document_key("recent")
    pdfs.write(old, a_pdf("<p>Cũ</p>"))
    pdfs.write(recent, a_pdf("<p>Mới</p>"))
    month_ago = time.time() - 31 * 86400
    os.utime(pdfs.path(old), (month_ago, month_ago))
    removed, freed = pdfs.prune(30 * 86400, time.time())
    assert removed == 1 and freed > 0
    assert not pdfs.path(old).exists() and pdfs.path(recent).exists()


def test_flask_documents_prune(app, tmp_path):
    app.config["PDF_CACHE_DIR"] = str(tmp_path)
    pdfs = PdfStore(tmp_path)
    key = document_key("stale")
    pdfs.write(key, a_pdf())
    stale = time.time() - 40 * 86400
    os.utime(pdfs.path(key), (stale, stale))
    result = app.test_cli_runner().invoke(args=["documents", "prune", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "1 stored paper(s) removed" in result.output
    assert not pdfs.path(key).exists()


# --- papers that print the same thing are the same file -------------------------------------


def test_the_version_follows_what_is_printed(app, tmp_path):
    app.config["PDF_CACHE_DIR"] = str(tmp_path)
    first = render_receipt(receipt())
    again = render_receipt(receipt())
    moved = render_receipt(receipt(applicant_address="Khối 3, xã Mường Xén, tỉnh Nghệ An"))
    assert first.version == again.version
    assert moved.version != first.version and moved != first
    assert len(list(Path(tmp_path).glob("??/*.pdf"))) == 2


def test_without_a_store_every_call_renders(app):
    app.config["PDF_CACHE_DIR"] = ""
    before = store.render_count()
    render_receipt(receipt())
    render_receipt(receipt())
    assert store.render_count() - before == 2


# --- the citizen's download ----------------------------------------------------------------


def test_the_second_download_is_a_file_read_with_an_etag(client, submitted):
    url = f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf"
    before = store.render_count()
    first = client.get(url)
    assert first.status_code == 200 and first.data.startswith(b"%PDF-")
    etag, weak = first.get_etag()
    assert etag and not weak
    second = client.get(url)
    assert store.render_count() - before == 1
    assert second.data == first.data and second.get_etag() == (etag, False)
    # Still never kept by a shared browser: personal data.
    assert "no-store" in second.headers["Cache-Control"]


def test_each_render_is_counted_in_the_metrics_and_a_stored_download_is_not(client, submitted):
    url = f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf"
    sample = ("motcua_pdf_render_seconds_count", {"kind": "receipt_01"})

    def renders() -> float:
        return REGISTRY.get_sample_value(*sample) or 0.0

    before = renders()
    assert client.get(url).status_code == 200
    assert renders() - before == 1
    assert client.get(url).status_code == 200
    assert renders() - before == 1


def test_if_none_match_answers_304_without_a_body(client, submitted):
    url = f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf"
    etag = client.get(url).get_etag()[0]
    before = store.render_count()
    unchanged = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert unchanged.status_code == 304 and unchanged.data == b""
    other = client.get(url, headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert other.status_code == 200 and other.data.startswith(b"%PDF-")
    assert store.render_count() == before


def test_an_edited_dossier_prints_a_new_version(client, submitted):
    url = f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf"
    first = client.get(url)
    submitted.address_street = "Số 27 đường Nguyễn Du"
    db.session.commit()
    before = store.render_count()
    edited = client.get(url)
    assert store.render_count() - before == 1
    assert edited.get_etag()[0] != first.get_etag()[0]
    assert edited.data != first.data
    stale = client.get(url, headers={"If-None-Match": f'"{first.get_etag()[0]}"'})
    assert stale.status_code == 200  # the old version is no longer the current one


def test_someone_elses_stored_receipt_is_still_404(app, client, submitted, make_user):
    url = f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf"
    etag = client.get(url).get_etag()[0]
    stranger = app.test_client()
    login(stranger, make_user(full_name="Hà Văn Sáng", id_number="040190777888"))
    before = store.render_count()
    assert stranger.get(url).status_code == 404
    assert stranger.get(url, headers={"If-None-Match": f'"{etag}"'}).status_code == 404
    assert store.render_count() == before


def test_the_receipt_is_rendered_at_submission_off_the_request(app, client, owner, procedure):
    app.config["PDF_PRERENDER_WORKERS"] = 1
    clock.freeze(datetime(2026, 11, 23, 9, 5))
    login(client, owner)
    base = fill_draft(client, procedure)
    before = store.render_count()
    response = client.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 303
    assert store.render_count() == before  # not in the request
    response.close()  # what the WSGI server does once the response is sent
    prerender.wait(timeout=60)
    assert store.render_count() - before == 1  # rendered once, by the pool
    stored = list(Path(app.config["PDF_CACHE_DIR"]).glob("??/*.pdf"))
    assert len(stored) == 1
    download = client.get(f"{base}/giay-tiep-nhan.pdf")
    assert download.status_code == 200
    assert store.render_count() - before == 1  # the download was a file read
    assert download.data == stored[0].read_bytes()
