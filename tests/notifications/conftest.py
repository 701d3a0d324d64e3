"""Fixtures of the outbox's tests: dossiers to notify, the app sending through the local eSMS
gateway (tests/gateways)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db

T0 = datetime(2026, 12, 7, 9, 30)
PHONE = "0971234567"  # Viettel
CALLBACK_SECRET = "k7Qm2VxP9rTz4LwN8sYdBq3H"


@pytest.fixture
def esms_sms(app, esms_gateway) -> None:  # type: ignore[no-untyped-def]
    """SMS go through the local eSMS gateway (its reports to PUBLIC_BASE_URL, if a test serves
    the app); e-mail stays on the log adapter unless the test says otherwise."""
    app.config.update(
        NOTIFY_SMS_ADAPTER="esms",
        ESMS_API_URL=esms_gateway.base_url,
        ESMS_API_KEY=esms_gateway.api_key,
        ESMS_SECRET_KEY=esms_gateway.secret_key,
        ESMS_BRANDNAME="UBND NGHEAN",
        ESMS_TIMEOUT_SECONDS=5,
        ESMS_CALLBACK_SECRET=CALLBACK_SECRET,
        NOTIFY_ID_PREFIX="motcua-40-test",
    )


@pytest.fixture
def make_dossier(citizen, procedure):  # type: ignore[no-untyped-def]
    """A dossier received at the counter, every contact filled in."""
    numbers = iter(range(1, 1000))  # one fixture per test: codes unique within it

    def factory(**fields: Any) -> Dossier:
        code = f"000.12.34.H40-261207-{next(numbers):04d}"
        values: dict[str, Any] = {
            "code": code,
            "client_token": code,
            "owner_id": citizen.id,
            "procedure_id": procedure.id,
            "status": DossierStatus.RECEIVED,
            "applicant_name": "Lò Văn Pâng",
            "applicant_id_number": "040190123456",
            "applicant_date_of_birth": date(1988, 3, 2),
            "applicant_phone": PHONE,
            "applicant_email": "lo.van.pang@example.vn",
            "address_village": "Bản Huồi Tụ",
            "return_channel": "online",
            "submitted_at": T0,
            "received_at": T0,
            "due_date": date(2026, 12, 9),
            **fields,
        }
        dossier = Dossier(**values)
        db.session.add(dossier)
        db.session.commit()
        return dossier

    return factory


def esms_config(gateway: Any) -> dict[str, Any]:
    return {
        "NOTIFY_SMS_ADAPTER": "esms",
        "ESMS_API_URL": gateway.base_url,
        "ESMS_API_KEY": gateway.api_key,
        "ESMS_SECRET_KEY": gateway.secret_key,
        "ESMS_BRANDNAME": "UBND NGHEAN",
        "ESMS_TIMEOUT_SECONDS": 5,
        "ESMS_CALLBACK_SECRET": CALLBACK_SECRET,
        "NOTIFY_ID_PREFIX": "motcua-40-test",
    }
