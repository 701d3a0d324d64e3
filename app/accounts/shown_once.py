"""A secret shown once to the administrator who made it (a staff member's one-time password, a
post office's new API token), across the redirect from the POST that made it to the page that
shows it.

The secret never enters the cookie (a Flask session is signed, not encrypted): it waits on the
server XOR a random pad, and the session holds the row's id and the pad only
(operations/pending_secrets.py). Showing it deletes the row, so a replayed cookie, a second tab
or the back button show nothing.
"""

from __future__ import annotations

from flask import session
from flask_login import current_user

from app.accounts.operations import pending_secrets

KEY = "shown_once"


def hold(kind: str, subject_id: int, secret: str) -> None:
    """Keep ``secret`` (of ``kind``, about ``subject_id``) for this administrator's next page."""
    row_id, pad = pending_secrets.keep(current_user.id, kind, subject_id, secret)
    session[KEY] = {"kind": kind, "subject": subject_id, "ref": row_id, "pad": pad}


def reveal(kind: str, subject_id: int) -> str | None:
    """The secret held for this page, once; None when there is none (shown already, expired,
    another page's, another administrator's)."""
    waiting = session.get(KEY)
    if not isinstance(waiting, dict) or (waiting.get("kind"), waiting.get("subject")) != (
        kind,
        subject_id,
    ):
        return None
    session.pop(KEY, None)
    return pending_secrets.take(
        current_user.id, kind, subject_id, int(waiting.get("ref", 0)), str(waiting.get("pad", ""))
    )
