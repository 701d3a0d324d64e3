"""Who may see or change a dossier. Anything not allowed answers 404, never 403."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.core.permissions import Role
from app.dossiers.models import Dossier
from app.extensions import db

# Until the back office scopes officers to their units (next issue), officers and
# administrators may read every submitted dossier; no one else's drafts are visible.
READERS = {Role.OFFICER, Role.ADMIN}


def can_view(user, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    if not user.is_authenticated:
        return False
    if dossier.owner_id == user.id:
        return True
    return user.role in READERS and not dossier.is_draft


def can_edit(user, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    return user.is_authenticated and dossier.owner_id == user.id and dossier.is_draft


def viewable_or_404(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not can_view(current_user, dossier):
        abort(404)
    return dossier


def editable_or_404(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.owner_id != getattr(current_user, "id", None):
        abort(404)
    return dossier
