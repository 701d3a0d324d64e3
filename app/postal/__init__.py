"""The public postal service (Decision 45/2016): pickups, returns, item numbers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core.admin import Card, provide
    from app.postal.cli import postal_cli
    from app.postal.queries.offices import post_offices_card

    # The post office's pages are one blueprint over several modules: importing adds their routes.
    from app.postal.views import staff_cash, staff_handover, staff_items, staff_papers  # noqa: F401
    from app.postal.views.admin import bp as postal_admin
    from app.postal.views.citizen import bp as booking
    from app.postal.views.counter import bp as counter
    from app.postal.views.officer import bp as agency
    from app.postal.views.staff import bp as postal

    for blueprint in (booking, postal, counter, agency, postal_admin):
        app.register_blueprint(blueprint)
    app.cli.add_command(postal_cli)
    provide(Card(30, "postal/admin/_card_post_offices.html", post_offices_card))
    _listen_to_dossiers()
    from app.postal.affiliation import register_affiliation

    register_affiliation()  # the staff form's post office (app/accounts/affiliations.py)


def _listen_to_dossiers() -> None:
    """The postal legs follow the dossier's life; its pages show them (app/dossiers/signals.py
    and app/dossiers/panels.py). Connecting twice is harmless: blinker keeps one of each."""
    from app.dossiers import panels, signals
    from app.postal import panels as postal_panels
    from app.postal.operations import booking, handover, pickup

    signals.submitted.connect(pickup.on_submitted)
    signals.intake_changed.connect(booking.on_intake_changed)
    signals.closed.connect(booking.on_closed)
    signals.result_ready.connect(handover.on_result_ready)
    signals.result_returned.connect(handover.on_result_returned)
    panels.provide("citizen", "postal/panels/citizen.html", postal_panels.citizen)
    panels.provide("staff", "postal/panels/staff.html", postal_panels.staff)
    panels.provide("check", "postal/panels/check.html", postal_panels.check)
    panels.provide_landing(postal_panels.counter_landing)
