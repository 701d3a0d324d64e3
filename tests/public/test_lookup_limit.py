"""The public look-up (/tra-cuu…) is limited per client address (RATELIMIT_LOOKUP): guessing
dossier codes one after another stops with a polite 429."""

from __future__ import annotations

from helpers import submit_via_services


def test_looking_up_codes_is_limited_per_address(app, citizen, procedure) -> None:
    app.config["RATELIMIT_LOOKUP"] = "4/minute"
    dossier = submit_via_services(citizen, procedure)
    client = app.test_client()
    guesses = [client.get(f"/tra-cuu/{dossier.code[:-4]}{n:04d}").status_code for n in range(3)]
    assert 404 in guesses
    assert client.get(f"/tra-cuu?ma={dossier.code}").status_code == 303  # the form counts too
    refused = client.get(f"/tra-cuu/{dossier.code}")
    assert refused.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in refused.text
    assert dossier.code not in refused.text
    # Someone elsewhere still looks up their dossier.
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    assert (
        app.test_client().get(f"/tra-cuu/{dossier.code}", environ_base=elsewhere).status_code == 200
    )
