"""Extension singletons; each is bound to the app in create_app()."""

import flask_compress
from flask_login import LoginManager
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
