"""Citizens' satisfaction with a returned dossier, and their feedback and complaints (phản ánh,
kiến nghị) with the unit's answer, counted anonymously for the dashboards (numbers.py)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core import report_sources
    from app.dossiers import panels, signals
    from app.feedback import numbers, operations
    from app.feedback import panels as feedback_panels
    from app.feedback.views.public import bp as public
    from app.feedback.views.rating import bp as rating
    from app.feedback.views.staff import bp as staff
    from app.notifications.messages import register_phone_text

    for blueprint in (rating, public, staff):
        app.register_blueprint(blueprint)
    # The citizen is invited to rate once the result is handed over (online, counter, post).
    signals.result_returned.connect(operations.on_result_returned)
    panels.provide("citizen", "feedback/panels/citizen.html", feedback_panels.citizen)
    register_phone_text("rating_invite", operations.INVITE_SMS)
    register_phone_text("feedback_answered", operations.ANSWERED_SMS)
    # Satisfaction and complaints per unit and procedure on the statistics dashboard.
    for source in (numbers.RATINGS, numbers.COMPLAINTS):
        report_sources.register(source)
