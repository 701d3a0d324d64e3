"""Extension singletons; each is bound to the app in create_app()."""

from typing import Any

import flask_compress
import flask_login
from flask import Flask, Request
from flask import session as flask_session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from werkzeug.wrappers import Response


class Compress(flask_compress.Compress):
    """Flask-Compress that also compresses 4xx and 5xx answers.

    Flask-Compress 1.25 has no setting for it: its after_request hook skips every status
    outside 2xx. An error page or a 422 form fragment weighs as much as any other page on a
    2G link (a wrong entry on step 1 was 12.7 KB raw, 3.6 KB compressed), so it is compressed
    like a 200. Range answers (206, 416) and bodiless ones (1xx, 204, 304) stay as they are.
    """

    def after_request(self, response: Response | None) -> Response:
        status = response.status_code if response is not None else 0
        if not (400 <= status < 600) or status == 416:
            return super().after_request(response)
        # Let the parent's status check pass, then give the answer its own status back (this
        # also undoes a 304 that its conditional-request step could make of an error page).
        response.status_code = 200  # type: ignore[union-attr]
        try:
            return super().after_request(response)
        finally:
            response.status_code = status  # type: ignore[union-attr]


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the signer when there is no cookie.

    Flask makes its serializer (keys, salt, HMAC) on every request before it looks for the
    cookie; a visitor who has none (the public pages, most of the reads) gets an empty session
    all the same, ~15 µs sooner. A session that stays empty sets no cookie either way."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if not session and not session.modified:  # nothing to write nor to delete
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


class LoginManager(flask_login.LoginManager):
    """Flask-Login, without hashing the visitor's address and browser when the session is empty.

    Session protection compares that hash with the one the session was signed in with; Flask-Login
    computes it on every request, then skips the comparison when the session is empty (nobody
    signed in), as on every public page a visitor reads without a cookie."""

    def _session_protection_failed(self) -> bool:
        if not flask_session:
            return False
        return bool(super()._session_protection_failed())


# Stable constraint names so Alembic revisions are identical on SQLite and PostgreSQL.
naming = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
db = SQLAlchemy(metadata=MetaData(naming_convention=naming))
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
