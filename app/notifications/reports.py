"""Delivery reports: what the gateway says became of a message it accepted.

eSMS sends one as an HTTP GET on the message's ``CallbackUrl``
(``{PUBLIC_BASE_URL}/bao-cao-gui-tin/esms/<ESMS_CALLBACK_SECRET>``, app/notifications/views.py)
and repeats it up to 5 times when it gets no answer: recording one is idempotent, and a
delivered message never goes back (app/notifications/outcomes.py decides). Flush only: the
request's commit records it.
"""

from __future__ import annotations

import hmac
import logging

from flask import current_app

from app.core import clock
from app.notifications.esms import DeliveryReport
from app.notifications.models import Notification, OutboxStatus
from app.notifications.outcomes import after_report
from app.notifications.queries import message_for_report

log = logging.getLogger("motcua.notifications")


def callback_secret_matches(given: str) -> bool:
    """The secret in the report's address is ESMS_CALLBACK_SECRET (compared in constant time);
    never when none is configured (no reports are asked for then)."""
    expected = str(current_app.config.get("ESMS_CALLBACK_SECRET") or "")
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def record_esms_report(report: DeliveryReport) -> Notification | None:
    """Record an eSMS delivery report on its message; ``None`` (and a WARNING) when no message
    of ours has that SMSID or RequestId: the gateway is answered anyway, so it stops retrying."""
    prefix = str(current_app.config.get("NOTIFY_ID_PREFIX") or "")
    row = message_for_report("sms", report.smsid, report.request_id, prefix=prefix, lock=True)
    if row is None:
        log.warning(
            "Delivery report for an unknown message (SMSID %s, RequestId %s, SendStatus %s)",
            report.smsid[:64], report.request_id[:64] or "-", report.send_status[:16] or "-",
        )  # fmt: skip
        return None
    status = after_report(row.status, report.state)
    if row.status == OutboxStatus.DELIVERED:
        return row  # arrival is the last word; a repeated or late report changes nothing
    row.report_status = report.send_status[:16]
    row.carrier = report.telco or row.carrier
    row.gateway_id = row.gateway_id or report.smsid[:255]
    if status is not None:
        log.info("SMS %s: %s → %s (SendStatus %s)", row.id, row.status, status, row.report_status)
        row.status = status
        row.sealed_secret = None
        row.held_reason = ""
        if status == OutboxStatus.DELIVERED:
            row.delivered_at = clock.now()
        if status == OutboxStatus.REJECTED:
            row.last_error = f"delivery report: rejected (SendStatus {row.report_status})"
    return row
