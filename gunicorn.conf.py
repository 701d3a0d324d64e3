"""gunicorn settings for Một Cửa: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be changed from the environment (the systemd unit's EnvironmentFile) without
editing this file; command-line flags win over both. Measured on 2 cores with
``bench/workers.py`` (README, Deploy): see WORKER_NOTE below for the numbers behind the
defaults.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


CORES = os.cpu_count() or 1

# --- workers ---------------------------------------------------------------------------------
# WORKER_NOTE: filled from bench/workers.py (see the README's Deploy section).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("GUNICORN_WORKERS", CORES + 1)
threads = _int("GUNICORN_THREADS", 4)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Connections waiting to be accepted; nginx retries elsewhere when this is full.
backlog = _int("GUNICORN_BACKLOG", 1024)

# --- timeouts --------------------------------------------------------------------------------
# A worker silent this long is killed and replaced. The slowest honest request is a PDF render
# or an upload's check (seconds); 30 s leaves a wide margin without letting a stuck worker hang
# for minutes.
timeout = _int("GUNICORN_TIMEOUT", 30)
# nginx keeps connections to us open (upstream keepalive); a little longer than nothing.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# --- graceful restarts -----------------------------------------------------------------------
# On SIGHUP (systemctl reload) or SIGTERM a worker finishes the requests in hand for up to this
# long before it is killed.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Each worker is replaced after this many requests (plus a random part, so they do not all
# restart at once): a slow leak in a library (PDF rendering, images) never grows for weeks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)

# --- behind nginx ----------------------------------------------------------------------------
# Addresses whose X-Forwarded-* gunicorn believes (nginx on the same machine). The app itself
# believes them only with TRUSTED_PROXIES set (app/config.py): set both.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips

# --- logs ------------------------------------------------------------------------------------
# The app writes one line per request itself (app/core/logs.py: request id, status, duration,
# masked path), so gunicorn's access log is off; its own messages go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if (
    os.environ.get("LOG_FORMAT", "json" if os.environ.get("APP_ENV") == "production" else "text")
    == "json"
):
    logconfig_dict: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.core.logs.MaskedJsonFormatter"}},
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"level": "INFO", "handlers": []},  # the app puts its own (app/core/logs.py)
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error_console"],
                "propagate": False,
            },
        },
    }

# --- metrics from every worker (app/core/metrics.py) -----------------------------------------
# prometheus_client sums the workers' counts through files in this directory; it must be set
# before the app is imported, and emptied when gunicorn starts (stale counts of a past run).
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / f"motcua-metrics-{os.getuid()}")
)


def on_starting(server: Any) -> None:
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
