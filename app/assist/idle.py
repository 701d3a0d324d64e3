"""Shared devices: staff and volunteer sessions end when left idle, with a warning first.

A phone or PC at the village hall or the counter is used by many people; a session left open
would show the next person whatever the last page showed. Every request of a signed-in staff
member or volunteer records when it came; one that comes after STAFF_IDLE_MINUTES of silence
signs them out (the same helper signing in again goes on where they were: drafts are on the
server). The page warns a minute before (static/js/app.js) and typing keeps the session alive
through ``/phien``. Citizens on their own phones are not timed out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask, flash, request, session, url_for
from flask_login import current_user, user_logged_out
from werkzeug.wrappers import Response

from app.accounts import serving, signin
from app.accounts.operations.sessions import IDLE
from app.assist import queries
from app.core import clock
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission, Role, has_permission

SEEN_KEY = "seen"


def _timed(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.role != Role.CITIZEN


def init_app(app: Flask) -> None:
    @app.before_request
    def end_idle_sessions() -> Response | None:
        limit_minutes = app.config["STAFF_IDLE_MINUTES"]
        if request.endpoint == "static" or not limit_minutes or not _timed(current_user):
            return None
        now = clock.now()
        seen = session.get(SEEN_KEY)
        limit = timedelta(minutes=limit_minutes)
        if seen and now - datetime.fromisoformat(seen) > limit:
            kept = session.get(serving.KEY)
            signin.sign_out(IDLE)  # on the server too: a copy of the cookie ends with it
            if kept:  # only this helper, signing in again, picks it up (accounts/serving.py)
                session[serving.KEY] = kept
            session.pop(SEEN_KEY, None)
            flash(
                "Phiên làm việc đã kết thúc vì lâu không thao tác. Vui lòng đăng nhập lại; "
                "những gì đã lưu vẫn còn.",
                "info",
            )
            come_back = request.full_path.rstrip("?") if request.method == "GET" else "/"
            return go(url_for("accounts.login", next=come_back))
        session[SEEN_KEY] = now.isoformat(timespec="seconds")
        return None

    @user_logged_out.connect_via(app)
    def forget_the_citizen(sender: Flask, user: Any, **extra: Any) -> None:
        serving.end()

    @app.context_processor
    def shared_device() -> dict[str, Any]:
        if not _timed(current_user):
            return {}
        context: dict[str, Any] = {"idle_seconds": app.config["STAFF_IDLE_MINUTES"] * 60}
        citizen_id = serving.citizen_id()
        if citizen_id and has_permission(current_user, Permission.APPLY_ON_BEHALF):
            citizen = queries.user(citizen_id)
            context["assisting"] = citizen.full_name if citizen else ""
        return context

    # For macros (imported templates do not see the context): is a helper serving someone?
    app.jinja_env.globals["helping_someone"] = lambda: serving.citizen_id() is not None

    @require()
    def keep_alive() -> tuple[str, int]:
        """The page's script calls this while someone is typing (the request is the point)."""
        return "", 204

    app.add_url_rule("/phien", "keep_alive", keep_alive)
