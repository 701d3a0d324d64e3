"""The operator's API is limited per token (RATELIMIT_API_PER_TOKEN): 429 ``rate_limited`` with
``Retry-After``, as the contract documents; another token, or no token at all, is counted apart."""

from __future__ import annotations


def test_a_busy_token_gets_429_with_retry_after(app, api, office, issue, contract) -> None:
    app.config["RATELIMIT_API_PER_TOKEN"] = "3/minute"
    _, busy = issue(office)
    _, other = issue(office)
    for _ in range(3):
        assert api.get("/pickups", busy).status_code == 200
    refused = api.get("/deliveries", busy)  # every route counts against the same token
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert "thử lại sau" in refused.json["error"]["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # Documented: every operation answers 429 with Retry-After.
    for path in contract.document["paths"].values():
        for operation in path.values():
            if operation.get("security"):
                assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert api.get("/pickups", other).status_code == 200


def test_guessing_tokens_is_limited_per_guess_and_without_a_token_per_address(
    app, api, office
) -> None:
    app.config["RATELIMIT_API_PER_TOKEN"] = "2/minute"
    for _ in range(2):
        assert api.get("/pickups").status_code == 401
    assert api.get("/pickups").status_code == 429
    assert api.get("/pickups", "mc_not-a-real-token").status_code == 401


def test_the_contract_is_not_limited(app, api) -> None:
    app.config["RATELIMIT_API_PER_TOKEN"] = "1/minute"
    for _ in range(3):
        assert app.test_client().get("/api/v1/openapi.json").status_code == 200
