"""Configuration read from the environment.

Every value a province may need to change (limits, cut-offs, prefixes) lives here so that
nothing marked [check] in DOMAIN.md is hard-coded in the rules.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    APP_ENV = os.environ.get("APP_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", ROOT / "instance"))
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'motcua.sqlite3'}"
    )
    # No ping before every checkout (a round trip per request): connections are replaced after
    # DB_POOL_RECYCLE seconds, and when a statement meets a dead one (PostgreSQL restarted)
    # SQLAlchemy invalidates the whole pool; that request fails once, the next ones reconnect
    # (tests/public/test_reads.py). An hour stays under the idle timeouts of firewalls/NAT.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": _int("DB_POOL_RECYCLE", 3600)}
    # Uploaded documents live outside static/ and are only served through access checks.
    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    # Printed papers, each rendered once per state and kept here (app/documents/store.py);
    # empty: rendered on every request. `flask documents prune` removes old ones.
    PDF_CACHE_DIR = os.environ.get("PDF_CACHE_DIR", str(INSTANCE_DIR / "pdf-cache"))
    # Threads per process rendering papers off the request once fixed (the receipt at
    # submission, app/documents/prerender.py); 0: only on first download.
    PDF_PRERENDER_WORKERS = _int("PDF_PRERENDER_WORKERS", 1)
    # Where uploads and stored papers are kept (app/core/storage.py): "local" (UPLOAD_DIR and
    # PDF_CACHE_DIR) or "s3", one bucket of an S3-compatible server (AWS, MinIO, Ceph…), under
    # S3_PREFIX + "uploads/" and "pdf-cache/". S3_ENDPOINT_URL empty: AWS. Credentials come from
    # boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance
    # role), never from here. With s3, PDF_CACHE_DIR keeps only the papers' local lock files
    # (empty still switches storing papers off).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    UPLOAD_MAX_BYTES = _int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
    UPLOAD_MAX_SIDE = _int("UPLOAD_MAX_SIDE", 1600)
    # The request body may carry one upload plus the form fields.
    MAX_CONTENT_LENGTH = UPLOAD_MAX_BYTES + 512 * 1024
    # Demo data and demo passwords exist only when this is on.
    DEMO_MODE = os.environ.get("DEMO_MODE", "1" if APP_ENV != "production" else "0") == "1"
    PROVINCE_CODE = _int("PROVINCE_CODE", 40)  # Nghệ An in the 2025 list
    PROVINCE_TREE = os.environ.get("PROVINCE_TREE", "H40")  # QCVN 102 tree letter+digits
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # The footer's "Hỗ trợ" number when the page's unit has none of its own (units set theirs on
    # their administration page); empty: the footer names the one-stop desk without a number.
    SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "")
    # Public statistics (/thong-ke, /api/v1/thong-ke): a count from 1 to this minus one is
    # hidden, and so is a share over fewer dossiers (a small cell could point at a person).
    STATS_MIN_CELL = _int("STATS_MIN_CELL", 5)
    # Seconds each process keeps a period's public numbers (0: counted on every request).
    STATS_CACHE_SECONDS = _int("STATS_CACHE_SECONDS", 300)
    # werkzeug's method string; not read from the environment: only the tests make it cheap.
    PASSWORD_HASH_METHOD = "scrypt"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # APP_ENV=production makes both cookies Secure and the session's __Host-session (app/__init__).
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Strict-Transport-Security's max-age in production (0: no header). A year, subdomains too.
    HSTS_SECONDS = _int("HSTS_SECONDS", 365 * 24 * 3600)
    WTF_CSRF_TIME_LIMIT = None  # a draft may be finished hours later on a slow link
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 300
    # Brotli quality for the app's own answers (Flask-Compress's default is 4). Measured on a
    # 19 KB page: 4 → 2,113 B in 0.27 ms, 7 → 1,926 B in 0.45 ms, 9 → 1,924 B in 6 ms. Seven
    # is ~9 % smaller for a fraction of a millisecond; static files are precompressed apart.
    COMPRESS_BR_LEVEL = 7
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "application/javascript",
        "text/javascript",
        "application/json",
        "image/svg+xml",
    ]
    SEND_FILE_MAX_AGE_DEFAULT = 0
    STATIC_MAX_AGE = 365 * 24 * 3600
    PAGE_SIZE = 20
    DRAFT_RETENTION_DAYS = _int("DRAFT_RETENTION_DAYS", 90)
    # Messages to citizens (app/notifications): adapters "log" (development) or "fail" (outage
    # rehearsal); SMS alphabet "auto" (Vietnamese if it fits one SMS, else without diacritics),
    # "unicode" or "ascii"; attempts before a message is marked failed. APP_ENV=production
    # refuses the development adapters unless NOTIFY_ALLOW_DEV_ADAPTERS=1.
    NOTIFY_SMS_ADAPTER = os.environ.get("NOTIFY_SMS_ADAPTER", "log")
    NOTIFY_EMAIL_ADAPTER = os.environ.get("NOTIFY_EMAIL_ADAPTER", "log")
    NOTIFY_ALLOW_DEV_ADAPTERS = os.environ.get("NOTIFY_ALLOW_DEV_ADAPTERS", "0") == "1"
    SMS_ALPHABET = os.environ.get("SMS_ALPHABET", "auto")
    NOTIFY_MAX_ATTEMPTS = _int("NOTIFY_MAX_ATTEMPTS", 5)
    # While a gateway refuses our account (keys, balance, brand name, SMTP login) its messages
    # wait, attempts not counted, and one of them tries again after this many minutes.
    NOTIFY_HELD_RETRY_MINUTES = _int("NOTIFY_HELD_RETRY_MINUTES", 5)
    # `flask notifications worker` looks for due messages this often even when no new row wakes
    # it (retries coming due; on SQLite, which has no LISTEN, every message).
    NOTIFY_POLL_SECONDS = float(os.environ.get("NOTIFY_POLL_SECONDS", "1"))
    # The SMS budget on /quan-tri/tin-nhan: segments accepted by the gateway × this price in
    # đồng. 800 is a carrier's list price for customer-care brandname SMS (2025, VAT included);
    # public-administration contracts are often cheaper: put the province's own price here.
    SMS_PRICE_PER_SEGMENT = _int("SMS_PRICE_PER_SEGMENT", 800)
    # Gateways (app/notifications/esms.py, smtp.py). A message's id at a gateway (eSMS
    # RequestId, e-mail Message-ID) is this prefix, the outbox row's id and its creation time:
    # sites (and staging beside production) sharing one gateway account need different ones.
    NOTIFY_ID_PREFIX = os.environ.get("NOTIFY_ID_PREFIX", f"motcua-{PROVINCE_CODE}-{APP_ENV}")
    # SMS through eSMS.vn (NOTIFY_SMS_ADAPTER=esms): keys and the registered brand name from
    # the eSMS account; SmsType 2 is customer care / OTP; ESMS_SANDBOX=1 has every message
    # validated but neither sent nor charged. Delivery reports come to
    # PUBLIC_BASE_URL/bao-cao-gui-tin/esms/<ESMS_CALLBACK_SECRET> (a long random value).
    ESMS_API_URL = os.environ.get("ESMS_API_URL", "https://rest.esms.vn/MainService.svc/json/")
    ESMS_API_KEY = os.environ.get("ESMS_API_KEY", "")
    ESMS_SECRET_KEY = os.environ.get("ESMS_SECRET_KEY", "")
    ESMS_BRANDNAME = os.environ.get("ESMS_BRANDNAME", "")
    ESMS_SMS_TYPE = os.environ.get("ESMS_SMS_TYPE", "2")
    ESMS_SANDBOX = os.environ.get("ESMS_SANDBOX", "0")
    ESMS_TIMEOUT_SECONDS = float(os.environ.get("ESMS_TIMEOUT_SECONDS", "10"))
    ESMS_CALLBACK_SECRET = os.environ.get("ESMS_CALLBACK_SECRET", "")
    # Transfers into the units' collection accounts arrive at /api/v1/payments/sepay with
    # ``Authorization: Apikey <PAYMENT_SEPAY_API_KEY>`` (the key set on SePay's webhook; a long
    # random value). Empty: every call is refused. Never logged.
    PAYMENT_SEPAY_API_KEY = os.environ.get("PAYMENT_SEPAY_API_KEY", "")
    # E-mail over SMTP (NOTIFY_EMAIL_ADAPTER=smtp), the names Flask's mail extensions use:
    # MAIL_USE_TLS is STARTTLS (port 587), MAIL_USE_SSL a TLS connection from the start (465).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0").lower() in ("1", "true")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0").lower() in ("1", "true")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "")
    MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "10"))
    # Postal module (DOMAIN.md §6): the S10 service letters Vietnam Post uses for these items
    # are not known [check], so they are configuration; how many days of pickup slots to offer.
    POSTAL_S10_PREFIX = os.environ.get("POSTAL_S10_PREFIX", "EA")
    POSTAL_SLOT_DAYS = _int("POSTAL_SLOT_DAYS", 14)
    # Postage the citizen pays for each leg, in đồng (capped by Circular 22/2017 [check]):
    # collected with the papers (leg A) and on delivery of the result (leg B).
    POSTAL_POSTAGE_PICKUP = _int("POSTAL_POSTAGE_PICKUP", 26000)
    POSTAL_POSTAGE_RETURN = _int("POSTAL_POSTAGE_RETURN", 26000)
    # Failed deliveries before the result is held at the post office, and the working days it
    # is held before going back to the agency (DOMAIN.md §6 [check]).
    POSTAL_DELIVERY_ATTEMPTS = _int("POSTAL_DELIVERY_ATTEMPTS", 2)
    POSTAL_HOLD_DAYS = _int("POSTAL_HOLD_DAYS", 5)
    # Shared devices (app/assist): staff and volunteer sessions end after this many idle (0: never)
    # minutes (a warning shows one minute before); one-time codes live this long and allow
    # this many tries; at most this many codes per phone per hour.
    STAFF_IDLE_MINUTES = _int("STAFF_IDLE_MINUTES", 10)
    OTP_MINUTES = _int("OTP_MINUTES", 10)
    OTP_ATTEMPTS = _int("OTP_ATTEMPTS", 5)
    OTP_PER_HOUR = _int("OTP_PER_HOUR", 3)
    # Reverse proxies in front of the app whose X-Forwarded-For / -Proto are believed (0: none,
    # the address is the connection's). Rate limits per address need the client's real address.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    # Logs (app/core/logs.py) go to stderr, one line per record: "json" (one JSON object a line,
    # for a log shipper) or "text" (for people); unset: json when APP_ENV=production, text
    # otherwise (development, tests). Every line of a request carries its request id.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Prometheus metrics at /metrics (app/core/metrics.py) answer only the networks listed here
    # (CIDRs separated by commas or spaces) or a request carrying "Authorization: Bearer
    # <METRICS_TOKEN>" (empty: no token accepted); anyone else gets 404.
    METRICS_ALLOW = os.environ.get("METRICS_ALLOW", "127.0.0.1/32, ::1/128")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # Rate limits (app/core/limits.py, Flask-Limiter), as "30/minute", "20/hour",
    # "30/10minutes"…, several separated by ";". Counted in Redis when REDIS_URL is set (shared
    # by every worker and kept across restarts; production should set it), otherwise in each
    # process's memory. Per address: many people may share one (a village hall, a mobile
    # carrier's NAT). Per phone: kept short, since anyone may type any phone (the longer wait
    # after wrong passwords is LOGIN_* below, capped).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "motcua")  # one Redis, many sites
    RATELIMIT_LOGIN_PER_ADDRESS = os.environ.get(
        "RATELIMIT_LOGIN_PER_ADDRESS", "30/minute;300/hour"
    )
    RATELIMIT_LOGIN_PER_PHONE = os.environ.get("RATELIMIT_LOGIN_PER_PHONE", "10/minute")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "20/hour")
    RATELIMIT_CLAIM = os.environ.get("RATELIMIT_CLAIM", "20/hour")
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "20/hour")
    RATELIMIT_CODE_SEND = os.environ.get("RATELIMIT_CODE_SEND", "30/hour")
    RATELIMIT_CODE_CHECK = os.environ.get("RATELIMIT_CODE_CHECK", "30/10minutes")
    RATELIMIT_LOOKUP = os.environ.get("RATELIMIT_LOOKUP", "60/minute;600/hour")
    RATELIMIT_API_PER_TOKEN = os.environ.get("RATELIMIT_API_PER_TOKEN", "300/minute")
    # A gateway's delivery reports, per sending address: a burst after a mass mailing must
    # pass (a refused report is retried only 5 times), guessing the secret must not.
    RATELIMIT_DELIVERY_REPORT = os.environ.get("RATELIMIT_DELIVERY_REPORT", "3000/minute")
    # SePay's webhook, per sending address: a burst of a busy morning passes, guessing the key
    # does not.
    RATELIMIT_SEPAY_WEBHOOK = os.environ.get("RATELIMIT_SEPAY_WEBHOOK", "600/minute")
    # Feedback and complaints sent at /phan-anh, per address (app/feedback).
    RATELIMIT_FEEDBACK = os.environ.get("RATELIMIT_FEEDBACK", "10/hour")
    # The public statistics (/thong-ke, /api/v1/thong-ke) per address: any period can be asked.
    RATELIMIT_STATISTICS = os.environ.get("RATELIMIT_STATISTICS", "60/minute;600/hour")
    # Working days a unit has to answer a feedback or complaint (Decree 20/2008/NĐ-CP [check]),
    # and days a rating link stays valid after the result is returned.
    FEEDBACK_ANSWER_DAYS = _int("FEEDBACK_ANSWER_DAYS", 10)
    RATING_LINK_DAYS = _int("RATING_LINK_DAYS", 30)
    # Signing in (app/accounts/signin.py): from the LOGIN_FREE_FAILURES-th wrong password in a
    # row a phone waits 1, 2, 4… minutes before the next try, never more than
    # LOGIN_WAIT_MAX_MINUTES; failures older than LOGIN_FORGET_HOURS are forgotten. A session
    # ends after SESSION_DAYS whatever happens (and at once on logout, password change…).
    LOGIN_FREE_FAILURES = _int("LOGIN_FREE_FAILURES", 5)
    LOGIN_WAIT_MAX_MINUTES = _int("LOGIN_WAIT_MAX_MINUTES", 15)
    LOGIN_FORGET_HOURS = _int("LOGIN_FORGET_HOURS", 24)
    SESSION_DAYS = _int("SESSION_DAYS", 30)
    # Signing in with the national identity (VNeID) through OpenID Connect (app/accounts/oidc.py):
    # on when OIDC_DISCOVERY_URL and OIDC_CLIENT_ID are set. The claim names differ between
    # identity providers, so each is a setting; OIDC_CLAIM_LEVEL (the assurance level) is only
    # recorded when set. A call to the provider gives up after OIDC_TIMEOUT_SECONDS; its
    # discovery document is kept OIDC_METADATA_SECONDS; the start and return of a sign-in are
    # limited per address (RATELIMIT_OIDC). OIDC_PROVIDER_NAME is what the pages call it.
    OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile phone")
    OIDC_CLAIM_ID_NUMBER = os.environ.get("OIDC_CLAIM_ID_NUMBER", "citizen_id")
    OIDC_CLAIM_NAME = os.environ.get("OIDC_CLAIM_NAME", "name")
    OIDC_CLAIM_BIRTHDATE = os.environ.get("OIDC_CLAIM_BIRTHDATE", "birthdate")
    OIDC_CLAIM_GENDER = os.environ.get("OIDC_CLAIM_GENDER", "gender")
    OIDC_CLAIM_PHONE = os.environ.get("OIDC_CLAIM_PHONE", "phone_number")
    OIDC_CLAIM_LEVEL = os.environ.get("OIDC_CLAIM_LEVEL", "")
    OIDC_TIMEOUT_SECONDS = float(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
    OIDC_METADATA_SECONDS = _int("OIDC_METADATA_SECONDS", 3600)
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "VNeID")
    RATELIMIT_OIDC = os.environ.get("RATELIMIT_OIDC", "30/minute;300/hour")
    # Citizens signing in with a phone and a password (and registering or claiming an account
    # that way): on in demo and development, off by default in production, where citizens sign
    # in with VNeID. Staff keep their passwords either way.
    CITIZEN_PASSWORD_LOGIN = (
        os.environ.get(
            "CITIZEN_PASSWORD_LOGIN", "1" if DEMO_MODE or APP_ENV != "production" else "0"
        )
    ) == "1"


# Settings a gateway cannot work without, per adapter: production refuses to start without them.
GATEWAY_REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("NOTIFY_SMS_ADAPTER", "esms"): (
        "ESMS_API_KEY",
        "ESMS_SECRET_KEY",
        "ESMS_BRANDNAME",
        "ESMS_CALLBACK_SECRET",
        "PUBLIC_BASE_URL",
    ),
    ("NOTIFY_EMAIL_ADAPTER", "smtp"): ("MAIL_SERVER", "MAIL_DEFAULT_SENDER"),
}


def storage_problems(config: Mapping[str, Any]) -> list[str]:
    """What keeps the configured storage from working (the app refuses to start)."""
    backend = config.get("STORAGE_BACKEND") or "local"
    if backend not in ("local", "s3"):
        return [f"STORAGE_BACKEND must be local or s3, not {backend!r}"]
    if backend == "s3" and not config.get("S3_BUCKET"):
        return ["STORAGE_BACKEND=s3 needs S3_BUCKET"]
    return []


def missing_gateway_settings(config: Mapping[str, Any]) -> list[str]:
    """The settings the configured gateways need and do not have (a production start refuses)."""
    missing = []
    for (adapter_key, adapter), names in GATEWAY_REQUIRED.items():
        if config.get(adapter_key) == adapter:
            missing += [f"{adapter_key}={adapter} needs {n}" for n in names if not config.get(n)]
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        missing.append("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL exclude each other: set one")
    return missing


def sign_in_problems(config: Mapping[str, Any]) -> list[str]:
    """What keeps citizens from signing in as configured (a production start refuses)."""
    discovery, client = config.get("OIDC_DISCOVERY_URL"), config.get("OIDC_CLIENT_ID")
    problems = []
    if bool(discovery) != bool(client):
        problems.append("OIDC_DISCOVERY_URL and OIDC_CLIENT_ID go together: set both or neither")
    if discovery and not str(discovery).startswith("https://"):
        problems.append("OIDC_DISCOVERY_URL must be an https:// address")
    if discovery and not config.get("PUBLIC_BASE_URL"):
        problems.append("OIDC_DISCOVERY_URL needs PUBLIC_BASE_URL (the redirect URI registered)")
    if not discovery and not config.get("CITIZEN_PASSWORD_LOGIN"):
        problems.append(
            "citizens could not sign in: configure OIDC_DISCOVERY_URL and OIDC_CLIENT_ID "
            "(VNeID), or set CITIZEN_PASSWORD_LOGIN=1"
        )
    return problems
