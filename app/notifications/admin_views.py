"""The administrator's outbox (/quan-tri/tin-nhan): messages by status with counts per day and
channel, the SMS bill per month, one message's history, and "Gửi lại" for one that will not
arrive. Every route needs Permission.MANAGE; sending again is a POST with a CSRF token.

(A module beside views.py, which holds the gateways' webhook: that one is CSRF-exempt as a
whole, these pages are not.)
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user

from app.core import clock
from app.core.errors import DomainError
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.notifications import operations, queries
from app.notifications.labels import (
    CHANNELS,
    GATEWAY_NAMES,
    SENDABLE_AGAIN,
    SHOWN_STATUSES,
    refusal_text,
    shown_status,
)

bp = Blueprint("notifications_admin", __name__, url_prefix="/quan-tri")
LABELS = {
    "statuses": SHOWN_STATUSES,
    "channels": CHANNELS,
    "gateway_names": GATEWAY_NAMES,
    "shown_status": shown_status,
    "refusal_text": refusal_text,
}


@bp.route("/tin-nhan")
@require(Permission.MANAGE)
def outbox():
    filters = queries.outbox_filters_from(request.args)
    today = clock.today()
    return render(
        "notifications/admin/outbox.html",
        "notifications/admin/_outbox_results.html",
        filters=filters,
        results=queries.outbox_page(filters, request.args.get("sau", "")),
        days=queries.daily_counts(today),
        months=queries.sms_months(today),
        price=current_app.config["SMS_PRICE_PER_SEGMENT"],
        gateways=queries.gateway_states(),
        **LABELS,
    )


@bp.route("/tin-nhan/<id:message_id>")
@require(Permission.MANAGE)
def message(message_id: int):
    row = queries.outbox_message(message_id) or abort(404)
    return render(
        "notifications/admin/message.html",
        message=row,
        sendable=row.status in SENDABLE_AGAIN,
        **LABELS,
    )


@bp.route("/tin-nhan/<id:message_id>/gui-lai", methods=["POST"])
@require(Permission.MANAGE)
def send_again(message_id: int):
    row = queries.outbox_message(message_id) or abort(404)
    try:
        operations.send_again(row, by_user_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Đã xếp tin nhắn #{row.id} vào hàng chờ gửi lại.", "success")
    return go(url_for("notifications_admin.message", message_id=message_id))
