"""SMS through eSMS.vn, a Vietnamese brandname gateway (DOMAIN.md §12). ``NOTIFY_SMS_ADAPTER=esms``.

One JSON POST per message to ``{ESMS_API_URL}SendMultipleMessage_V4_post_json/``. The answer's
``CodeResult`` decides what the outbox does:

* ``100``: accepted by the gateway (not yet delivered): a :class:`Receipt` with the ``SMSID``.
* ``99`` number blocked, ``108`` bad number format, ``118`` message type not supported:
  :class:`SendRejected`, never to be tried again.
* ``101`` wrong keys, ``102`` no price list, ``103`` balance too low, ``104`` brand name unknown:
  :class:`GatewayRefused`, the message waits for the administrator.
* ``124`` repeated ``RequestId``: the gateway already holds this message. The ``RequestId`` is
  the same on every attempt of a message (:func:`message_key`), so this answer comes after an
  attempt whose answer we lost (a time-out, a dropped connection) although the gateway took
  it; it is a :class:`Receipt` (with the ``SMSID`` if the answer gives one), so the citizen
  never gets the message twice and it is not retried for ever.
* Anything else, a network error, a time-out, an HTTP error, an answer that is not JSON:
  :class:`SendFailed`, retried with the outbox's backoff.

HTTP with the standard library (``urllib``): one small POST per message needs no connection
pool, the certificate is checked against the system's authorities as with any client, and no
dependency is added. Redirects are not followed (a moved API is a configuration error).

The delivery report (an HTTP GET from the gateway to ``CallbackUrl``) is read by
:func:`parse_delivery_report`; :func:`callback_url` builds that address with a secret in it.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from app.notifications.channels import (
    GatewayRefused,
    Outgoing,
    Receipt,
    SendFailed,
    SendRejected,
    _mask,
    adapter,
    message_key,
)
from app.notifications.sms import encoding

log = logging.getLogger("motcua.notifications")

SEND_OPERATION = "SendMultipleMessage_V4_post_json/"
CALLBACK_PATH = "/bao-cao-gui-tin/esms/"
ACCEPTED = "100"
DUPLICATE_REQUEST = "124"
REJECTED = {
    "99": "phone number blocked",
    "108": "phone number format not accepted",
    "118": "message type not supported",
}
REFUSED = {
    "101": "wrong ApiKey or SecretKey",
    "102": "no price list for the account",
    "103": "balance too low",
    "104": "brand name not registered or not active",
}
TELCOS = {
    "1": "Viettel",
    "2": "MobiFone",
    "3": "VinaPhone",
    "4": "Vietnamobile",
    "5": "Gtel",
    "6": "Itel",
    "7": "Reddi",
}
_ANSWER_MAX_BYTES = 64 * 1024
_GATEWAY_TEXT_MAX = 120


@dataclass(frozen=True)
class EsmsSettings:
    api_url: str
    api_key: str
    secret_key: str
    brandname: str
    sms_type: str = "2"
    sandbox: bool = False
    timeout: float = 10.0
    callback_url: str = ""
    id_prefix: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EsmsSettings:
        return cls(
            api_url=str(config.get("ESMS_API_URL") or ""),
            api_key=str(config.get("ESMS_API_KEY") or ""),
            secret_key=str(config.get("ESMS_SECRET_KEY") or ""),
            brandname=str(config.get("ESMS_BRANDNAME") or ""),
            sms_type=str(config.get("ESMS_SMS_TYPE") or "2"),
            sandbox=str(config.get("ESMS_SANDBOX") or "0").lower() in ("1", "true"),
            timeout=float(config.get("ESMS_TIMEOUT_SECONDS") or 10),
            callback_url=callback_url(
                str(config.get("PUBLIC_BASE_URL") or ""),
                str(config.get("ESMS_CALLBACK_SECRET") or ""),
            ),
            id_prefix=str(config.get("NOTIFY_ID_PREFIX") or ""),
        )

    @property
    def send_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/{SEND_OPERATION}"


def callback_url(public_base_url: str, secret: str) -> str:
    """Where eSMS sends delivery reports: ``{PUBLIC_BASE_URL}/bao-cao-gui-tin/esms/<secret>``.

    Empty (no reports asked for) without a public address or a secret: the reports carry no
    signature, so the secret in the address is their only proof of origin.
    """
    if not public_base_url or not secret:
        return ""
    return f"{public_base_url.rstrip('/')}{CALLBACK_PATH}{quote(secret, safe='')}"


def request_body(message: Outgoing, settings: EsmsSettings) -> dict[str, str]:
    """The JSON object sent for ``message``: every value a string, as the gateway documents."""
    body = {
        "ApiKey": settings.api_key,
        "SecretKey": settings.secret_key,
        "Phone": message.recipient,
        "Content": message.text,
        "Brandname": settings.brandname,
        "SmsType": settings.sms_type,
        # The same rule as the segment count (app/notifications/sms.py): GSM-7 text goes as
        # is, anything else (every Vietnamese letter with a diacritic) as Unicode.
        "IsUnicode": "1" if encoding(message.text) == "UCS-2" else "0",
        "Sandbox": "1" if settings.sandbox else "0",
        "RequestId": message_key(message, settings.id_prefix),
    }
    if settings.callback_url:
        body["CallbackUrl"] = settings.callback_url
    return body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer becomes an HTTPError: SendFailed


_opener = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, payload: Mapping[str, str], timeout: float) -> dict[str, Any]:
    """POST ``payload`` as JSON, return the JSON object answered; :class:`SendFailed` otherwise.

    The errors name what went wrong, never the payload (it holds the keys and the message).
    """
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            raw = response.read(_ANSWER_MAX_BYTES)
    except urllib.error.HTTPError as exc:
        raise SendFailed(f"eSMS answered HTTP {exc.code}", code=f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise SendFailed(f"no answer from eSMS in {timeout:g} s", code="timeout") from None
        raise SendFailed(f"cannot reach eSMS ({type(exc.reason).__name__})") from None
    except TimeoutError:
        raise SendFailed(f"no answer from eSMS in {timeout:g} s", code="timeout") from None
    except (OSError, http.client.HTTPException) as exc:
        raise SendFailed(f"connection to eSMS broken ({type(exc).__name__})") from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise SendFailed("eSMS answered something that is not JSON") from None
    if not isinstance(answer, dict):
        raise SendFailed("eSMS answered JSON that is not an object")
    return answer


def interpret(answer: Mapping[str, Any], secrets: tuple[str, ...] = ()) -> Receipt:
    """The outcome of the gateway's ``answer`` (see the module's docstring)."""
    code = str(answer.get("CodeResult") or "").strip()
    smsid = str(answer.get("SMSID") or "").strip() or None
    if code == ACCEPTED:
        if smsid is None:
            raise SendFailed("eSMS accepted the message without an SMSID", code=code)
        return Receipt(gateway_id=smsid)
    if code == DUPLICATE_REQUEST:
        return Receipt(gateway_id=smsid, note="accepted earlier (duplicate RequestId)")
    said = _gateway_text(answer, secrets)
    if code in REJECTED:
        raise SendRejected(REJECTED[code] + said, code=code)
    if code in REFUSED:
        raise GatewayRefused(REFUSED[code] + said, code=code)
    if not code:
        raise SendFailed("eSMS answered without a CodeResult" + said)
    raise SendFailed("eSMS refused this time" + said, code=code)


def _gateway_text(answer: Mapping[str, Any], secrets: tuple[str, ...]) -> str:
    """The gateway's own ``ErrorMessage`` (or ``error``), short, without our secrets in it."""
    text = str(answer.get("ErrorMessage") or answer.get("error") or "").strip()
    for secret in secrets:
        if secret:
            text = text.replace(secret, "…")
    text = " ".join(text.split())[:_GATEWAY_TEXT_MAX]
    return f": {text}" if text else ""


