"""A post office's new API token is shown once and never travels in the cookie: the page that
shows it takes it from the server (app/accounts/shown_once.py), and a replayed cookie shows
nothing."""

from __future__ import annotations

from bs4 import BeautifulSoup
from helpers import make_post_office
from sqlalchemy import select

from app.accounts.models import PendingSecret
from app.extensions import db
from app.postal.queries.tokens import verify


def shown_token(response) -> str | None:  # type: ignore[no-untyped-def]
    tag = BeautifulSoup(response.text, "html.parser").select_one(".token")
    return tag.get_text(strip=True) if tag else None


def test_a_new_token_is_held_on_the_server_and_shown_once(app, admin_client) -> None:
    office = make_post_office()
    response = admin_client.post(
        f"/quan-tri/buu-cuc/{office.id}/khoa-api",
        data={"name": "Hệ thống bưu chính Vietnam Post", "scopes": ["read"]},
    )
    assert response.status_code == 303
    cookie = admin_client.get_cookie("session").value
    serializer = app.session_interface.get_signing_serializer(app)
    before = repr(serializer.loads(cookie))
    replay = app.test_client()
    replay.set_cookie("session", cookie, domain="localhost")

    plain = shown_token(admin_client.get(response.location))
    assert plain and plain.startswith("mc_") and verify(plain) is not None
    assert plain not in before and plain[3:] not in cookie
    assert list(db.session.scalars(select(PendingSecret))) == []
    replayed = replay.get(response.location)
    assert replayed.status_code == 200 and shown_token(replayed) is None
    assert plain not in replayed.text
