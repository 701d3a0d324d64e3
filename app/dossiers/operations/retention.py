"""Retention: drafts nobody touched for the retention period are deleted with their files
(Law 91/2025 on personal data: kept no longer than needed)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core import clock
from app.dossiers import signals
from app.dossiers.models import Dossier
from app.dossiers.operations.attachments import attachment_path
from app.dossiers.statuses import DossierStatus
from app.extensions import db


def purge_stale_drafts(older_than_days: int) -> int:
    """Delete drafts untouched for ``older_than_days`` and their files (retention, Law 91/2025)."""
    limit = clock.now() - timedelta(days=older_than_days)
    stale = db.session.scalars(
        select(Dossier).where(Dossier.status == DossierStatus.DRAFT, Dossier.updated_at < limit)
    ).all()
    paths = [attachment_path(a) for d in stale for a in d.attachments]
    for dossier in stale:
        signals.closed.send(dossier, actor=None, ip="")  # a booked pickup frees its place
        db.session.delete(dossier)
    db.session.flush()
    for path in paths:
        path.unlink(missing_ok=True)
    return len(stale)
