"""Retention: drafts nobody touched for the retention period are deleted with their files
(Law 91/2025 on personal data: kept no longer than needed)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core import clock
from app.core.errors import Conflict
from app.dossiers import signals
from app.dossiers.models import Dossier
from app.dossiers.operations.attachments import uploads
from app.dossiers.statuses import DossierStatus
from app.extensions import db


def delete_draft(dossier: Dossier, ip: str = "") -> None:
    """The owner deletes one of their drafts, with its files (the caller checked ownership)."""
    if not dossier.is_draft:
        raise Conflict("Chỉ xóa được bản nháp chưa nộp.")
    _delete([dossier], actor=dossier.owner, ip=ip)


def purge_stale_drafts(older_than_days: int) -> int:
    """Delete drafts untouched for ``older_than_days`` and their files (retention, Law 91/2025)."""
    limit = clock.now() - timedelta(days=older_than_days)
    stale = db.session.scalars(
        select(Dossier).where(Dossier.status == DossierStatus.DRAFT, Dossier.updated_at < limit)
    ).all()
    _delete(stale, actor=None, ip="")
    return len(stale)


def _delete(drafts, actor, ip: str) -> None:  # type: ignore[no-untyped-def]
    keys = [a.storage_key for d in drafts for a in d.attachments]
    for dossier in drafts:
        signals.closed.send(dossier, actor=actor, ip=ip)  # a booked pickup frees its place
        db.session.delete(dossier)
    db.session.flush()
    files = uploads()
    for key in keys:
        files.delete(key)
