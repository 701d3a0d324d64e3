"""The document tests' citizen with a submitted dossier (downloads of its receipt)."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers import RECEIPT_OWNER, fill_draft, login

from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db


@pytest.fixture
def owner(make_user):  # type: ignore[no-untyped-def]
    return make_user(**RECEIPT_OWNER)


@pytest.fixture
def submitted(client, owner, procedure) -> Dossier:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 23, 9, 5))
    login(client, owner)
    base = fill_draft(client, procedure)
    assert client.post(f"{base}/nop", data={"declaration": "1"}).status_code == 303
    db.session.expire_all()
    return db.session.get(Dossier, int(base.rsplit("/", 1)[1]))
