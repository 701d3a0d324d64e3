"""The catalogue for everybody: search the procedures, read one."""

from __future__ import annotations

from secrets import token_urlsafe

from flask import Blueprint, abort, request

from app.catalogue.guide import helper_guide
from app.catalogue.models import CHANNEL_LABELS, LEVEL_LABELS
from app.catalogue.queries import active_procedure, search_procedures
from app.core.htmx import render
from app.core.permissions import public
from app.core.transaction import read_only

bp = Blueprint("catalogue", __name__)


@bp.route("/thu-tuc")
@public
@read_only
def index():
    query = request.args.get("q", "").strip()[:100]
    level = request.args.get("muc-do", "")
    if level not in LEVEL_LABELS:
        level = ""
    return render(
        "catalogue/index.html",
        "catalogue/_results.html",
        found=search_procedures(query, level),
        query=query,
        level=level,
        levels=LEVEL_LABELS,
    )


@bp.route("/thu-tuc/<code>")
@public
@read_only
def procedure(code: str):
    item = active_procedure(code) or abort(404)
    # A fresh token per page view: a retried "start" POST carries the same one (idempotent).
    return render(
        "catalogue/procedure.html",
        procedure=item,
        channels=CHANNEL_LABELS,
        client_token=token_urlsafe(16),
        guide=helper_guide(item.helper_guide, item.documents),
    )
