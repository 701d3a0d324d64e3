"""A local eSMS.vn gateway: a real HTTP server that answers as the public documentation says.

``POST /MainService.svc/json/SendMultipleMessage_V4_post_json/`` with a JSON object of strings:

* checks the keys (101), the price list (102), the balance (103), the brand name (104), the
  message type (118), the phone number's format (108) and the blocked numbers (99);
* refuses a ``RequestId`` it has seen before (124, for the server's life: shorter than the
  gateway's 24 hours, longer than any test);
* otherwise answers 100 with a new ``SMSID`` and records the message (``accepted``), except in
  sandbox, where it validates and answers but records nothing as sent.

Controls for the tests: ``forced_code`` (answer this CodeResult to every request),
``http_status`` (answer e.g. 500 with an HTML page), ``hang`` (take the message, then hold the
answer until the server stops: the client's time-out), ``not_json`` (answer plain text).
Every request, good or bad, is kept in ``requests``; ``arrivals`` says when each came in
(``time.monotonic()``, the same clock in every process of the machine: the bench compares it
with the moment an action committed).

:meth:`EsmsGateway.deliver` sends a delivery report for a message as the gateway does: an HTTP
GET on the message's ``CallbackUrl``, tried again (up to 5 times in all) when it fails.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
PHONE = re.compile(r"(?:0|84)[35789][0-9]{8}")
SMS_TYPES = {"1", "2", "8"}  # advertising, customer care, fixed cheap
CALLBACK_TRIES = 5
_HANG_LIMIT_SECONDS = 30  # a hanging answer is released at the latest then (or at stop())


@dataclass
class CallbackAttempt:
    url: str
    status: int | None  # HTTP status, None when the connection failed or timed out


@dataclass(frozen=True)
class Arrival:
    at: float  # time.monotonic() when the request's body was read
    phone: str
    request_id: str


@dataclass
class EsmsGateway:
    api_key: str = "esms-test-api-key"
    secret_key: str = "esms-test-secret-key"
    brandnames: tuple[str, ...] = ("UBND NGHEAN",)
    blocked: set[str] = field(default_factory=set)
    balance: int = 1000  # messages the account can still pay for
    priced: bool = True
    forced_code: str | None = None
    http_status: int = 200
    hang: bool = False
    not_json: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[dict[str, str]] = field(default_factory=list)
    callbacks: list[CallbackAttempt] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._request_ids: dict[str, str] = {}
        self._by_smsid: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # --- life -------------------------------------------------------------------------------

    def start(self) -> EsmsGateway:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.gateway = self  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        """The ``ESMS_API_URL`` of this gateway."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/MainService.svc/json/"

    # --- the API ----------------------------------------------------------------------------

    def answer(self, body: Any) -> tuple[int, dict[str, str]]:
        """(HTTP status, JSON answer) for a request's parsed body, as the gateway decides."""
        if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
            return 400, {"error": "Invalid request"}
        with self._lock:
            self.requests.append(body)
            code = self.forced_code or self._check(body)
            if code != "100":
                return 200, {"CodeResult": code, "CountRegenerate": "0", "ErrorMessage": _why(code)}
            smsid = str(uuid.uuid4())
            request_id = body.get("RequestId", "")
            if request_id:
                self._request_ids[request_id] = smsid
            if body.get("Sandbox") != "1":
                self.balance -= 1
                message = {**body, "SMSID": smsid}
                self.accepted.append(message)
                self._by_smsid[smsid] = message
            return 200, {"CodeResult": "100", "CountRegenerate": "0", "SMSID": smsid}

    def _check(self, body: dict[str, str]) -> str:
        if body.get("ApiKey") != self.api_key or body.get("SecretKey") != self.secret_key:
            return "101"
        if not self.priced:
            return "102"
        if self.balance <= 0:
            return "103"
        sms_type = body.get("SmsType", "")
        if sms_type not in SMS_TYPES:
            return "118"
        if sms_type != "8" and body.get("Brandname") not in self.brandnames:
            return "104"
        phone = body.get("Phone", "")
        if not PHONE.fullmatch(phone):
            return "108"
        if phone in self.blocked:
            return "99"
        if not body.get("Content"):
            return "99"
        if body.get("RequestId") and body["RequestId"] in self._request_ids:
            return "124"
        return "100"

    # --- delivery reports -------------------------------------------------------------------

    def deliver(self, smsid: str, status: str, *, success: bool = True) -> list[CallbackAttempt]:
        """Send the delivery report of message ``smsid`` to its CallbackUrl (HTTP GET), trying
        again after a failure (a time-out, no connection, a 5xx) up to 5 times in all."""
        message = self._by_smsid[smsid]
        query = {
            "SMSID": smsid,
            "SendFailed": "0" if success or status != "5" else "1",
            "SendStatus": status,
            "SendSuccess": "1" if success and status == "5" else "0",
            "TotalPrice": "0.0000",
            "TotalReceiver": "1",
            "TotalSent": "1",
            "RequestId": message.get("RequestId", ""),
            "TypeId": message["SmsType"],
            "telcoid": _telco(message["Phone"]),
            "phonenumber": message["Phone"],
            "switchsmsid": "",
        }
        url = f"{message['CallbackUrl']}?{urlencode(query)}"
        attempts = []
        for _ in itertools.repeat(None, CALLBACK_TRIES):
            attempt = CallbackAttempt(url, _get(url))
            attempts.append(attempt)
            self.callbacks.append(attempt)
            if attempt.status is not None and attempt.status < 500:
                break
        return attempts


