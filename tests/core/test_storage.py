"""The storage interface (app/core/storage.py), the same behaviour on disk and in an S3 bucket
(moto's S3 server in its own process, tests/gateways/s3_server.py), and its configuration."""

from __future__ import annotations

import logging

import pytest
from gateways import s3_server as s3

from app import create_app
from app.core import logs, storage
from app.core.storage import LocalStorage, S3Storage

PHOTO = "12/3f1e0c9a2b7d4e56-0a1b2c3d.jpg"


def test_a_file_is_stored_read_streamed_listed_and_deleted(blobs):
    data = "Giấy khai sinh – bản sao".encode() * 1000
    assert blobs.get(PHOTO) is None and blobs.open(PHOTO) is None
    assert blobs.put(PHOTO, data) is True
    assert blobs.get(PHOTO) == data
    opened = blobs.open(PHOTO)
    assert opened is not None and opened.size == len(data) and opened.last_modified > 0
    with opened.stream:
        assert opened.stream.read(10) + opened.stream.read() == data
    blobs.put("13/other.png", b"\x89PNG")
    assert [(e.key, e.size) for e in blobs.entries()] == [
        (PHOTO, len(data)),
        ("13/other.png", 4),
    ]
    assert [e.key for e in blobs.entries("13/")] == ["13/other.png"]
    blobs.delete(PHOTO)
    blobs.delete(PHOTO)  # gone already: nothing happens
    assert blobs.get(PHOTO) is None
    assert [e.key for e in blobs.entries()] == ["13/other.png"]


def test_a_put_replaces_and_a_put_if_absent_does_not(blobs):
    assert blobs.put(PHOTO, b"first") is True
    assert blobs.put(PHOTO, b"second", if_absent=True) is False
    assert blobs.get(PHOTO) == b"first"
    assert blobs.put(PHOTO, b"third") is True
    assert blobs.get(PHOTO) == b"third"
    assert blobs.put("14/new.jpg", b"new", if_absent=True) is True
    assert [e.key for e in blobs.entries()] == [PHOTO, "14/new.jpg"]  # no temporary file left


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/etc/passwd", "12/../../x", "a\\b", "", "a//b", "./a", "a\x00b"]
)
def test_a_key_that_could_leave_its_area_is_refused(blobs, key):
    with pytest.raises(ValueError, match="Not a storage key"):
        blobs.put(key, b"x")
    with pytest.raises(ValueError, match="Not a storage key"):
        blobs.get(key)


def test_the_local_backend_keeps_todays_paths(tmp_path):
    files = storage.from_config({"UPLOAD_DIR": tmp_path / "uploads"}, "uploads")
    assert isinstance(files, LocalStorage)
    files.put(PHOTO, b"photo")
    assert (tmp_path / "uploads" / PHOTO).read_bytes() == b"photo"
    papers = storage.from_config({"PDF_CACHE_DIR": str(tmp_path / "pdf")}, "pdf-cache")
    assert papers.root == tmp_path / "pdf"  # type: ignore[attr-defined]


def test_the_s3_backend_puts_each_area_under_the_prefix(s3_server):
    config = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": s3.BUCKET,
        "S3_PREFIX": "nghe-an/",
        "S3_ENDPOINT_URL": s3_server.url,
        "S3_REGION": "ap-southeast-1",
    }
    uploads = storage.from_config(config, "uploads")
    papers = storage.from_config(config, "pdf-cache")
    assert isinstance(uploads, S3Storage) and uploads.shared
    assert storage.from_config(config, "uploads") is uploads  # one client per process
    uploads.put(PHOTO, b"photo")
    papers.put("ab/paper.pdf", b"%PDF-")
    whole = S3Storage(s3.BUCKET, "", s3_server.url, "ap-southeast-1")
    names = [e.key for e in whole.entries("nghe-an/")]
    assert names == ["nghe-an/pdf-cache/ab/paper.pdf", f"nghe-an/uploads/{PHOTO}"]
    for name in names:
        whole.delete(name)
    assert "SECRET" not in repr(uploads) and s3_server.url in repr(uploads)


def test_a_wrong_storage_configuration_stops_the_start():
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND must be local or s3"):
        create_app({"TESTING": True, "STORAGE_BACKEND": "ftp"})
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND=s3 needs S3_BUCKET"):
        create_app({"TESTING": True, "STORAGE_BACKEND": "s3"})


def test_no_log_line_carries_the_s3_credentials_even_at_debug(bucket, caplog):
    """botocore's debug lines show every signed request (the key id, the signature): the app's
    logging keeps botocore, boto3 and urllib3 at WARNING whatever LOG_LEVEL says."""
    root_level = logging.getLogger().level
    logs.configure("text", "DEBUG")
    try:
        caplog.set_level(logging.DEBUG)
        bucket.put(PHOTO, b"photo")
        assert bucket.get(PHOTO) == b"photo"
        bucket.delete(PHOTO)
    finally:
        logs.unconfigure()
        logging.getLogger().setLevel(root_level)
    text = caplog.text
    assert s3.ACCESS_KEY not in text and s3.SECRET_KEY not in text
    assert "Signature=" not in text and "Authorization" not in text
