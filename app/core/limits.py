"""Rate limits (Flask-Limiter): how often a guessable or costly route may be asked, counted per
client address, per phone typed, per signed-in person or per API token.

A view names its limits with ``@limited("login-address", "login-phone")``; that only marks it.
:func:`init_app` makes the app's own :class:`~flask_limiter.Limiter` and puts each named limit
on the views that carry its name. Each limit is shared by every view that names it (sending a
code counts the same whether it is for registering, claiming or resetting a password), and its
size is configuration (``RATELIMIT_*`` in app/config.py), read on every request.

Counters live in Redis when ``REDIS_URL`` is set (every worker shares them), in memory otherwise;
if Redis stops answering, counting goes on in memory rather than failing the request. A request
over a limit gets 429 with ``Retry-After`` (app/errors.py says it in Vietnamese).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import current_user
from limits.storage import MemoryStorage

from app.core import clock
from app.core.identity import normalise_phone

EXTENSION = "motcua.limiter"
MARK = "rate_limits"
log = logging.getLogger(__name__)


def client_address() -> str:
    """The client's address (behind ``TRUSTED_PROXIES`` proxies, the one they saw)."""
    return request.remote_addr or "unknown"


def posted_phone() -> str:
    """The phone number typed in the form, whatever way it was written; "" when there is none
    (the limit is then skipped: the form refuses it anyway)."""
    phone = normalise_phone(request.form.get("phone", ""))
    return f"phone:{phone}" if phone else ""


def person_or_address() -> str:
    """A signed-in person (a volunteer at a village hall shares its address with everyone
    there), or the address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_address()


def bearer_token() -> str:
    """The API token presented (a digest: the token itself is never a key), or the address."""
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return "token:" + hashlib.sha256(value.strip().encode("utf-8")).hexdigest()[:32]
    return client_address()


def sends_no_code() -> bool:
    """A helper recording consent without a code (on paper), or not yet choosing: no SMS."""
    return request.form.get("way") != "sms_code"


@dataclass(frozen=True)
class Rule:
    setting: str  # the configuration key that holds the limit, e.g. "10/minute;60/hour"
    key: Callable[[], str]  # whom it counts
    methods: tuple[str, ...] | None = ("POST",)  # None: every method
    scope: str = ""  # the counter, when it is another rule's
    exempt: Callable[[], bool] | None = None  # requests it does not count


RULES: dict[str, Rule] = {
    "login-address": Rule("RATELIMIT_LOGIN_PER_ADDRESS", client_address),
    "login-phone": Rule("RATELIMIT_LOGIN_PER_PHONE", posted_phone),
    "register": Rule("RATELIMIT_REGISTER", client_address),
    "claim": Rule("RATELIMIT_CLAIM", client_address),
    "password-reset": Rule("RATELIMIT_PASSWORD_RESET", client_address),
    "code-send": Rule("RATELIMIT_CODE_SEND", person_or_address),
    "consent-code-send": Rule(
        "RATELIMIT_CODE_SEND", person_or_address, scope="code-send", exempt=sends_no_code
    ),
    "code-check": Rule("RATELIMIT_CODE_CHECK", person_or_address),
    "feedback": Rule("RATELIMIT_FEEDBACK", client_address),
    "lookup": Rule("RATELIMIT_LOOKUP", client_address, methods=None),
    "statistics": Rule("RATELIMIT_STATISTICS", client_address, methods=None),
    "api-token": Rule("RATELIMIT_API_PER_TOKEN", bearer_token, methods=None),
    "delivery-report": Rule("RATELIMIT_DELIVERY_REPORT", client_address, methods=None),
    "sepay-webhook": Rule("RATELIMIT_SEPAY_WEBHOOK", client_address, methods=None),
    "oidc": Rule("RATELIMIT_OIDC", client_address, methods=None),
}
SETTINGS = tuple(rule.setting for rule in RULES.values())


def limited(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view with the limits of :data:`RULES` it is under (applied by :func:`init_app`)."""
    unknown = set(names) - set(RULES)
    if unknown or not names:
        raise ValueError(f"unknown rate limits {sorted(unknown)}")

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        setattr(view, MARK, (*getattr(view, MARK, ()), *names))
        return view

    return mark


def _limit_of(setting: str) -> str:
    return current_app.config[setting]


# Flask-Limiter settings for limits over every route; this app has none (see ViewLimiter).
APP_WIDE_SETTINGS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


