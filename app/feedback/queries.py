"""Reads of satisfaction and feedback: the pages' rows, and what the dashboards count.

The report functions (:func:`rating_summary`, :func:`low_ratings`, :func:`feedback_counts`)
are SQL aggregates over anonymous rows, grouped per unit and procedure, for the statistics
dashboard (app/reports) to call; none returns a name, a phone or a dossier.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db
from app.feedback import rules
from app.feedback.models import Feedback, Rating, RatingInvitation


def invitation_by_token(token: str) -> RatingInvitation | None:
    """The invitation a link's token opens (any token that is not one: None, no query)."""
    if not rules.looks_like_token(token):
        return None
    return db.session.scalar(
        select(RatingInvitation).filter_by(token_hash=rules.token_digest(token))
    )


def invitation_of(dossier_id: int) -> RatingInvitation | None:
    return db.session.scalar(select(RatingInvitation).filter_by(dossier_id=dossier_id))


def open_invitation_of(dossier_id: int, today: date) -> RatingInvitation | None:
    invitation = invitation_of(dossier_id)
    if invitation is None or invitation.used_on is not None or invitation.expires_on < today:
        return None
    return invitation


def helped_awaiting_rating(volunteer_id: int, today: date) -> list[Dossier]:
    """Returned dossiers a volunteer filled in or submitted whose rating is still open."""
    return list(
        db.session.scalars(
            select(Dossier)
            .join(RatingInvitation, RatingInvitation.dossier_id == Dossier.id)
            .where(
                or_(Dossier.submitted_by_id == volunteer_id, Dossier.created_by_id == volunteer_id),
                Dossier.status == DossierStatus.RETURNED,
                RatingInvitation.used_on.is_(None),
                RatingInvitation.expires_on >= today,
            )
            .order_by(Dossier.returned_at.desc())
            .limit(50)
        )
    )


def helped_dossier(dossier_id: int, volunteer_id: int) -> Dossier | None:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or volunteer_id not in (dossier.submitted_by_id, dossier.created_by_id):
        return None
    return dossier


# --- the unit's feedback queue ------------------------------------------------------------


def unit_queue(unit_ids: frozenset[int], limit: int = 100) -> list[Feedback]:
    """The units' feedback: unanswered first (oldest due first), then the latest answered."""
    if not unit_ids:
        return []
    return list(
        db.session.scalars(
            select(Feedback)
            .where(Feedback.unit_id.in_(unit_ids))
            .order_by(
                Feedback.answered_at.is_not(None),
                Feedback.due_on.is_(None),
                Feedback.due_on,
                Feedback.received_at.desc(),
            )
            .limit(limit)
        )
    )


def feedback_in_units(feedback_id: int, unit_ids: frozenset[int]) -> Feedback | None:
    item = db.session.get(Feedback, feedback_id)
    return item if item is not None and item.unit_id in unit_ids else None


def feedback_by_code(code: str) -> Feedback | None:
    code = rules.normalise_code(code)
    if not rules.is_code(code):
        return None
    return db.session.scalar(select(Feedback).filter_by(code=code, kind="complaint"))


# --- for the dashboards --------------------------------------------------------------------


def low_ratings(start: date, end: date, unit_ids: frozenset[int] | None = None) -> list[Rating]:
    """Ratings of 1 or 2 with a comment (anonymous rows: no person, no dossier)."""
    query = (
        select(Rating)
        .where(
            Rating.rated_on.between(start, end),
            Rating.score <= rules.LOW_SCORE,
            Rating.comment != "",
        )
        .order_by(Rating.rated_on.desc(), Rating.id.desc())
    )
    if unit_ids is not None:
        query = query.where(Rating.unit_id.in_(unit_ids))
    return list(db.session.scalars(query))
