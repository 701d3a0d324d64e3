"""Who may see how a dossier's fee is paid: its owner, and the helper who filled it in for
them while they serve that citizen (app/dossiers/policy.py: ``is_helper``). Anyone else,
officers included (they have the fee panel of the back office), gets 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.dossiers.models import Dossier
from app.dossiers.policy import is_helper
from app.extensions import db


def can_pay(user, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    if not user.is_authenticated or dossier.is_draft:
        return False
    return dossier.owner_id == user.id or is_helper(user, dossier)


def payable_or_404(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not can_pay(current_user, dossier):
        abort(404)
    return dossier
