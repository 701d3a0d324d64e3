"""gunicorn settings for Một Cửa: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be changed from the environment (the systemd unit's EnvironmentFile) without
editing this file; command-line flags win over both. The worker defaults were measured with
``bench/workers.py`` (WORKER_NOTE below).
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
# WORKER_NOTE. bench/workers.py on this project's 2-core machine (PostgreSQL and the load
# generator on the same cores, neighbours busy: load average 9-12), a mix of public pages, 16
# keep-alive clients, medians of 4 interleaved 10 s runs, 0 errors in every row:
#
#     class    workers threads  req/s  p50 ms  p95 ms
#     sync           2       1   93.8   172.8   315.2
#     sync           4       1   95.3   174.1   277.1
#     gthread        2       4  238.4    52.3   196.7
#     gthread        2       8  205.2    54.5   229.5
#     gthread        4       4  155.3    65.1   322.4
#
# Threads overlap a request's waits on PostgreSQL (most of a look-up's time) and keep the
# connection open (nginx's upstream keepalive); a sync worker serves one connection at a time
# and closes it. More processes than cores only add switching. So: gthread, one worker per
# core, 4 threads each. A machine that renders many PDFs (CPU, holding the GIL) may prefer
# more workers with fewer threads: measure with bench/workers.py --rows.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("GUNICORN_WORKERS", CORES)
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

# --- the control socket (gunicornc) --------------------------------------------------------
# In systemd's RuntimeDirectory (/run/motcua) rather than the service user's home.
_runtime = os.environ.get("RUNTIME_DIRECTORY", "")
if os.environ.get("GUNICORN_CONTROL_SOCKET") or _runtime:
    control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or f"{_runtime}/gunicorn.ctl"

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
