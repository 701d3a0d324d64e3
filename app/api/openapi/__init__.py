"""The contract of /api/v1/ as one OpenAPI 3.1 document, built as a Python dict.

One source of truth: the views validate query parameters and request bodies against the JSON
Schemas of this package (:mod:`app.api.validation`), ``/api/v1/openapi.json`` serves this
document, and the tests check every response they receive against it and that its paths are
exactly the blueprint's routes. Change the API here first.

Pure: no Flask, no database. By part: :mod:`.common` (version, page size, events, error
codes, schema builders), :mod:`.bodies` (request bodies), :mod:`.schemas` (response bodies),
:mod:`.paths` (the operations); this module assembles the document.
"""

from __future__ import annotations

import copy
from typing import Any

from app.api.openapi.bodies import EVENT_REQUEST
from app.api.openapi.common import ERROR_CODES, EVENT_STEPS, PAGE_SIZE, REF, TIME_NOTE, VERSION
from app.api.openapi.paths import PATHS
from app.api.openapi.schemas import SCHEMAS
from app.api.openapi.sepay import SEPAY_REQUEST, SEPAY_SCHEMAS, SEPAY_SECURITY_SCHEME
from app.api.openapi.statistics import STATISTICS_SCHEMAS

__all__ = [
    "ERROR_CODES",
    "EVENT_REQUEST",
    "EVENT_STEPS",
    "PAGE_SIZE",
    "PATHS",
    "SCHEMAS",
    "SEPAY_REQUEST",
    "VERSION",
    "document",
    "parameter_schema",
    "resolve",
    "schema",
]


def _scopes_text(scopes: dict[str, str]) -> str:
    return "; ".join(f"`{name}`: {label}" for name, label in sorted(scopes.items()))


def document(scopes: dict[str, str]) -> dict[str, Any]:
    """The OpenAPI document (a fresh copy: callers may not change the contract).

    ``scopes`` are the token scopes and their descriptions (app/postal/tokens.py SCOPES)."""
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Một Cửa: postal operator API and payment notifications",
                "version": VERSION,
                "description": "For the public postal operator's own systems (Decision "
                "45/2016/QĐ-TTg): the pickups and deliveries of a post office, its items, and "
                "the events its workers report. Every call but this document needs "
                "`Authorization: Bearer <token>`; a token belongs to one post office and sees "
                "only that office's items. Scopes: " + _scopes_text(scopes) + ". Errors are "
                '`{"error": {"code", "message", "fields"?}}` with a Vietnamese message. '
                "Responses carry exactly the documented fields. " + TIME_NOTE + " "
                "`/payments/sepay` is SePay's webhook for transfers into the units' collection "
                "accounts, authenticated by `Authorization: Apikey <key>` instead. "
                "`/thong-ke` is the province's public statistics, open to anyone.",
                "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
            },
            "servers": [{"url": "/api/v1"}],
            "security": [{"bearerAuth": []}],
            "paths": PATHS,
            "components": {
                "schemas": {**SCHEMAS, **SEPAY_SCHEMAS, **STATISTICS_SCHEMAS},
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A post office's API token (`mc_…`), issued by the "
                        "administrator and shown once. Scopes: " + _scopes_text(scopes) + ".",
                    },
                    "sepayApiKey": SEPAY_SECURITY_SCHEME,
                },
            },
        }
    )


def schema(name: str) -> dict[str, Any]:
    return {**SCHEMAS, **STATISTICS_SCHEMAS}[name]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a ``$ref`` to a component schema (the only kind of reference used here)."""
    while "$ref" in node:
        node = {**SCHEMAS, **STATISTICS_SCHEMAS}[node["$ref"].removeprefix(REF)]
    return node


def parameter_schema(path: str, method: str, name: str) -> dict[str, Any]:
    for parameter in PATHS[path][method]["parameters"]:
        if parameter["name"] == name:
            return parameter["schema"]
    raise KeyError(name)
