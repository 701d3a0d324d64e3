"""Một Cửa: online public services for a Vietnamese province."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import (
    DEFAULT_SECRET_KEY,
    ROOT,
    Config,
    missing_gateway_settings,
    sign_in_problems,
    storage_problems,
)
from app.core import logmask
from app.core.routing import App
from app.extensions import CookieSessions, compress, csrf, db, login_manager, migrate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = App(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    if problems := storage_problems(app.config):
        raise RuntimeError("; ".join(problems) + ".")
    _refuse_unsafe_production(app)
    _production_cookies(app)
    app.session_interface = CookieSessions()
    logmask.install()  # before anything logs: codes, passwords, ID numbers never reach a log
    if app.config["TRUSTED_PROXIES"]:
        # Behind a reverse proxy the connection comes from the proxy: believe the address it
        # forwards (rate limits count per client address; the event log records it).
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["STORAGE_BACKEND"] == "local":
        Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"

    from app import (
        accounts,
        api,
        assist,
        catalogue,
        cli,
        dossiers,
        errors,
        feedback,
        models,  # noqa: F401  (registers every table with SQLAlchemy)
        notifications,
        payments,
        postal,
        public,
        reports,
        templating,
    )
    from app.core import limits, logs, metrics, routing, static_files, transaction
    from app.documents import cli as documents_cli

    # /can-bo/ and /can-bo/hang-doi/moi show the same queue; no redirect between them.
    app.url_map.redirect_defaults = False
    routing.init_app(app)  # the <id:…> converter, before any blueprint's rules
    logs.init_app(app)  # the request id and the request's log line (JSON or text)
    metrics.init_app(app)  # /metrics, and every request counted and timed
    transaction.init_app(app)
    errors.init_app(app)
    for domain in (
        public,
        accounts,
        catalogue,
        dossiers,
        payments,
        postal,
        assist,
        feedback,
        notifications,
        reports,
        api,
    ):
        domain.init_app(app)
    cli.init_app(app)
    documents_cli.init_app(app)  # flask documents prune
    limits.init_app(app)  # after every blueprint: it puts the limits on the marked views
    templating.init_app(app)
    _static_fingerprints(app)
    static_files.init_app(app)  # precompressed .br/.gz served when accepted
    _security_headers(app)
    return app


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config["APP_ENV"] != "production":
        return
    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY or len(app.config["SECRET_KEY"]) < 32:
        raise RuntimeError("APP_ENV=production needs SECRET_KEY set to a long random value.")
    if app.config["DEMO_MODE"]:
        raise RuntimeError(
            "APP_ENV=production refuses DEMO_MODE=1: demo accounts share a password."
        )
    if missing := missing_gateway_settings(app.config) + sign_in_problems(app.config):
        raise RuntimeError("APP_ENV=production: " + "; ".join(missing) + ".")


def _production_cookies(app: Flask) -> None:
    """In production the cookies travel over HTTPS only, out of scripts' reach, not on other
    sites' requests; the session cookie's ``__Host-`` prefix makes the browser refuse one set
    by a sibling subdomain or over plain HTTP. Development keeps working over http."""
    if app.config["APP_ENV"] != "production":
        return
    for kind in ("SESSION", "REMEMBER"):
        app.config[f"{kind}_COOKIE_SECURE"] = True
        app.config[f"{kind}_COOKIE_HTTPONLY"] = True
        app.config[f"{kind}_COOKIE_SAMESITE"] = "Lax"
    # __Host- needs Secure, Path=/ and no Domain.
    app.config["SESSION_COOKIE_NAME"] = "__Host-session"
    app.config["SESSION_COOKIE_PATH"] = "/"
    app.config["SESSION_COOKIE_DOMAIN"] = None
    app.config["REMEMBER_COOKIE_NAME"] = "__Host-remember"
    app.config["REMEMBER_COOKIE_PATH"] = "/"
    app.config["REMEMBER_COOKIE_DOMAIN"] = None


def _static_fingerprints(app: Flask) -> None:
    """Add ?v=<content hash> to static URLs so they can be cached for a year."""
    cache: dict[str, str] = {}
    static_root = Path(app.static_folder or "")

    def fingerprint(filename: str) -> str:
        if filename not in cache or app.debug:
            path = static_root / filename
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else ""
            cache[filename] = digest
        return cache[filename]

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = fingerprint(values["filename"])
            if version:
                values["v"] = version

    app.jinja_env.globals["static_version"] = fingerprint


# Every answer's security headers (a view may set its own first; it is then kept).
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
)


def _form_targets(header: str, config: Any) -> str:
    """The identity provider's origins, where signing out (a form's POST) sends the browser on:
    form-action, last of the policy, must let it go there (app/accounts/oidc.py)."""
    if header != "Content-Security-Policy" or not config["OIDC_DISCOVERY_URL"]:
        return ""
    from app.accounts.oidc import form_targets

    return "".join(f" {origin}" for origin in form_targets(config))


# Pages may carry personal data: never kept in a shared browser's cache.
PAGE_CACHE_CONTROL = "no-store, private"


def _security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):  # type: ignore[no-untyped-def]
        # Plain header writes: the header objects' setdefault and cache_control (parsed, then
        # written again at each change) cost ~50 µs a request, for the same bytes.
        present = {name.lower() for name, _ in response.headers.items()}
        for name, value in SECURITY_HEADERS:
            if name.lower() not in present:
                response.headers.add(name, value + _form_targets(name, app.config))
        # Browsers keep to HTTPS for this long (production only; HSTS_SECONDS=0: no header).
        hsts = app.config["HSTS_SECONDS"] if app.config["APP_ENV"] == "production" else 0
        if hsts and "strict-transport-security" not in present:
            response.headers.add("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
        endpoint = request.endpoint
        if endpoint == "static" and request.args.get("v"):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = app.config["STATIC_MAX_AGE"]
            response.cache_control.immutable = True
        elif endpoint not in ("static", "favicon"):
            if "cache-control" in present:
                response.cache_control.no_store = True
                response.cache_control.private = True
            else:
                response.headers.add("Cache-Control", PAGE_CACHE_CONTROL)
        return response
