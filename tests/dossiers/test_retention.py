from datetime import datetime, timedelta

from helpers import jpeg_bytes

from app.core import clock
from app.dossiers.models import Dossier
from app.dossiers.operations.attachments import add_attachment, attachment_path
from app.dossiers.operations.drafts import start_application
from app.dossiers.operations.retention import purge_stale_drafts
from app.dossiers.uploads import process_upload
from app.extensions import db


def test_stale_drafts_and_their_files_are_purged_but_recent_ones_stay(citizen, procedure):
    clock.freeze(datetime(2026, 6, 1, 9, 0))
    old = start_application(citizen, procedure, "old")
    db.session.flush()
    upload = process_upload(jpeg_bytes(), max_bytes=5_000_000)
    attachment = add_attachment(old, procedure.documents[0].code, "a.jpg", upload, citizen)
    path = attachment_path(attachment)
    db.session.commit()
    clock.freeze(datetime(2026, 9, 1, 9, 0))
    recent = start_application(citizen, procedure, "recent")
    db.session.commit()
    clock.freeze(datetime(2026, 6, 1, 9, 0) + timedelta(days=91))

    assert purge_stale_drafts(90) == 1
    db.session.commit()

    remaining = db.session.scalars(db.select(Dossier)).all()
    assert [d.id for d in remaining] == [recent.id]
    assert not path.exists()
