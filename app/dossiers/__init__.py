"""The application: drafts, submitted dossiers, their workflow, deadlines and forms."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core.admin import Card, provide
    from app.dossiers import cli, intents
    from app.dossiers.queries.calendar import calendar_card
    from app.dossiers.views import journey  # noqa: F401  (its routes are on the citizen's blueprint)
    from app.dossiers.views.admin import bp as admin
    from app.dossiers.views.citizen import bp as citizen
    from app.dossiers.views.staff import bp as backoffice

    for blueprint in (citizen, backoffice, admin):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    intents.init_app()  # "Nộp hồ sơ" while signed out: sign-in lands in the draft
    provide(Card(60, "dossiers/admin/_card_calendar.html", calendar_card))
    from app.dossiers.unit_usage import count_for_the_catalogue

    count_for_the_catalogue()  # a unit with dossiers is kept (app/catalogue/usage.py)
    from app.dossiers import receipt, signals

    # Mẫu 01 is fixed at submission: rendered off the request (app/documents/prerender.py).
    signals.submitted.connect(receipt.on_submitted)
