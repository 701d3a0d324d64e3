"""The post-office counter: a walk-in citizen applies with the clerk's help.

The clerk finds the citizen's account by the exact phone or ID number (never a partial search:
a counter is not a directory), or registers the citizen, with their consent recorded; then
fills the same application journey on their behalf. The dossier records the clerk as the one
who submitted it; its papers are taken there and then (intake channel ``post_office``), and the
clerk prints Mẫu 01 and the fee receipt, on A5 or on the 80 mm printer.

A citizen's page, and the dossiers filled in for them, open only while the clerk serves that
citizen on this device (app/accounts/serving.py): the URL alone (a user id) shows nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from app.accounts import serving
from app.accounts.forms import CitizenSearchForm
from app.accounts.models import User
from app.accounts.operations import register_on_behalf
from app.catalogue.models import Procedure
from app.core.htmx import render
from app.core.identity import mask_id_number, mask_phone
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission, Role
from app.core.transaction import domain_errors, form_status
from app.dossiers import helping
from app.extensions import db
from app.postal.forms import CounterCitizenForm
from app.postal.operations.counter import start_for_citizen

bp = Blueprint("counter", __name__, url_prefix="/buu-dien/quay")

CONSENT_NEEDED = "Cần người dân đồng ý để nhân viên bưu điện nộp hồ sơ thay (đánh dấu ô bên dưới)."


def _citizen_or_404(user_id: int) -> User:
    """The citizen being served at this counter now (found or registered just before)."""
    citizen = db.session.get(User, user_id)
    if citizen is None or citizen.role != Role.CITIZEN or serving.citizen_id() != user_id:
        abort(404)
    return citizen


def _place() -> str:
    office = current_user.post_office
    return office.name if office is not None else ""


@bp.route("/", methods=["GET", "POST"])
@require(Permission.POSTAL_WORK)
def search():
    form = CitizenSearchForm()
    found = None
    if form.validate_on_submit():
        found = helping.find_citizen(form)
        if found is not None:
            serving.begin(found.id)
    return render(
        "postal/counter/search.html",
        status=form_status(form),
        form=form,
        found=found,
        searched=request.method == "POST" and not form.errors,
        masked_phone=mask_phone(found.phone) if found else "",
        masked_id=mask_id_number(found.id_number or "") if found else "",
    )


@bp.route("/cong-dan-moi", methods=["GET", "POST"])
@require(Permission.POSTAL_WORK)
def new_citizen():
    prefill = bool(request.form.get("prefill"))  # "register this person" from a search
    form = CounterCitizenForm(formdata=None) if prefill else CounterCitizenForm()
    if prefill:
        helping.prefill_registration(form)
    elif form.validate_on_submit():
        with domain_errors(form):
            citizen = register_on_behalf(**form.identity(), helper=current_user, place=_place())
            serving.begin(citizen.id)
            flash(f"Đã tạo tài khoản cho {citizen.full_name}.", "success")
            return go(url_for("counter.citizen", user_id=citizen.id))
    return render("postal/counter/new_citizen.html", status=form_status(form), form=form)


@bp.route("/cong-dan/<id:user_id>")
@require(Permission.POSTAL_WORK)
def citizen(user_id: int):
    citizen = _citizen_or_404(user_id)
    return helping.citizen_page("postal/counter/citizen.html", citizen, helping.start_form("post"))


@bp.route("/cong-dan/<id:user_id>/nop-ho-so", methods=["POST"])
@require(Permission.POSTAL_WORK)
def start(user_id: int):
    citizen = _citizen_or_404(user_id)
    form = helping.start_form("post", request.form)
    consented = request.form.get("consent") == "1"
    if not form.validate() or not consented:
        if not consented:
            form.form_errors.append(CONSENT_NEEDED)
        return helping.citizen_page("postal/counter/citizen.html", citizen, form, 422)
    procedure = db.session.get(Procedure, form.procedure.data)
    token = form.client_token.data or ""
    dossier = start_for_citizen(citizen, procedure, token, current_user, _place())
    if dossier.created_by_id != current_user.id:
        abort(404)  # a token of another helper's draft: never hand it over
    return go(url_for("dossiers.step", dossier_id=dossier.id, step="nguoi-nop"))
