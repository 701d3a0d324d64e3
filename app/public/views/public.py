"""The public pages: home, privacy, the look-up of a dossier's status, the commune picker and
the health and readiness checks."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, url_for
from flask_login import current_user

from app import geo
from app.core.htmx import fragment_only, render
from app.core.limits import limited
from app.core.permissions import public
from app.core.readiness import ready_parts
from app.core.transaction import read_only
from app.dossiers.queries.dossiers import citizen_timeline, normalise_code, submitted_by_code
from app.public.queries import ping_database

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def home():
    return render("public/home.html")


@bp.route("/healthz")
@public
@read_only
def healthz():
    try:
        ping_database()
    except Exception as error:  # any driver error means "down" (the 503 rolls back)
        return jsonify(status="error", database="unavailable", reason=type(error).__name__), 503
    return jsonify(status="ok", database="ok")


@bp.route("/readyz")
@public
def readyz():
    parts, ready = ready_parts()  # database and (when configured) Redis; reads only
    return jsonify(parts), 200 if ready else 503


@bp.route("/chinh-sach-bao-mat")
@public
def privacy():
    return render("public/privacy.html")


@bp.route("/tra-cuu")
@public
@limited("lookup")
def lookup():
    code = normalise_code(request.args.get("ma", ""))
    if code:
        return redirect(url_for("public.lookup_code", code=code), 303)
    return render("public/lookup.html", code="", dossier=None, not_found=False)


@bp.route("/tra-cuu/<code>")
@public
@limited("lookup")
@read_only
def lookup_code(code: str):
    dossier = submitted_by_code(normalise_code(code))
    if dossier is None:
        return render("public/lookup.html", status=404, code=code, dossier=None, not_found=True)
    is_owner = current_user.is_authenticated and current_user.id == dossier.owner_id
    timeline = citizen_timeline(dossier) if is_owner else []
    return render(
        "public/lookup.html", code=code, dossier=dossier, not_found=False, timeline=timeline
    )


def _province_arg() -> int:
    args = request.args
    return args.get("province", type=int) or args.get("return_province", type=int) or 0


@bp.route("/dia-chi/xa/tim")
@public
@fragment_only
def commune_lookup():
    """htmx: the compact commune <select> of a step fragment, narrowed to what was typed in its
    search box (at most 10), the commune already chosen kept."""
    name = request.args.get("name", "commune")
    query = request.args.get(f"{name}_q", "")
    found = geo.lookup(_province_arg(), query, request.args.get(name))
    return render("components/_commune_lookup.html", name=name, found=found, invalid=False)


@bp.route("/dia-chi/xa")
@public
@fragment_only
def commune_options():
    """htmx: the commune <select> for a province (the picker works without it too)."""
    name = request.args.get("name", "commune")
    return render(
        "components/_commune_select.html",
        name=name,
        communes=geo.communes(_province_arg()),
        selected=request.args.get("selected", ""),
    )
