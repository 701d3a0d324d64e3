"""Who may call every page: each GET rule of the URL map, requested as every role, against an
explicit table of what each role may enter.

The rules are read from the URL map, so a new route is requested the day it is added (and
fails until the table says who may call it). Ids come from the demo data (one account per role,
the demo citizen's dossiers, the demo post office and team). A role "enters" a page when the
answer is neither a refusal (401, 403, the login page) nor "not found"; every page a role may
not call must refuse it or answer 404, never 5xx. Another citizen gets 404 for every URL of the
demo citizen's data. Not a walk of other people's data (tests/core/test_permission_walk.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from helpers import PASSWORD, demo_clients, demo_data, rule_url, signed_in
from werkzeug.routing import Rule

from app.core.roles import Role

ANONYMOUS = "anonymous"
OTHER_CITIZEN = "other citizen"

# Pages anyone may open, signed in or not.
EVERYONE = {
    "static",
    "favicon",  # /favicon.ico: the site's icon (app/core/static_files.py)
    "public.*",
    "public_stats.*",  # /thong-ke: the province's numbers, counts only
    "api_stats.*",  # the same as JSON
    "catalogue.index",
    "catalogue.procedure",
    "accounts.login",
    "accounts.register",
    "accounts.register_code",
    "accounts.claim",
    "accounts.claim_code",
    "accounts.forgot",
    "accounts.reset_code",
    # Signing in with VNeID: the start, the provider's return, the return from signing out there.
    "accounts.provider_start",
    "accounts.provider_return",
    "accounts.provider_logged_out",
    "api.openapi_document",  # the API's data needs a token: refused (401) to every session
    # Counts only; open by network (METRICS_ALLOW) or token, never by role, and the test
    # client comes from 127.0.0.1 (the allowed default): tests/core/test_metrics.py.
    "metrics",
    "feedback_public.*",  # phản ánh, kiến nghị: send one, read its answer by code
    "feedback_rating.by_link",  # the rating link of the SMS (its token is the key)
}
SIGNED_IN = EVERYONE | {
    "accounts.account",
    "accounts.change_password",
    "dossiers.mine",
    "keep_alive",
}
BACK_OFFICE = {
    "backoffice.queue",
    "backoffice.dossier",
    "agency.*",
    "assist_stats.*",
    "reports.*",  # the statistics dashboard, scoped to the officer's units
    # A dossier of the officer's units, by the citizen's URLs: its page sends them to the back
    # office's; its papers and files open.
    "dossiers.show",
    "dossiers.receipt",
    "dossiers.official_form",
    "dossiers.file",
    "fees.fee",  # the fee panel alone (the page a refused cash or exemption form answers)
    "fees.receipt",  # the fee receipt of a payment of the officer's units
    "feedback_staff.*",  # the units' feedback queue and answers
}
POST_OFFICE = {"postal.*", "counter.*"}
# role → the endpoints ("blueprint.*" for all of a blueprint's) the role may enter.
EXPECTED: dict[str, set[str]] = {
    ANONYMOUS: EVERYONE,
    Role.CITIZEN: SIGNED_IN
    | {
        "dossiers.show",
        "dossiers.file",
        "dossiers.official_form",
        "dossiers.receipt",
        "fees.receipt",
        "dossiers.step",
        "booking.book",
        "payments.pay",  # what the dossier owes and how to pay it (its owner only)
        "feedback_rating.by_owner",  # rate the service of one's returned dossier
    },
    OTHER_CITIZEN: SIGNED_IN,
    Role.OFFICER: SIGNED_IN
    | BACK_OFFICE
    | {"backoffice.register", "backoffice.register_csv", "reconciliation.*"}
    # The unit's books of fees (its register of money), with the same permission.
    | {"paybooks.index", "paybooks.report", "paybooks.report_csv", "paybooks.report_pdf"}
    | {"paybooks.refund"},
    Role.SPECIALIST: SIGNED_IN | BACK_OFFICE,
    Role.POSTAL: SIGNED_IN | POST_OFFICE,
    Role.POSTAL_HEAD: SIGNED_IN | POST_OFFICE | {"postal_admin.post_office_schedule"},
    Role.COMMUNITY: SIGNED_IN
    | {"assist.*", "assist_stats.*", "feedback_rating.hall_list", "feedback_rating.at_hall"},
    Role.ADMIN: SIGNED_IN
    | {
        "accounts_admin.*",
        "assist_admin.*",
        "catalogue_admin.*",
        "dossiers_admin.*",
        "postal_admin.*",
        "notifications_admin.*",
        "payments_admin.*",
        "assist_stats.*",
        "reports.*",
    },
}
# Pages whose URL alone opens nothing, for everyone: they show what the session holds (the
# citizen served at the counter now, a secret waiting to be shown once), a result not yet
# recorded, a dossier the volunteer has not helped with. A role may call them (the table),
# and with the demo data they answer 404; the pages' own tests open them.
NOT_FOUND_WITH_DEMO_DATA = {
    "counter.citizen",
    "accounts_admin.staff_password",
    "notifications_admin.message",  # an outbox message (the demo data may queue none)
    "postal_admin.api_token_shown",
    "dossiers.result",
    "assist.submitted",
    "assist.consent",
    "assist.enter_code",
    "assist.receipt",
    "assist.guide",
    "agency.manifest",
    "reconciliation.transfer",  # the demo data receives no transfer
    "payments_admin.transfer",  # nor one into an account no unit collects into
    "agency.manifest_pdf",
    "postal.manifest",
    "postal.manifest_pdf",
    "postal.fee_receipt_pdf",
    # The demo item is booked, not collected yet: it has no number, label or receipt.
    "postal.label_pdf",
    "postal.document_list_pdf",
    "postal.receipt_pdf",
    # The demo data returns no result (no rating invited) and receives no feedback.
    "feedback_public.show",
    "feedback_rating.by_link",
    "feedback_rating.by_owner",
    "feedback_rating.at_hall",
    "feedback_staff.item",
    # Signing in with VNeID: no identity provider is configured here (tests/accounts/
    # test_federation.py runs it against one).
    "accounts.provider_start",
    "accounts.provider_return",
}


def _allowed(role: str, endpoint: str) -> bool:
    blueprint = endpoint.rpartition(".")[0]
    return endpoint in EXPECTED[role] or f"{blueprint}.*" in EXPECTED[role]


def _url(rule: Rule, values: dict[str, Any]) -> str:
    """``rule`` with the demo data's values (an endpoint's own values first)."""
    own = values.get(rule.endpoint, {})
    return rule_url(rule, {name: own.get(name, values[name]) for name in rule.arguments})


def _entered(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return False
    if response.status_code in (301, 302, 303, 307):
        return urlsplit(response.location).path != "/dang-nhap"
    return True


def test_every_get_rule_answers_each_role_as_the_table_says(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    values = demo_data()
    clients: dict[str, FlaskClient] = {ANONYMOUS: app.test_client(), **demo_clients(app)}
    other = make_user(full_name="Lương Thị Mai")
    clients[OTHER_CITIZEN] = signed_in(app, other.phone, PASSWORD)
    rules = sorted(
        (r for r in app.url_map.iter_rules() if "GET" in (r.methods or ())),
        key=lambda r: r.rule,
    )
    wrong: list[str] = []
    entered_pages = 0
    for rule in rules:
        url = _url(rule, values)
        for role, client in clients.items():
            response = client.get(url)
            response.get_data()  # a streamed CSV ends inside its own request
            assert response.status_code < 500, (role, url, response.status_code)
            allowed = _allowed(role, rule.endpoint)
            got = _entered(response)
            entered_pages += got
            if allowed and not got and rule.endpoint in NOT_FOUND_WITH_DEMO_DATA:
                got = response.status_code == 404
            if got != allowed:
                wrong.append(f"{role} {url} {response.status_code} (expected: {allowed})")
            # The demo citizen's own pages: another citizen learns nothing, not even that the
            # dossier exists.
            theirs = "dossier_id" in rule.arguments and _allowed(Role.CITIZEN, rule.endpoint)
            if role == OTHER_CITIZEN and theirs:
                assert response.status_code == 404, (url, response.status_code)
    assert wrong == [], "\n".join(wrong)
    assert entered_pages > len(rules)  # most pages were really opened by someone
