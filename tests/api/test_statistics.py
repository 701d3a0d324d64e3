"""GET /api/v1/thong-ke: the public numbers as JSON, as the OpenAPI document describes them."""

from __future__ import annotations

from datetime import date

import pytest
from reports_world import brute_force, seed

from app.reports.periods import QUARTER, period_for

KEYS = {"received": "received", "on_time": "time:on_time", "overdue": "time:overdue"}


def test_the_numbers_need_no_token_and_fit_the_contract(api, citizen, app) -> None:  # type: ignore[no-untyped-def]
    seed(citizen.id)
    app.config["STATS_MIN_CELL"] = 1  # nothing hidden: every count is checked
    body = api.get("/thong-ke?kind=quarter&date=2026-12-01").get_json()
    assert body["period"] == {
        "kind": "quy",
        "first": "2026-10-01",
        "last": "2026-12-31",
        "label": "Quý IV/2026",
    }
    assert body["evaluated_on"] == "2026-11-23"  # the API tests run on that Monday
    total: dict[str, int] = {}
    for counts in brute_force(period_for(QUARTER, date(2026, 12, 1)), date(2026, 11, 23)).values():
        for key, metric in KEYS.items():
            total[key] = total.get(key, 0) + counts[metric]
    assert {key: body["province"]["counts"][key] for key in KEYS} == total
    assert sum(u["counts"]["received"] for u in body["units"]) == total["received"]


def test_small_counts_are_null(api, citizen, app) -> None:  # type: ignore[no-untyped-def]
    seed(citizen.id)
    app.config["STATS_MIN_CELL"] = 30
    body = api.get("/thong-ke?kind=custom&first=2026-12-01&last=2026-12-01").get_json()
    assert body["min_cell"] == 30
    counts = [v for unit in body["units"] for v in unit["counts"].values()]
    assert None in counts and all(v is None or v == 0 or v >= 30 for v in counts)
    assert all(
        unit["online_share"] is None for unit in body["units"] if unit["counts"]["received"] is None
    )


@pytest.mark.parametrize(
    "query",
    [
        "kind=decade",
        "date=01/12/2026",
        "kind=custom&first=2026-12-09&last=2026-12-01",
        "first=2026-13-01",
    ],
)
def test_a_bad_question_answers_422(api, query: str) -> None:  # type: ignore[no-untyped-def]
    response = api.get(f"/thong-ke?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_request"
