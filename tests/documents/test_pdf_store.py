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
from app.documents import leases, prerender, store
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


# --- the store on its own, on disk and in a bucket -----------------------------------------


@pytest.fixture
def pdfs(blobs, tmp_path) -> PdfStore:  # type: ignore[no-untyped-def]
    """A store of either backend (tests/gateways/fixtures.py), its lock files in tmp_path."""
    return PdfStore(blobs, tmp_path / "locks")


def stored_names(pdfs: PdfStore) -> list[str]:
    return [entry.key for entry in pdfs.blobs.entries()]


def test_the_store_renders_once_and_reads_after(pdfs):
    key = document_key(PAGE)
    before = store.render_count()
    first = pdfs.get_or_render(key, a_pdf)
    second = pdfs.get_or_render(key, a_pdf)
    assert store.render_count() - before == 1
    assert first == second and first.startswith(b"%PDF-")
    assert first.version == second.version == key
    assert pdfs.blobs.get(PdfStore.name(key)) == first
    # One file, no temporary file left, no lease left.
    assert stored_names(pdfs) == [f"{key[:2]}/{key}.pdf"]


def test_the_local_store_keeps_todays_paths(tmp_path):
    pdfs = PdfStore(tmp_path)
    key = document_key(PAGE)
    pdf = pdfs.get_or_render(key, a_pdf)
    assert (tmp_path / key[:2] / f"{key}.pdf").read_bytes() == pdf
    assert (tmp_path / ".locks" / f"{key[:2]}.lock").exists()