def _why(code: str) -> str:
    return {
        "99": "Phone number is blocked",
        "101": "Authorize Failed",
        "102": "Account has no price list",
        "103": "Balance not enough to send message",
        "104": "Brand name code is not exist",
        "108": "Phone number is invalid",
        "118": "Sms type is invalid",
        "124": "RequestId is duplicated",
    }.get(code, "Error")


def _telco(phone: str) -> str:
    national = "0" + phone[2:] if phone.startswith("84") else phone
    prefixes = {"1": ("03", "086", "096", "097", "098"), "2": ("07", "089", "090", "093")}
    for telco, starts in prefixes.items():
        if national.startswith(starts):
            return telco
    return "3"


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        gateway: EsmsGateway = self.server.gateway  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        arrived = time.monotonic()
        if self.path != SEND_PATH:
            return self._reply(404, b"Endpoint not found.", "text/html")
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            return self._reply(400, b'{"error": "Invalid request"}', "application/json")
        if isinstance(body, dict):
            phone, request_id = str(body.get("Phone", "")), str(body.get("RequestId", ""))
            gateway.arrivals.append(Arrival(arrived, phone, request_id))
        if gateway.http_status >= 500:
            gateway.requests.append(body)
            page = b"<html><body>Internal Server Error</body></html>"
            return self._reply(gateway.http_status, page, "text/html")
        status, answer = gateway.answer(body)
        if gateway.hang:  # the gateway took it (or not); the answer never comes in time
            gateway._release.wait(_HANG_LIMIT_SECONDS)
        if gateway.not_json:
            return self._reply(200, b"Service Unavailable", "text/plain")
        self._reply(status, json.dumps(answer).encode("utf-8"), "application/json")

    def _reply(self, status: int, payload: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the client gave up (a time-out test)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class CallbackReceiver:
    """Where delivery reports go in the tests (the app's route is built elsewhere): records each
    GET's path and query, answers ``statuses`` in turn (then 200)."""

    def __init__(self, statuses: tuple[int, ...] = ()) -> None:
        self.statuses = list(statuses)
        self.received: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _CallbackHandler)
        self._server.daemon_threads = True
        self._server.receiver = self  # type: ignore[attr-defined]
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _CallbackHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        receiver: CallbackReceiver = self.server.receiver  # type: ignore[attr-defined]
        receiver.received.append(self.path)
        status = receiver.statuses.pop(0) if receiver.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass
