"""What a dossier's applicant is told: the outbox's message context, built from the dossier.

Privacy (DOMAIN.md §10): the context carries the code, the look-up link, the procedure, dates
and the officer's reason, never the ID number, the address or the phone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import current_app

from app.dossiers.models import Dossier
from app.notifications.messages import MessageContext, lookup_url
from app.notifications.models import Notification
from app.notifications.outbox import queue


def message_context(dossier: Dossier) -> MessageContext:
    """What a message may say about a dossier (never the ID number, address or phone)."""
    if not dossier.code:
        raise ValueError("a dossier without a code (a draft) has nothing to notify")
    request = dossier.supplement_request if isinstance(dossier.supplement_request, dict) else {}
    procedure = dossier.procedure
    return MessageContext(
        code=dossier.code,
        lookup_url=lookup_url(current_app.config.get("PUBLIC_BASE_URL", ""), dossier.code),
        applicant_name=dossier.applicant_name or "",
        procedure_name=procedure.name if procedure is not None else "",
        due_date=dossier.due_date,
        reason=str(request.get("reason") or ""),
        return_channel=dossier.return_channel or "",
    )


def notify(dossier: Dossier, kind: str, **context: Any) -> list[Notification]:
    """Queue the SMS and the e-mail for event ``kind`` of ``dossier`` (no commit).

    To the applicant's phone and e-mail on the dossier; ``context`` overrides fields of the
    message context (a postal message's time window, place, item).
    """
    return queue(
        kind,
        replace(message_context(dossier), **context),
        phone=dossier.applicant_phone or "",
        email=dossier.applicant_email or "",
        user_id=dossier.owner_id,
        dossier_id=dossier.id,
    )
