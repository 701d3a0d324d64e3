"""Who may see or change a dossier. Anything not allowed answers 404, never 403.

* the owner sees their own dossiers, drafts included;
* staff who may work on dossiers see the submitted dossiers of the units they belong to
  (received by, or currently held by, one of them) and those assigned to them;
* a helper who fills an application for a citizen at a counter (post-office staff) edits the
  draft they started and sees, once it is submitted, what they need to hand the citizen their
  papers (the receipt); never the citizen's other dossiers;
* nobody else sees anything: not other citizens, not postal or community staff, not the
  administrator (who manages units and accounts, not dossiers).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.accounts import serving
from app.core.roles import Permission, has_permission
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.dossiers.workflow import in_unit_scope
from app.extensions import db


def is_helper(user, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    """``user`` filled this dossier in for its owner, and that owner is the citizen they are
    serving now on this device (app/accounts/serving.py): once the helper moves on to the next
    person, the dossier no longer opens for them."""
    return (
        user.is_authenticated
        and dossier.owner_id != user.id
        and user.id in (dossier.created_by_id, dossier.submitted_by_id)
        and has_permission(user, Permission.APPLY_ON_BEHALF)
        and dossier.owner_id == serving.citizen_id()
    )


def staff_can_view(user, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    if dossier.is_draft or not has_permission(user, Permission.VIEW_UNIT_DOSSIERS):
        return False
    return in_unit_scope(dossier, user)


def can_view(user, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    if not user.is_authenticated:
        return False
    return dossier.owner_id == user.id or staff_can_view(user, dossier) or is_helper(user, dossier)


def can_edit(user, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    """The owner fills a draft, and completes a dossier sent back for more (Mẫu 02); a helper
    fills the draft they started for the citizen in front of them."""
    if not user.is_authenticated:
        return False
    if is_helper(user, dossier):
        return dossier.is_draft
    return dossier.owner_id == user.id and (
        dossier.is_draft or dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    )


def viewable_or_404(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not can_view(current_user, dossier):
        abort(404)
    return dossier


def staff_viewable_or_404(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not staff_can_view(current_user, dossier):
        abort(404)
    return dossier


def editable_or_404(dossier_id: int) -> Dossier:
    """The dossier of the owner, or of the citizen a helper is serving (the caller then
    checks :func:`can_edit` for the current status)."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None:
        abort(404)
    if dossier.owner_id != getattr(current_user, "id", None) and not is_helper(
        current_user, dossier
    ):
        abort(404)
    return dossier


def result_downloadable(dossier: Dossier) -> bool:
    """The result is a file and ready: its owner may download it (online return)."""
    return dossier.result_file is not None and dossier.status in (
        DossierStatus.RESULT_READY,
        DossierStatus.RETURNED,
    )
