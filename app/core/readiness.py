"""Whether this process can serve: ``/readyz`` (app/public/views/public.py) asks here.

``/healthz`` says the process answers and its database does; ``/readyz`` is what a load
balancer or an orchestrator asks before sending traffic: the database (``SELECT 1``) and, when
``REDIS_URL`` is set (rate limits shared by every worker), Redis (``PING``). Each part is "ok"
or "unavailable"; nothing else about an error goes out (the log has it).
"""

from __future__ import annotations

import logging

import redis
from flask import current_app
from sqlalchemy import text

from app.extensions import db

log = logging.getLogger("motcua.readiness")
OK = "ok"
UNAVAILABLE = "unavailable"
REDIS_TIMEOUT_SECONDS = 2.0


def _database() -> str:
    try:
        with db.engine.connect() as connection:  # its own connection: the request's is untouched
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready"
        log.warning("readiness: database unavailable (%s)", type(error).__name__)
        return UNAVAILABLE
    return OK


def _redis(url: str) -> str:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except Exception as error:  # refused, timed out, wrong password: not ready
        log.warning("readiness: Redis unavailable (%s)", type(error).__name__)
        return UNAVAILABLE
    finally:
        client.close()
    return OK


def ready_parts() -> tuple[dict[str, str], bool]:
    """Each part's state, and whether all are ok."""
    parts = {"database": _database()}
    if current_app.config.get("REDIS_URL"):
        parts["redis"] = _redis(current_app.config["REDIS_URL"])
    return parts, all(state == OK for state in parts.values())
