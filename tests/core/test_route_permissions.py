"""Every route declares who may call it, and protected pages send anonymous users to log in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from app.core.permissions import ACCESS_ATTRIBUTE


def _rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _dummy_value(converter: object) -> int | str:
    """7 for an integer, the first choice of an ``any(…)``, a word for the others."""
    if isinstance(converter, IntegerConverter):
        return 7
    choices = getattr(converter, "items", None)
    return sorted(choices)[0] if choices else "x"


def _dummy_url(rule: Rule) -> str:
    """Build a concrete URL for ``rule``: 7 for integer arguments, a word for the others."""
    values = {name: _dummy_value(rule._converters.get(name)) for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_every_endpoint_declares_its_access_rule(app: Flask) -> None:
    offenders = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, ACCESS_ATTRIBUTE, None)
    )
    assert offenders == [], f"views without @public or @require: {offenders}"
    # The walk really covered the application (guards against an empty url_map).
    assert len(_rules(app)) >= 15


def test_the_access_rule_is_one_of_the_two_declarations(app: Flask) -> None:
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        rule = getattr(view, ACCESS_ATTRIBUTE)
        assert rule == "public" or rule.startswith("permission:"), (endpoint, rule)


def test_anonymous_get_to_every_protected_route_redirects_to_login(app: Flask, client) -> None:
    protected = [
        rule
        for rule in _rules(app)
        if "GET" in rule.methods
        and getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE) != "public"
    ]
    assert {rule.endpoint for rule in protected} >= {
        "dossiers.mine",
        "dossiers.show",
        "dossiers.step",
        "dossiers.file",
        "dossiers.receipt",
        "accounts.account",
    }
    failures = []
    for rule in protected:
        url = _dummy_url(rule)
        response = client.get(url)
        location = urlsplit(response.headers.get("Location", ""))
        come_back = parse_qs(location.query).get("next", [""])[0]
        if response.status_code != 303 or location.path != "/dang-nhap" or come_back != url:
            failures.append((url, response.status_code, location.geturl()))
    assert failures == []


def test_anonymous_post_to_protected_routes_redirects_to_login(app: Flask, client) -> None:
    protected = [
        rule
        for rule in _rules(app)
        if "POST" in rule.methods
        and getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE) != "public"
    ]
    assert protected
    for rule in protected:
        response = client.post(_dummy_url(rule))
        assert response.status_code == 303, rule.rule
        assert urlsplit(response.location).path == "/dang-nhap", rule.rule


def test_public_pages_answer_anonymous_users(client) -> None:
    for url in ("/", "/thu-tuc", "/tra-cuu", "/dang-nhap", "/dang-ky", "/chinh-sach-bao-mat"):
        assert client.get(url).status_code == 200, url
