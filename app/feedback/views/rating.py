"""Rating the service of a returned dossier: by the SMS link (anyone holding it), on the
owner's dossier page, or by a volunteer at the village hall for a dossier they helped with.

Every way ends in the same form and the same single use of the dossier's invitation."""

from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core import clock
from app.core.htmx import render
from app.core.limits import limited
from app.core.permissions import public, require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status
from app.dossiers.policy import viewable_or_404
from app.feedback import operations, queries
from app.feedback.forms import RatingForm
from app.feedback.models import RatingInvitation

bp = Blueprint("feedback_rating", __name__)


def _rate(invitation: RatingInvitation, action: str, done: str, at_hall: bool = False) -> Response:
    """The form for ``invitation`` (GET), or its one use (POST → 303 to ``done``)."""
    if invitation.used_on is not None:
        return make_page("feedback/rated.html", 200, dossier=invitation.dossier, at_hall=at_hall)
    if invitation.expires_on < clock.today():
        return make_page("feedback/expired.html", 410)
    form = RatingForm()
    if form.validate_on_submit():
        with domain_errors(form):  # used meanwhile: AlreadyRated's 409 page
            operations.record_rating(
                invitation,
                int(form.score.data),
                form.reasons.data or [],
                form.comment.data or "",
                at_hall=at_hall,
            )
            return go(done)
    return render(
        "feedback/rate.html",
        status=form_status(form),
        form=form,
        action=action,
        dossier=invitation.dossier,
        at_hall=at_hall,
    )


def make_page(template: str, status: int, **context: object) -> Response:
    return render(template, status=status, **context)


@bp.route("/danh-gia/<token>", methods=["GET", "POST"])
@public
@limited("lookup")
def by_link(token: str):
    invitation = queries.invitation_by_token(token) or abort(404)
    here = url_for("feedback_rating.by_link", token=token)
    return _rate(invitation, here, here)


@bp.route("/ho-so/<id:dossier_id>/danh-gia", methods=["GET", "POST"])
@require(Permission.APPLY)
def by_owner(dossier_id: int):
    dossier = viewable_or_404(dossier_id)
    invitation = queries.invitation_of(dossier.id)
    if dossier.owner_id != current_user.id or invitation is None:
        abort(404)
    here = url_for("feedback_rating.by_owner", dossier_id=dossier.id)
    return _rate(invitation, here, here)


@bp.route("/ho-tro/danh-gia")
@require(Permission.HELP_AS_VOLUNTEER)
def hall_list():
    dossiers = queries.helped_awaiting_rating(current_user.id, clock.today())
    return render("feedback/hall_list.html", dossiers=dossiers)


@bp.route("/ho-tro/danh-gia/<id:dossier_id>", methods=["GET", "POST"])
@require(Permission.HELP_AS_VOLUNTEER)
def at_hall(dossier_id: int):
    dossier = queries.helped_dossier(dossier_id, current_user.id) or abort(404)
    invitation = queries.invitation_of(dossier.id) or abort(404)
    here = url_for("feedback_rating.at_hall", dossier_id=dossier.id)
    return _rate(invitation, here, here, at_hall=True)
