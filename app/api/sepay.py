"""SePay's webhook (DOMAIN.md §12): its API key checked, its body read into a transfer.

SePay sends ``Authorization: Apikey <key>`` with the key configured for the webhook; ours is
``PAYMENT_SEPAY_API_KEY``. It is compared in constant time and never logged (refusals log the
code only; app/core/logmask.py masks an ``Apikey`` header anywhere it might appear). With no
key configured every call is refused: a webhook without authentication is never accepted.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

from flask import current_app, request

from app.api import openapi, validation
from app.api.errors import ApiError, invalid
from app.payments.operations.transfers import Reported

SOURCE = "sepay"
SCHEME = "apikey"


def check_key() -> None:
    """Raise 401 unless the request carries the configured API key."""
    configured = current_app.config.get("PAYMENT_SEPAY_API_KEY", "")
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    presented = value.strip() if scheme.lower() == SCHEME else ""
    if not configured:
        current_app.logger.warning("sepay webhook called but PAYMENT_SEPAY_API_KEY is not set")
    if not (
        configured
        and presented
        and hmac.compare_digest(presented.encode("utf-8"), configured.encode("utf-8"))
    ):
        raise ApiError(
            "unauthorized",
            "Thiếu khoá API, hoặc khoá API không đúng.",
            headers={"WWW-Authenticate": 'Apikey realm="motcua-sepay"'},
        )


def parse(body: Any) -> Reported | None:
    """The transfer the body reports; None for money going out (not ours to record)."""
    if body is None:
        raise invalid({validation.BODY: "Nội dung yêu cầu phải là một đối tượng JSON."})
    found = validation.errors(body, openapi.SEPAY_REQUEST)
    moment = None
    if "transactionDate" not in found and isinstance(body, dict):
        try:
            moment = datetime.strptime(body["transactionDate"], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            found["transactionDate"] = "Ngày giờ không tồn tại."
    if found:
        raise invalid(found)
    if body["transferType"] != "in":
        return None
    return Reported(
        source=SOURCE,
        external_id=str(body["id"]),
        account_number=body["accountNumber"],
        amount=body["transferAmount"],
        content=body.get("content") or "",
        bank=body.get("gateway") or "",
        bank_reference=body.get("referenceCode") or "",
        transferred_at=moment,
        raw=body,
    )
