"""Sealing (Fernet under a key derived from SECRET_KEY by HKDF): pure, no app."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core.sealing import Unreadable, seal, unseal

KEY = "a-long-random-secret-key-of-the-province-" + "7" * 20
AT = datetime(2026, 11, 23, 9, 0)


def test_a_sealed_code_opens_with_the_same_key_and_purpose_only() -> None:
    token = seal("246810", secret_key=KEY, purpose="notification-secret", at=AT)
    assert "246810" not in token and token.isascii()
    assert unseal(token, secret_key=KEY, purpose="notification-secret") == "246810"
    with pytest.raises(Unreadable):
        unseal(token, secret_key=KEY + "x", purpose="notification-secret")
    with pytest.raises(Unreadable):
        unseal(token, secret_key=KEY, purpose="another-use")


def test_sealing_twice_gives_two_tokens_and_an_altered_one_never_opens() -> None:
    first = seal("246810", secret_key=KEY, purpose="p", at=AT)
    second = seal("246810", secret_key=KEY, purpose="p", at=AT)
    assert first != second  # a fresh IV each time: equal codes do not look equal
    altered = first[:-6] + ("A" if first[-6] != "A" else "B") + first[-5:]
    with pytest.raises(Unreadable):
        unseal(altered, secret_key=KEY, purpose="p")
    with pytest.raises(Unreadable):
        unseal("not a token at all", secret_key=KEY, purpose="p")
