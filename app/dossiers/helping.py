"""What both kinds of helpers (a post-office clerk, a community volunteer) show for the citizen
they are serving: the procedures they can start for them, and what they filled in for them."""

from __future__ import annotations

import os

from flask import request
from flask_login import current_user
from sqlalchemy import select

from app.accounts.forms import CitizenSearchForm
from app.accounts.models import User
from app.catalogue.models import Procedure
from app.core.htmx import render
from app.core.identity import mask_id_number, mask_phone
from app.core.roles import Role
from app.dossiers.forms import StartForm
from app.dossiers.models import Dossier
from app.extensions import db


def procedures_with(channel: str) -> list[Procedure]:
    """Active procedures offering ``channel`` ("post" at a post office: DOMAIN.md §6)."""
    return [
        p
        for p in db.session.scalars(
            select(Procedure).where(Procedure.is_active.is_(True)).order_by(Procedure.name)
        )
        if channel in (p.channels or [])
    ]


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
    dossiers = db.session.scalars(
        select(Dossier)
        .where(Dossier.owner_id == citizen.id, Dossier.created_by_id == current_user.id)
        .order_by(Dossier.id.desc())
    ).all()
    return render(
        template,
        status=status,
        citizen=citizen,
        form=form,
        dossiers=dossiers,
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
    return db.session.scalar(
        select(User).where(getattr(User, key[0]) == key[1], User.role == Role.CITIZEN)
    )


def prefill_registration(form) -> None:  # type: ignore[no-untyped-def]
    """A "register this person" button posts the number searched for (never in a URL, which
    the shared browser's history would keep): put it in the registration form."""
    key = CitizenSearchForm(formdata=None, data={"q": request.form.get("q", "")}).lookup()
    if key is not None:
        form[key[0]].data = key[1]
