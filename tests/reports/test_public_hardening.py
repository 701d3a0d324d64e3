"""The public statistics hardened: no hidden cell can be had back by subtraction (a second
cell hidden beside it, shares made of hidden counts hidden), the numbers kept a few minutes per
process, and a rate limit per address shared by the page and the JSON."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from reports_world import seed

from app.core import clock
from app.dossiers.models import Dossier
from app.extensions import db
from app.reports import suppression
from app.reports.public import CHANNELS, ONLINE_CHANNELS, PUBLIC_METRICS

NOW = datetime(2026, 12, 15, 9, 30)


def test_one_hidden_cell_in_a_column_takes_a_second_with_it() -> None:
    values = {
        (0, "counter"): 3, (1, "counter"): 40, (2, "counter"): 9, (3, "counter"): 0,
        ("all", "counter"): 52,
    }  # fmt: skip
    related = suppression.relations([0, 1, 2, 3], "all", ["counter"], {})
    assert suppression.first_round(values, 5) == {(0, "counter")}
    # 52 − 40 − 9 − 0 = 3: the 9 (the smallest shown, not the 0) is hidden too.
    assert suppression.hidden_cells(values, related, 5) == {(0, "counter"), (2, "counter")}


def test_a_row_total_and_a_column_total_both_hold() -> None:
    """Hiding for the column leaves one alone in a row: that row takes a second one too."""
    rows, columns = [0, 1], ["a", "b", "c"]
    table = {0: {"a": 2, "b": 30, "c": 8}, 1: {"a": 20, "b": 6, "c": 7}}
    values = {(r, c): table[r][c] for r in rows for c in columns}
    values.update({(r, "sum"): sum(table[r].values()) for r in rows})
    values.update({("all", c): sum(values[(r, c)] for r in rows) for c in [*columns, "sum"]})
    related = suppression.relations(rows, "all", [*columns, "sum"], {"sum": columns})
    hidden = suppression.hidden_cells(values, related, 5)
    assert (0, "a") in hidden and len(hidden) >= 4
    assert suppression.recoverable(values, hidden, related) == set()


def test_no_random_table_gives_a_hidden_cell_back() -> None:
    rng = random.Random(16)
    for _ in range(300):
        rows, columns = list(range(rng.randrange(1, 7))), ["x", "y", "z"]
        table = {(r, c): rng.choice([0, 1, 2, 3, 4, 5, 8, 20, 60]) for r in rows for c in columns}
        values = dict(table)
        values.update({(r, "sum"): sum(table[(r, c)] for c in columns) for r in rows})
        for c in [*columns, "sum"]:
            values[("all", c)] = sum(values[(r, c)] for r in rows)
        related = suppression.relations(rows, "all", [*columns, "sum"], {"sum": columns})
        hidden = suppression.hidden_cells(values, related, 5)
        assert suppression.first_round(values, 5) <= hidden
        assert suppression.recoverable(values, hidden, related) == set()


@pytest.fixture
def world(app, citizen):  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    return seed(citizen.id)


@pytest.mark.parametrize("threshold", [3, 5, 12])
def test_the_public_json_gives_no_hidden_cell_back(app, client, world, threshold) -> None:  # type: ignore[no-untyped-def]
    app.config["STATS_MIN_CELL"] = threshold
    seen_hidden = 0
    for query in ("kind=week&date=2026-12-01", "kind=month&date=2026-12-01", "kind=quarter"):
        body = client.get(f"/api/v1/thong-ke?{query}").get_json()
        rows = [body["province"], *body["units"]]
        for row in rows:  # the row: received = the channels
            hidden = [k for k in CHANNELS if row["counts"][k] is None]
            assert row["counts"]["received"] is None or len(hidden) != 1, row
            if any(row["counts"][k] is None for k in ONLINE_CHANNELS):
                assert row["online_share"] is None
            if None in (row["counts"]["on_time"], row["counts"]["late"]):
                assert row["on_time_rate"] is None
        for key in PUBLIC_METRICS:  # the column: the province = its units
            hidden = [u for u in body["units"] if u["counts"][key] is None]
            assert body["province"]["counts"][key] is None or len(hidden) != 1, key
            seen_hidden += len(hidden)
            for row in rows:
                value = row["counts"][key]
                assert value is None or value == 0 or value >= threshold
    assert seen_hidden > 0


def test_the_numbers_are_kept_a_few_minutes(app, client, world, citizen) -> None:  # type: ignore[no-untyped-def]
    app.config.update(STATS_MIN_CELL=1, STATS_CACHE_SECONDS=300)
    url = "/api/v1/thong-ke?kind=custom&first=2026-12-15&last=2026-12-15"
    before = client.get(url).get_json()["province"]["counts"]["received"]
    db.session.add(
        Dossier(
            code="000.00.16.H40-261215-9999",
            client_token="late",
            owner_id=citizen.id,
            procedure_id=world[0].procedure_id,
            receiving_unit_id=world[0].receiving_unit_id,
            applicant_name="Quàng Thị Xuân",
            submitted_at=NOW,
            status="submitted",
        )
    )
    db.session.commit()
    assert client.get(url).get_json()["province"]["counts"]["received"] == before
    assert client.get(url.replace("thong-ke?", "thong-ke?x=1&")).status_code == 200
    clock.freeze(NOW + timedelta(seconds=301))
    assert client.get(url).get_json()["province"]["counts"]["received"] == before + 1
    app.config["STATS_CACHE_SECONDS"] = 0
    clock.freeze(NOW)
    assert client.get(url).get_json()["province"]["counts"]["received"] == before + 1


def test_the_page_and_the_json_share_a_limit_per_address(app, client, world) -> None:  # type: ignore[no-untyped-def]
    app.config["RATELIMIT_STATISTICS"] = "3/minute"
    answers = [
        client.get("/thong-ke").status_code,
        client.get("/api/v1/thong-ke").status_code,
        client.get("/thong-ke?ky=nam").status_code,
        client.get("/api/v1/thong-ke?kind=year").status_code,
        client.get("/thong-ke").status_code,
    ]
    assert answers == [200, 200, 200, 429, 429]
    other = app.test_client()
    response = other.get("/thong-ke", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200
