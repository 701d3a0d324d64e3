"""Where the rating link of a returned dossier is: in the SMS its applicant received."""

from __future__ import annotations

import re

from app.extensions import db
from app.notifications.models import Notification
from app.notifications.outbox import text_to_send

SITE = "https://dichvucong.nghean.gov.vn"


def invite_sms(dossier) -> Notification:  # type: ignore[no-untyped-def]
    query = db.select(Notification).filter_by(
        template="rating_invite", recipient=dossier.applicant_phone
    )
    return db.session.scalar(query.order_by(Notification.id.desc()))


def link_of(dossier) -> str:  # type: ignore[no-untyped-def]
    """The path of the rating link the citizen's phone received."""
    text = text_to_send(invite_sms(dossier))
    found = re.search(re.escape(SITE) + r"(/danh-gia/[a-z0-9]+)", text)
    assert found, text
    return found.group(1)