def test_a_damaged_file_is_rendered_again(pdfs):
    key = document_key(PAGE)
    whole = pdfs.get_or_render(key, a_pdf)
    pdfs.blobs.put(PdfStore.name(key), whole[: len(whole) // 2])  # a disk that lost the end
    before = store.render_count()
    assert pdfs.get_or_render(key, a_pdf) == whole
    assert store.render_count() - before == 1
    assert pdfs.read(key) == whole


def test_a_key_that_is_not_a_version_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Not a document key"):
        PdfStore(tmp_path).path("../../etc/passwd")
    with pytest.raises(ValueError, match="Not a document key"):
        PdfStore.name("../../etc/passwd")


def _download_all_at_once(stores: list[PdfStore], key: str, wait: float = 0.2) -> list[bytes]:
    """One thread per store, started together, each asking for ``key``; the first render
    sleeps ``wait`` so the others arrive while it runs."""
    start = threading.Barrier(len(stores))
    results: list[bytes] = []
    errors: list[BaseException] = []

    def slow_render() -> bytes:
        time.sleep(wait)
        return a_pdf()

    def download(pdfs: PdfStore) -> None:
        try:
            start.wait()
            results.append(pdfs.get_or_render(key, slow_render))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=download, args=(pdfs,)) for pdfs in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_concurrent_first_requests_render_once(pdfs):
    key = document_key("concurrent", PAGE)
    before = store.render_count()
    results = _download_all_at_once([pdfs] * 6, key)
    assert store.render_count() - before == 1
    assert len(results) == 6 and len(set(results)) == 1


def test_machines_sharing_a_bucket_render_once(bucket, tmp_path):
    """Three machines (each its own lock directory, so file locks do not meet) with two
    threads each: the lease object in the bucket lets one render."""
    machines = [PdfStore(bucket, tmp_path / f"machine-{n}" / "locks") for n in range(3)]
    key = document_key("machines", PAGE)
    before = store.render_count()
    results = _download_all_at_once(machines * 2, key, wait=0.5)
    assert store.render_count() - before == 1
    assert len(results) == 6 and len(set(results)) == 1
    assert stored_names(machines[0]) == [PdfStore.name(key)]  # the lease is gone


def test_a_lease_left_by_a_stopped_machine_delays_but_does_not_block(bucket, tmp_path, monkeypatch):
    monkeypatch.setattr(leases, "WAIT_SECONDS", 0.5)
    pdfs = PdfStore(bucket, tmp_path / "locks")
    key = document_key("orphan", PAGE)
    bucket.put(leases.LEASES + PdfStore.name(key), b"a machine that was switched off")
    before = store.render_count()
    started = time.monotonic()
    assert pdfs.get_or_render(key, a_pdf).startswith(b"%PDF-")
    assert 0.5 <= time.monotonic() - started < 10
    assert store.render_count() - before == 1
    assert pdfs.read(key) is not None
    # A day later `flask documents prune` takes the orphan lease away, and keeps the paper.
    assert pdfs.prune(30 * 86400, time.time() + 86400) == (0, 0)
    assert stored_names(pdfs) == [PdfStore.name(key)]


def test_the_first_version_written_wins_in_a_bucket(pdfs):
    """Two machines that rendered one paper at once (a lease given up on): both serve the
    bytes stored first, so one ETag is always one file."""
    key = document_key("twice", PAGE)
    first, second = a_pdf("<p>Bản một</p>"), a_pdf("<p>Bản hai</p>")
    assert pdfs.write(key, first) == first
    if pdfs.blobs.shared:
        assert pdfs.write(key, second) == first
        assert pdfs.read(key) == first
    else:  # one machine's directory: its file lock serialises writers, the last one stays
        assert pdfs.write(key, second) == second


def _download_in_a_process(pdfs: PdfStore, key: str, pdf: bytes, marker: str, start) -> None:  # type: ignore[no-untyped-def]
    def render() -> bytes:
        with open(marker, "a") as log:
            log.write(f"{os.getpid()}\n")
        time.sleep(0.3)  # the other processes arrive meanwhile
        return pdf

    start.wait()
    assert pdfs.get_or_render(key, render) == pdf


def test_concurrent_first_requests_from_several_processes_render_once(pdfs, tmp_path):
    """gunicorn's workers are processes: the lock is a file lock, not a thread lock."""
    context = multiprocessing.get_context("fork")
    pdf, key, marker = a_pdf(), document_key("processes", PAGE), tmp_path / "renders.log"
    start = context.Barrier(3)
    workers = [
        context.Process(target=_download_in_a_process, args=(pdfs, key, pdf, str(marker), start))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert len(marker.read_text().split()) == 1  # one process rendered, two read the file
    assert pdfs.read(key) == pdf


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


def test_prune_removes_old_papers_and_keeps_recent_ones(pdfs):
    old, recent = document_key("old"), document_key("recent")
    pdfs.write(old, a_pdf("<p>Cũ</p>"))
    time.sleep(2.1)  # S3 keeps whole seconds, and no file time can be set back there
    pdfs.write(recent, a_pdf("<p>Mới</p>"))
    removed, freed = pdfs.prune(1.5, time.time())
    assert removed == 1 and freed > 0
    assert pdfs.read(old) is None and pdfs.read(recent) is not None


def test_prune_on_disk_goes_by_the_last_read(tmp_path):
    """A file system keeps when a file was read: a paper read lately stays however old."""
    pdfs = PdfStore(tmp_path)
    old, read = document_key("old"), document_key("read lately")
    pdfs.write(old, a_pdf("<p>Cũ</p>"))
    pdfs.write(read, a_pdf("<p>Đọc gần đây</p>"))
    month_ago = time.time() - 31 * 86400
    os.utime(pdfs.path(old), (month_ago, month_ago))
    os.utime(pdfs.path(read), (time.time(), month_ago))
    assert pdfs.prune(30 * 86400, time.time())[0] == 1
    assert not pdfs.path(old).exists() and pdfs.path(read).exists()


def test_flask_documents_prune(app, object_storage):
    papers = store.from_config(app.config)
    assert papers is not None
    gone = document_key("gone")
    papers.write(gone, a_pdf())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "prune", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "0 stored paper(s) removed" in result.output
    assert papers.read(gone) is not None
    result = runner.invoke(args=["documents", "prune", "--days", "0"])
    assert "1 stored paper(s) removed" in result.output, result.output
    assert papers.read(gone) is None
    assert ("S3Storage" in result.output) == (object_storage == "s3")


# --- papers that print the same thing are the same file -------------------------------------


def stored_papers(app) -> list[str]:  # type: ignore[no-untyped-def]
    papers = store.from_config(app.config)
    return [e.key for e in papers.blobs.entries() if e.key.endswith(".pdf")] if papers else []


def test_the_version_follows_what_is_printed(app, object_storage):
    first = render_receipt(receipt())
    again = render_receipt(receipt())
    moved = render_receipt(receipt(applicant_address="Khối 3, xã Mường Xén, tỉnh Nghệ An"))
    assert first.version == again.version
    assert moved.version != first.version and moved != first
    assert len(stored_papers(app)) == 2


def test_without_a_store_every_call_renders(app):
    app.config["PDF_CACHE_DIR"] = ""
    before = store.render_count()
    render_receipt(receipt())
    render_receipt(receipt())
    assert store.render_count() - before == 2


# --- the citizen's download ----------------------------------------------------------------


def test_the_second_download_is_a_file_read_with_an_etag(object_storage, client, submitted):
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


def test_if_none_match_answers_304_without_a_body(object_storage, client, submitted):
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


def test_the_receipt_is_rendered_at_submission_off_the_request(
    app, object_storage, client, owner, procedure
):
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
    (stored,) = stored_papers(app)
    download = client.get(f"{base}/giay-tiep-nhan.pdf")
    assert download.status_code == 200
    assert store.render_count() - before == 1  # the download was a file read
    assert download.data == store.from_config(app.config).blobs.get(stored)
    if object_storage == "s3":  # nothing but the lock files on this machine's disk
        assert not list(Path(app.config["PDF_CACHE_DIR"]).glob("??/*.pdf"))
