"""Applying at the post-office counter: the clerk starts a dossier for the citizen being served,
with the citizen's consent recorded once (printed on Mẫu 01 for them to sign)."""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.operations import record_consent
from app.catalogue.models import Procedure
from app.dossiers.models import Dossier
from app.dossiers.operations.drafts import start_application
from app.extensions import db


def start_for_citizen(
    citizen: User, procedure: Procedure, client_token: str, clerk: User, place: str
) -> Dossier:
    """The draft for this tap (a retried tap finds the draft it made, and its consent). A token
    of a draft the clerk did not make gives that draft back untouched: the view refuses it."""
    dossier = start_application(citizen, procedure, client_token, actor=clerk)
    if dossier.created_by_id == clerk.id and dossier.consent_id is None:
        consent = record_consent(citizen, clerk, "dossier_on_behalf", place=place)
        db.session.flush()
        dossier.consent_id = consent.id
    return dossier
