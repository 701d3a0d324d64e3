"""Feedback fixtures: the commune centre's officer, and dossiers whose result was returned."""

from __future__ import annotations

import pytest
from helpers import complete_draft

from app.catalogue.models import Unit
from app.core.roles import Role
from app.dossiers.operations import intake, processing
from app.dossiers.operations.drafts import save_delivery
from app.dossiers.operations.submitting import submit
from app.extensions import db

SITE = "https://dichvucong.nghean.gov.vn"  # the same in tests/feedback_helpers.py
COMMUNE = "17329"  # where tests/helpers.py's applicants live


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    return {**app_config, "PUBLIC_BASE_URL": SITE}


@pytest.fixture
def commune_unit(app) -> Unit:  # type: ignore[no-untyped-def]
    return db.session.scalar(db.select(Unit).filter_by(commune_code=COMMUNE))


@pytest.fixture
def other_unit(app) -> Unit:  # type: ignore[no-untyped-def]
    return db.session.scalar(db.select(Unit).filter_by(kind="province_centre"))


@pytest.fixture
def officer(make_user, commune_unit):  # type: ignore[no-untyped-def]
    return make_user(role=Role.OFFICER, units=[commune_unit], full_name="Trần Văn Minh")


@pytest.fixture
def returned(officer, procedure):  # type: ignore[no-untyped-def]
    """``returned(owner, token, via)``: a dossier of ``owner`` submitted, accepted, decided on
    paper and handed over ``via`` (counter or post)."""

    def make(owner, token: str = "r1", via: str = "counter", helper=None):  # type: ignore[no-untyped-def]
        dossier = complete_draft(owner, procedure, token)
        save_delivery(dossier, {"intake_channel": "online", "return_channel": "counter"})
        assert submit(dossier, owner)
        intake.accept(dossier, officer)
        processing.approve(dossier, officer, result_kind="paper", note="Giấy khai sinh bản chính")
        processing.return_result(dossier, officer, via=via)
        if helper is not None:  # filled in at the village hall by a team member
            dossier.created_by_id = helper.id
        db.session.commit()
        return dossier

    return make
