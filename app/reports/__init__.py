"""The numbers a province is judged by: dossiers by channel, online share, on-time rates.

Pure rules (``periods``, ``rules``, ``charts``) say what a period is and how one dossier counts;
the queries (``queries``) count with SQL aggregates, never a Python loop over dossiers. Other
domains add their own numbers through :mod:`app.core.report_sources`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.reports import summary
    from app.reports.cli import reports_cli
    from app.reports.public_views import bp as public_bp
    from app.reports.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.cli.add_command(reports_cli)
    summary.install()  # a change to a kept day makes it counted live again
