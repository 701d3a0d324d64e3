"""The files of a dossier: checked with this installation's limits, stored in the uploads'
storage (``UPLOAD_DIR``, or the bucket: app/core/storage.py), removed with their row."""

from __future__ import annotations

import logging
import os

from flask import current_app
from werkzeug.datastructures import FileStorage, MultiDict

from app.accounts.models import User
from app.core import storage
from app.core.storage import Storage
from app.dossiers.models import Attachment, Dossier
from app.dossiers.uploads import ProcessedUpload, UploadRejected, process_upload
from app.dossiers.uploads.names import safe_file_name
from app.extensions import db

log = logging.getLogger(__name__)


def uploads() -> Storage:
    """Where the app's uploads are kept (a file's key is its ``storage_key``)."""
    return storage.for_app("uploads")


def check_upload(data: bytes) -> ProcessedUpload:
    """:func:`process_upload` with this installation's limits; raises UploadRejected."""
    return process_upload(
        data,
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
        max_side=current_app.config["UPLOAD_MAX_SIDE"],
    )


def upload_document(
    dossier: Dossier, document_code: str, file: FileStorage | None, actor: User
) -> Attachment:
    """A scan of one of the procedure's papers, sent from the journey's papers step."""
    if file is None or not file.filename:
        raise UploadRejected("Vui lòng chọn tệp trước khi bấm Tải lên.")
    upload = check_upload(file.read())
    return add_attachment(dossier, document_code, file.filename, upload, actor)


def upload_chosen(
    dossier: Dossier,
    files: MultiDict[str, FileStorage],
    actor: User,
    document_code: str | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Every file chosen on the papers step, each stored or refused: nothing chosen is dropped.

    The step's form carries one ``file-<code>`` input per paper (``file``, the older name, goes
    to ``document_code``). Returns the names of the papers stored and, by paper code, the
    message of each refused file; ``document_code`` with nothing chosen at all is refused with
    "choose a file first".
    """
    stored: list[str] = []
    errors: dict[str, str] = {}
    for document in dossier.procedure.documents:
        chosen = files.getlist(f"file-{document.code}")
        if document.code == document_code:
            chosen = [*files.getlist("file"), *chosen]
        for file in chosen:
            if not file.filename:
                continue
            try:
                upload_document(dossier, document.code, file, actor)
            except UploadRejected as rejected:
                errors[document.code] = rejected.message
            else:
                stored.append(document.name)
    if document_code and not stored and not errors:
        errors[document_code] = "Vui lòng chọn tệp trước khi bấm Tải lên."
    return list(dict.fromkeys(stored)), errors


def add_attachment(
    dossier: Dossier, document_code: str, original_name: str, upload: ProcessedUpload, actor: User
) -> Attachment:
    key = f"{dossier.id}/{upload.sha256[:16]}-{os.urandom(4).hex()}.{upload.extension}"
    uploads().put(key, upload.data)
    if upload.removed:
        log.info("PDF of dossier %s stored without: %s", dossier.id, ", ".join(upload.removed))
    attachment = Attachment(
        dossier=dossier,
        document_code=document_code,
        original_name=safe_file_name(original_name, upload.extension),
        media_type=upload.media_type,
        size=len(upload.data),
        sha256=upload.sha256,
        storage_key=key,
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def remove_attachment(attachment: Attachment) -> None:
    key = attachment.storage_key
    dossier = attachment.dossier
    db.session.delete(attachment)
    db.session.flush()
    db.session.expire(dossier, ["attachments"])  # the page shown next lists what is left
    uploads().delete(key)
