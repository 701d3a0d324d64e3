"""A citizen's files through the web, the same on disk and in an S3 bucket (STORAGE_BACKEND=s3,
moto's S3 server in its own process): a photo sent from the journey's papers step is stored and
served back streamed with its hash as ETag (304 without touching the storage), removed with
its row, and the result downloaded; on disk at today's paths, in the bucket under the prefix."""

from __future__ import annotations

import io
import socket
from pathlib import Path

from gateways.fixtures import s3_settings
from helpers import fill_draft, jpeg_bytes, login
from PIL import Image

from app.core import storage
from app.dossiers.models import Attachment, Dossier
from app.dossiers.operations.attachments import add_attachment, uploads
from app.dossiers.statuses import DossierStatus
from app.dossiers.uploads import process_upload
from app.extensions import db


def _start(client, procedure) -> str:  # type: ignore[no-untyped-def]
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": "s3"})
    assert response.status_code == 303, response.text
    return response.location.rsplit("/", 1)[0]


def _attachments(base: str) -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.get(Dossier, int(base.rsplit("/", 1)[1])).attachments)


def _scan_code(procedure) -> str:  # type: ignore[no-untyped-def]
    return next(d.code for d in procedure.documents if d.scan_required)


def _on_disk(app) -> list[str]:  # type: ignore[no-untyped-def]
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_photo_from_the_papers_step_is_stored_and_served_back(
    app, object_storage, client, citizen, procedure
):
    login(client, citizen)
    base = _start(client, procedure)
    photo = jpeg_bytes(3000, 2000)  # a phone's photo: scaled down to 1600 px before storing
    response = client.post(
        f"{base}/giay-to/{_scan_code(procedure)}",
        data={"file": (io.BytesIO(photo), "Giấy chứng sinh – mặt trước.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.text
    (attachment,) = _attachments(base)
    stored = uploads().get(attachment.storage_key)
    assert stored is not None and len(stored) == attachment.size
    if object_storage == "local":
        assert _on_disk(app) == [attachment.storage_key]  # UPLOAD_DIR/<dossier>/<hash>.jpg
    else:
        assert _on_disk(app) == []  # nothing on this machine's disk
        assert isinstance(uploads(), storage.S3Storage)
        assert uploads().prefix == app.config["S3_PREFIX"] + "uploads/"  # type: ignore[attr-defined]

    url = f"/ho-so/{attachment.dossier_id}/tep/{attachment.id}"
    served = client.get(url)
    assert served.status_code == 200
    assert served.data == stored and served.mimetype == "image/jpeg"
    assert served.content_length == attachment.size
    assert served.get_etag() == (attachment.sha256, False)
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert "filename*=UTF-8''Gi%E1%BA%A5y" in served.headers["Content-Disposition"]
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (1600, 1067)

    unchanged = client.get(url, headers={"If-None-Match": f'"{attachment.sha256}"'})
    assert unchanged.status_code == 304 and unchanged.data == b""
    other = client.get(url, headers={"If-None-Match": '"0000"'})
    assert other.status_code == 200 and other.data == stored


def test_a_removed_file_leaves_the_storage(app, object_storage, client, citizen, procedure):
    login(client, citizen)
    base = _start(client, procedure)
    code = _scan_code(procedure)
    for name, size in (("ảnh 1.jpg", (1200, 900)), ("ảnh 2.jpg", (900, 1200))):
        response = client.post(
            f"{base}/giay-to/{code}",
            data={"file": (io.BytesIO(jpeg_bytes(*size)), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 303, response.text
    first, second = _attachments(base)
    response = client.post(f"/ho-so/{first.dossier_id}/tep/{first.id}/xoa")
    assert response.status_code == 303, response.text
    assert uploads().get(first.storage_key) is None
    assert uploads().get(second.storage_key) is not None
    assert client.get(f"/ho-so/{first.dossier_id}/tep/{first.id}").status_code == 404
    assert client.get(f"/ho-so/{second.dossier_id}/tep/{second.id}").status_code == 200


def test_a_file_missing_from_the_storage_answers_404(
    app, object_storage, client, citizen, procedure
):
    login(client, citizen)
    base = fill_draft(client, procedure)
    (attachment,) = _attachments(base)
    uploads().delete(attachment.storage_key)  # e.g. restored database, older bucket
    assert client.get(f"/ho-so/{attachment.dossier_id}/tep/{attachment.id}").status_code == 404


def test_the_result_is_downloaded_from_the_storage(app, object_storage, client, citizen, procedure):
    login(client, citizen)
    base = fill_draft(client, procedure)
    assert client.post(f"{base}/nop", data={"declaration": "1"}).status_code == 303
    dossier = db.session.get(Dossier, int(base.rsplit("/", 1)[1]))
    result = process_upload(_one_page_pdf(), max_bytes=5_000_000)
    attachment = add_attachment(dossier, "ket-qua", "Trích lục khai sinh.pdf", result, citizen)
    attachment.kind = "result"
    dossier.status = DossierStatus.RESULT_READY
    db.session.commit()
    download = client.get(f"/ho-so/{dossier.id}/ket-qua")
    assert download.status_code == 200
    assert download.data == result.data and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert f"ket-qua-{dossier.code}.pdf" in download.headers["Content-Disposition"]
    assert download.get_etag() == (result.sha256, False)


def _one_page_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def test_an_unreachable_bucket_answers_503_and_keeps_no_row(
    app, s3_server, client, citizen, procedure, caplog
):
    """The S3 server is down: the upload is answered "try again in a few minutes" (503), its
    transaction rolled back, and the log says what failed without any request header."""
    login(client, citizen)
    base = _start(client, procedure)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app.config.update(s3_settings(s3_server), S3_ENDPOINT_URL=f"http://127.0.0.1:{closed}")
    response = client.post(
        f"{base}/giay-to/{_scan_code(procedure)}",
        data={"file": (io.BytesIO(jpeg_bytes()), "anh.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 503
    assert "Dịch vụ tạm thời gián đoạn" in response.text
    assert _attachments(base) == []
    assert "S3 put failed (EndpointConnectionError)" in caplog.text
    assert "Authorization" not in caplog.text
