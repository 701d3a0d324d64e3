"""What both kinds of helpers (a post-office clerk, a community volunteer) show for the citizen
they are serving: the procedures they can start for them, what they filled in for them, and
where a helper goes back to from a dossier they fill in."""

from __future__ import annotations

import os

from flask import request, url_for
from flask_login import current_user

from app.accounts.forms import CitizenSearchForm
from app.accounts.models import User
from app.core.htmx import render
from app.core.identity import mask_id_number, mask_phone
from app.core.roles import Permission, has_permission
from app.dossiers import panels
from app.dossiers.forms import StartForm
from app.dossiers.models import Dossier
from app.dossiers.policy import is_helper
from app.dossiers.queries.helping import citizen_with, filled_in_by, procedures_with


def start_form(channel: str, formdata=None) -> StartForm:  # type: ignore[no-untyped-def]
    form = (
        StartForm(formdata=None, data={"client_token": os.urandom(12).hex()})
        if formdata is None
        else StartForm(formdata=formdata)
    )
    form.procedure.choices = [(p.id, p.name) for p in procedures_with(channel)]
    return form


def citizen_page(template: str, citizen: User, form: StartForm, status: int = 200):  # type: ignore[no-untyped-def]
    """The citizen's page: masked identity, a new application, and only the dossiers this
    helper filled in for them (never the citizen's others)."""
    return render(
        template,
        status=status,
        citizen=citizen,
        form=form,
        dossiers=filled_in_by(citizen.id, current_user.id),
        masked_phone=mask_phone(citizen.phone),
        masked_id=mask_id_number(citizen.id_number or ""),
    )


def find_citizen(form: CitizenSearchForm) -> User | None:
    """The citizen with exactly the posted phone or ID number (a counter is not a directory)."""
    key = form.lookup()
    if key is None:
        form.q.errors = [
            "Nhập đủ số điện thoại di động (10 chữ số) hoặc số định danh cá nhân (12 chữ số)."
        ]
        return None
    return citizen_with(*key)


def prefill_registration(form) -> None:  # type: ignore[no-untyped-def]
    """A "register this person" button posts the number searched for (never in a URL, which
    the shared browser's history would keep): put it in the registration form."""
    key = CitizenSearchForm(formdata=None, data={"q": request.form.get("q", "")}).lookup()
    if key is not None:
        form[key[0]].data = key[1]


def at_post_office(dossier: Dossier) -> bool:
    """A post-office clerk fills this dossier in at the counter (papers taken there)."""
    return is_helper(current_user, dossier) and has_permission(current_user, Permission.POSTAL_WORK)


def helper_home(dossier: Dossier) -> str:
    """The page of the citizen the helper is serving: at the counter, or at the village hall."""
    if at_post_office(dossier):
        return url_for("counter.citizen", user_id=dossier.owner_id)
    return url_for("assist.citizen")


def helper_landing(dossier: Dossier) -> str:
    """After submitting: a counter clerk checks the papers; a volunteer prints for the citizen."""
    landing = panels.landing(dossier)
    if landing is not None:
        return landing
    if not dossier.is_draft and not at_post_office(dossier):
        return url_for("assist.submitted", dossier_id=dossier.id)
    return helper_home(dossier)
