"""Signing in with the national identity (VNeID) through OpenID Connect (app/accounts/oidc.py):
the start (a plain link, no JavaScript needed), the provider's return, and the return from
signing out there. Whatever goes wrong answers a page in Vietnamese that offers the other ways
in, never a 500.

The return is a GET, as OAuth 2 redirects are: it is the one page whose GET signs in (makes the
account, begins the session), like the password form's POST does; the ``state`` only this
browser holds is what makes it safe to.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, request, session, url_for
from werkzeug.wrappers import Response

from app.accounts import landing, oidc, signin
from app.accounts.operations.federation import CannotSignIn, account_for
from app.accounts.views.public import bp, home, safe_next
from app.core.htmx import render
from app.core.limits import limited
from app.core.permissions import public
from app.core.responses import local_target

log = logging.getLogger(__name__)
PENDING = "oidc_pending"
# Pages that make or claim a citizen's password account: closed with CITIZEN_PASSWORD_LOGIN off.
PASSWORD_ONLY = frozenset(
    f"accounts.{name}"
    for name in ("register", "register_code", "register_resend", "claim", "claim_code")
)
# Why a sign-in failed → the answer's status (templates/accounts/provider_error.html words it).
STATUS = {
    oidc.DOWN: 503,
    oidc.CANCELLED: 200,
    oidc.REFUSED: 400,
    oidc.NO_ID_NUMBER: 400,
    "no_phone": 400,
    "phone_taken": 409,
    "locked": 403,
}


def _failed(reason: str, detail: str = "") -> Response:
    log.warning("sign-in with the identity provider failed: %s %s", reason, detail)
    return render("accounts/provider_error.html", status=STATUS[reason], reason=reason)


@bp.before_request
def _password_accounts_closed() -> Response | None:
    if request.endpoint in PASSWORD_ONLY and not current_app.config["CITIZEN_PASSWORD_LOGIN"]:
        flash("Người dân đăng nhập bằng tài khoản định danh điện tử VNeID.", "info")
        return redirect(url_for("accounts.login"), 303)
    return None


@bp.route("/dang-nhap/vneid")
@public
@limited("oidc")
def provider_start():
    if not oidc.configured():
        abort(404)
    try:
        url, pending = oidc.start(oidc.external_url("accounts.provider_return"))
    except oidc.Failure as failure:
        return _failed(failure.kind, failure.detail)
    session[PENDING] = {**pending, "next": safe_next("")}
    return redirect(url, 303)


@bp.route("/dang-nhap/vneid/ve")
@public
@limited("oidc")
def provider_return():
    if not oidc.configured():
        abort(404)
    pending = session.pop(PENDING, None) or {}
    try:
        identity = oidc.finish(request.args.to_dict(), pending, oidc.external_url(request.endpoint))
        user = account_for(identity)
    except oidc.Failure as failure:
        return _failed(failure.kind, failure.detail)
    except CannotSignIn as refusal:
        return _failed(refusal.reason)
    signin.sign_in_with_provider(user, identity.id_token)
    target = local_target(pending.get("next"), home(user))
    return redirect(landing.land(user, target), 303)


@bp.route("/dang-xuat/vneid")
@public
def provider_logged_out():
    """The provider's return after signing out there (post_logout_redirect_uri)."""
    after = local_target(session.pop(signin.AFTER_LOGOUT, None), url_for("public.home"))
    return redirect(after, 303)
