"""Cash posted twice at the same moment on PostgreSQL: the same form (a double tap that reached
two workers) and two different forms (two tabs) book one payment between them."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from helpers import PASSWORD
from sqlalchemy import func, select

from app.core import clock
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.payments.models import Payment


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (SQLite serialises writers)")
    clock.freeze(datetime(2026, 11, 23, 9, 30))


def _post_together(app, phone: str, dossier_id: int, tokens: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(tokens), timeout=30)

    def work(token: str) -> int:
        client = app.test_client()
        signed = client.post("/dang-nhap", data={"phone": phone, "password": PASSWORD})
        assert signed.status_code == 303
        barrier.wait()
        return client.post(
            f"/can-bo/ho-so/{dossier_id}/phi/tien-mat",
            data={
                "cash-client_token": token,
                "cash-amount": "10000",
                "cash-payer_name": "Vừ A Dính",
            },
        ).status_code

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(work, tokens))


@pytest.mark.parametrize(
    ("tokens", "statuses"),
    [
        (["a1b2c3d4e5f6a7b8c9d0e1f2"] * 4, [303] * 4),
        ([f"{n:024d}" for n in range(4)], [303, 422, 422, 422]),
    ],
    ids=["same form", "four tabs"],
)
def test_one_payment_whatever_arrives_at_once(app, owed, officer, tokens, statuses) -> None:  # type: ignore[no-untyped-def]
    _, user = officer
    dossier_id, phone = owed.id, user.phone
    db.session.commit()
    db.session.remove()  # let the threads' sessions see and lock the rows
    got = _post_together(app, phone, dossier_id, tokens)
    assert sorted(got) == statuses
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert db.session.get(Dossier, dossier_id).fee_state == "paid"
    events = select(func.count()).select_from(DossierEvent)
    assert db.session.scalar(events.filter_by(dossier_id=dossier_id, action="fee_paid")) == 1
