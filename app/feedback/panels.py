"""The feedback's part of the owner's dossier page (registered in app/feedback/__init__.py)."""

from __future__ import annotations

from typing import Any

from app.core import clock
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.feedback.queries import open_invitation_of


def citizen(dossier: Dossier) -> dict[str, Any] | None:
    """The prompt to rate, while the returned dossier's invitation is open."""
    if dossier.status != DossierStatus.RETURNED:
        return None
    if open_invitation_of(dossier.id, clock.today()) is None:
        return None
    return {}