class ViewLimiter(Limiter):
    """Flask-Limiter checking only the views that carry limits.

    Its ``before_request`` hook looks at every request (static files, the health check…) for
    app-wide, default and meta limits, only to find none: every limit here is put on a view
    by :func:`init_app`, and the view's own wrapper checks it. Skipping that look saved about
    0.1 ms of CPU per request. :func:`init_app` refuses the settings that would make one."""

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        if not in_middleware:
            super()._check_request_limit(callable_name, in_middleware)


def init_app(app: Flask) -> None:
    """The app's limiter, and every marked view under its limits. Call after every blueprint
    is registered."""
    storage = app.config["RATELIMIT_STORAGE_URI"]
    if app.config["APP_ENV"] == "production" and storage.startswith("memory"):
        log.warning(
            "Rate limits are counted in memory: each worker counts apart and a restart forgets. "
            "Set REDIS_URL."
        )
    if app_wide := [name for name in APP_WIDE_SETTINGS if app.config.get(name)]:
        raise RuntimeError(
            f"Rate limits are put on views only (app/core/limits.py), not {app_wide}."
        )
    limiter = ViewLimiter(
        client_address,
        storage_uri=storage_uri(storage),
        strategy="moving-window",
        key_prefix=app.config["RATELIMIT_KEY_PREFIX"],
        in_memory_fallback_enabled=True,
        headers_enabled=False,  # Retry-After is set on the 429 only (app/errors.py)
    )
    limiter.init_app(app)
    _drop_header_hook(app, limiter)
    app.extensions[EXTENSION] = limiter
    for endpoint, view in list(app.view_functions.items()):
        for name in dict.fromkeys(getattr(view, MARK, ())):
            rule = RULES[name]
            view = limiter.shared_limit(
                partial(_limit_of, rule.setting),
                scope=rule.scope or name,
                key_func=rule.key,
                methods=list(rule.methods) if rule.methods else None,
                exempt_when=rule.exempt,
            )(view)
        app.view_functions[endpoint] = view


def _drop_header_hook(app: Flask, limiter: Limiter) -> None:
    """Flask-Limiter's ``after_request`` hook writes the X-RateLimit headers (off here:
    ``headers_enabled=False``) and charges limits that count only some answers (``deduct_when``:
    no rule uses it); on every request it found nothing to do, for ~20 µs."""
    hooks = app.after_request_funcs.setdefault(None, [])
    hooks[:] = [
        hook for hook in hooks if not (isinstance(hook, partial) and hook.args[:1] == (limiter,))
    ]


class MemoryCounts(MemoryStorage):
    """limits' memory storage (``memory://``), its old entries dropped inline once a second.

    The original forgets expired entries in a timer thread that lives 10 ms, and starts a new
    one on the next hit after it ended: on a server asked less often than every 10 ms that is
    a thread started per limited request, ~0.3 ms of CPU and more under load (most of what the
    look-up's limit cost). Expiry is only housekeeping: a count always compares the times of
    its entries, so dropping them later changes no answer."""

    STORAGE_SCHEME = ["motcua-memory"]
    CLEAN_EVERY_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.cleaned = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the thread (name-mangled)
        now = time.monotonic()
        if now - self.cleaned >= self.CLEAN_EVERY_SECONDS:
            self.cleaned = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def storage_uri(configured: str) -> str:
    """``memory://`` counted by :class:`MemoryCounts`; any other storage as configured."""
    memory = "memory://"
    return "motcua-" + configured if configured.startswith(memory) else configured


def reset(app: Flask) -> None:
    """Forget every count (tests start each from zero); nothing to forget when limits are off
    (``RATELIMIT_ENABLED = False``)."""
    limiter: Limiter = app.extensions[EXTENSION]
    if limiter.enabled:
        limiter.reset()


def retry_after() -> int:
    """Seconds until the limit this request went over lets go (at least 1)."""
    limiter: Limiter = current_app.extensions[EXTENSION]
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, math.ceil(breached.window.reset_time - clock.epoch()))


def wait_words(seconds: int, now: datetime) -> str:
    """ "45 giây", "3 phút (đến 09:15)": how long to wait, as the page says it."""
    if seconds < 60:
        return f"{seconds} giây"
    until = now + timedelta(seconds=seconds)
    return f"{math.ceil(seconds / 60)} phút (đến {until:%H:%M})"
