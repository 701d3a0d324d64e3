"""An officer's action taken from the back office's forms: what each form's data asks of the
intake and processing operations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.accounts.models import User
from app.catalogue.models import Unit
from app.dossiers.models import Dossier
from app.dossiers.operations import intake, processing
from app.dossiers.operations.intake import SupplementItem
from app.dossiers.workflow import Action
from app.extensions import db


def take_action(
    dossier: Dossier, action: Action, actor: User, data: Mapping[str, Any], *, ip: str = ""
) -> None:
    """Take ``action`` with ``data``, the valid data of its form (app/dossiers/forms.py)."""
    if action == Action.ACCEPT:
        intake.accept(dossier, actor, ip=ip)
    elif action == Action.REFUSE:
        intake.refuse(dossier, actor, data["reason"], ip=ip)
    elif action == Action.STOP:
        processing.stop(dossier, actor, data["reason"], ip=ip)
    elif action == Action.REQUEST_SUPPLEMENT:
        items = supplement_items(dossier, data)
        intake.request_supplement(dossier, actor, items, data["reason"], ip=ip)
    elif action == Action.ASSIGN:
        assignee = db.session.get(User, data["assignee"])
        processing.assign(dossier, actor, assignee, data["note"], ip=ip)
    elif action == Action.FORWARD:
        unit = db.session.get(Unit, data["unit"])
        processing.forward(dossier, actor, unit, data["note"], ip=ip)
    elif action == Action.APPROVE:
        upload, name = processing.result_upload(data["result_kind"], data["result_file"])
        processing.approve(
            dossier,
            actor,
            result_kind=data["result_kind"],
            upload=upload,
            original_name=name,
            note=data["note"],
            ip=ip,
        )
    elif action == Action.EXTEND:
        processing.extend(dossier, actor, data["new_due"], data["reason"], ip=ip)
    elif action == Action.RETURN:
        processing.return_result(dossier, actor, data["via"], data["note"], ip=ip)


def supplement_items(dossier: Dossier, data: Mapping[str, Any]) -> list[SupplementItem]:
    """The papers and answers the officer ticked, and anything else they wrote, by name."""
    procedure = dossier.procedure
    labels = {d.code: d.name for d in procedure.documents} | {
        f["name"]: f["label"] for f in procedure.form_schema
    }
    items = [SupplementItem(what=labels[c], document_code=c) for c in data["documents"]] + [
        SupplementItem(what=labels[n], field_name=n) for n in data["fields"]
    ]
    if (data["other"] or "").strip():
        items.append(SupplementItem(what=data["other"].strip()))
    return items