@adapter("esms", channels=("sms",))
class EsmsChannel:
    """The eSMS adapter; reads its settings from the app's configuration unless given some."""

    def __init__(self, settings: EsmsSettings | None = None) -> None:
        if settings is None:
            from flask import current_app

            settings = EsmsSettings.from_config(current_app.config)
        self.settings = settings

    def send(self, message: Outgoing) -> Receipt:
        settings = self.settings
        body = request_body(message, settings)
        answer = post_json(settings.send_url, body, settings.timeout)
        secrets = (settings.api_key, settings.secret_key, message.text, message.recipient)
        receipt = interpret(answer, secrets)
        log.info(
            "SMS %s to %s accepted by eSMS%s (SMSID %s%s)",
            body["RequestId"],
            _mask(message.recipient),
            " in sandbox" if settings.sandbox else "",
            receipt.gateway_id or "unknown",
            f", {receipt.note}" if receipt.note else "",
        )
        return receipt


class Delivery(StrEnum):
    DELIVERED = "delivered"
    REJECTED = "rejected"
    PENDING = "pending"


_SEND_STATUS = {
    "1": Delivery.PENDING,  # waiting for approval
    "2": Delivery.PENDING,  # waiting
    "4": Delivery.REJECTED,
    "5": Delivery.DELIVERED,  # sending finished: see SendSuccess / SendFailed
    "7": Delivery.PENDING,  # handed to the carrier, waiting for its report
}


@dataclass(frozen=True)
class DeliveryReport:
    smsid: str
    state: Delivery
    send_status: str  # as the gateway sent it
    request_id: str = ""
    phone: str = ""
    telco: str = ""  # the carrier's name, "" when unknown


def parse_delivery_report(query: Mapping[str, str]) -> DeliveryReport:
    """A delivery report from its query parameters; :class:`ValueError` without an ``SMSID``.

    ``SendStatus`` 5 means the gateway finished sending: delivered, unless the counts say the
    one message failed (``SendSuccess`` 0 with ``SendFailed`` above 0), which is a rejection.
    An unknown status is pending (nothing to record yet), its code kept in ``send_status``.
    """
    smsid = (query.get("SMSID") or "").strip()
    if not smsid:
        raise ValueError("a delivery report without SMSID")
    status = (query.get("SendStatus") or "").strip()
    state = _SEND_STATUS.get(status, Delivery.PENDING)
    failed_alone = _count(query, "SendSuccess") == 0 and _count(query, "SendFailed") > 0
    if state is Delivery.DELIVERED and failed_alone:
        state = Delivery.REJECTED
    return DeliveryReport(
        smsid=smsid,
        state=state,
        send_status=status,
        request_id=(query.get("RequestId") or "").strip(),
        phone=(query.get("phonenumber") or "").strip(),
        telco=TELCOS.get((query.get("telcoid") or "").strip(), ""),
    )


def _count(query: Mapping[str, str], name: str) -> int:
    try:
        return int(query.get(name) or "")
    except ValueError:
        return -1
