""" "Nộp hồ sơ" pressed while signed out: signing in (or registering) lands in the new draft.

The procedure page sends a signed-out person to the sign-in page with ``next`` naming the start
of an application and the page's one-time ``client_token``
(``/thu-tuc/<code>/nop-ho-so?client_token=…``). The start is a POST, never replayed: the
sign-in's own POST (CSRF-checked) creates the draft in its one transaction, through the same
idempotent operation as the button (the token finds the draft a retried sign-in already made),
and lands on its first step. Someone who may not apply (staff) lands on the procedure's page.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import current_app, url_for
from werkzeug.exceptions import HTTPException

from app.accounts import landing
from app.accounts.models import User
from app.core.roles import Permission, has_permission
from app.dossiers.operations import drafts
from app.dossiers.queries.dossiers import procedure_offered_online


def start_after_sign_in(user: User, target: str) -> str | None:
    parts = urlsplit(target)
    try:
        endpoint, args = current_app.url_map.bind("local").match(parts.path, method="POST")
    except HTTPException:
        return None
    if endpoint != "dossiers.start":
        return None
    procedure = procedure_offered_online(args["code"])
    if procedure is None or not has_permission(user, Permission.APPLY):
        return url_for("catalogue.procedure", code=args["code"])
    token = parse_qs(parts.query).get("client_token", [""])[0]
    dossier = drafts.start_application(user, procedure, token)
    return url_for("dossiers.step", dossier_id=dossier.id, step="nguoi-nop")


def init_app() -> None:
    landing.carry_out_with("start-application", start_after_sign_in)
