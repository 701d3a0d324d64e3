from datetime import datetime, timedelta

from helpers import jpeg_bytes

from app.core import clock
from app.dossiers.models import Dossier
from app.dossiers.operations.attachments import add_attachment, uploads
from app.dossiers.operations.drafts import start_application
from app.dossiers.operations.retention import purge_stale_drafts
from app.dossiers.uploads import process_upload
from app.extensions import db


def test_stale_drafts_and_their_files_are_purged_but_recent_ones_stay(
    object_storage, citizen, procedure
):
    clock.freeze(datetime(2026, 6, 1, 9, 0))
    old = start_application(citizen, procedure, "old")
    db.session.flush()
    upload = process_upload(jpeg_bytes(), max_bytes=5_000_000)
    attachment = add_attachment(old, procedure.documents[0].code, "a.jpg", upload, citizen)
    key = attachment.storage_key
    assert uploads().get(key) == upload.data
    db.session.commit()
    clock.freeze(datetime(2026, 9, 1, 9, 0))
    recent = start_application(citizen, procedure, "recent")
    db.session.flush()
    photo = process_upload(jpeg_bytes(800, 600), max_bytes=5_000_000)
    kept = add_attachment(recent, procedure.documents[0].code, "b.jpg", photo, citizen)
    db.session.commit()
    clock.freeze(datetime(2026, 6, 1, 9, 0) + timedelta(days=91))

    assert purge_stale_drafts(90) == 1
    db.session.commit()

    remaining = db.session.scalars(db.select(Dossier)).all()
    assert [d.id for d in remaining] == [recent.id]
    assert uploads().get(key) is None
    assert uploads().get(kept.storage_key) == photo.data


def test_flask_dossiers_purge_drafts_deletes_the_files(app, object_storage, citizen, procedure):
    clock.freeze(datetime(2026, 6, 1, 9, 0))
    old = start_application(citizen, procedure, "old")
    db.session.flush()
    upload = process_upload(jpeg_bytes(), max_bytes=5_000_000)
    key = add_attachment(old, procedure.documents[0].code, "ảnh.jpg", upload, citizen).storage_key
    db.session.commit()
    clock.freeze(datetime(2026, 6, 1, 9, 0) + timedelta(days=120))
    result = app.test_cli_runner().invoke(args=["purge-drafts", "--days", "90"])
    assert result.exit_code == 0, result.output
    assert "1 drafts deleted" in result.output
    assert uploads().get(key) is None
