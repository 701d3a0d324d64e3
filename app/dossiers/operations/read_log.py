"""The read log (Law 91/2025): who read a dossier's personal data, when the applicant took
their result. The only writes a page that is only read (a GET) may make."""

from __future__ import annotations

from app.accounts.models import User
from app.core import clock
from app.dossiers.events import log_event
from app.dossiers.models import Dossier
from app.extensions import db


def record_view(dossier: Dossier, reader: User, *, ip: str = "") -> None:
    """Who read a dossier's personal data: once per staff member and day."""
    today = clock.today()
    seen = any(
        e.action == "viewed" and e.actor_id == reader.id and e.at.date() == today
        for e in dossier.events
    )
    if not seen:
        log_event(dossier, reader, "viewed", internal=True, ip=ip)
        db.session.flush()


def record_result_download(dossier: Dossier, user: User, *, ip: str = "") -> None:
    """The applicant's first download of their result, on their record."""
    if dossier.owner_id == user.id and not any(
        e.action == "result_downloaded" for e in dossier.events
    ):
        log_event(dossier, user, "result_downloaded", ip=ip)
        db.session.flush()
