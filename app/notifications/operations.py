"""The administrator's hand on the outbox: "Gửi lại" (send again) a message that will not
arrive as it stands. Flush only; the request commits.

A message that carried a one-time code cannot be sent again once its sealed code is gone (it
is erased when the message is sent, fails or expires, app/notifications/outbox.py): the text
kept shows the code masked, and a stale code is no use anyway; the citizen asks for a new one
on the page that sent it.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

from app.core import clock
from app.core.errors import Conflict
from app.extensions import db
from app.notifications.labels import SENDABLE_AGAIN
from app.notifications.models import Notification, OutboxStatus

log = logging.getLogger("motcua.notifications")

CODE_GONE = (
    "Không gửi lại được: tin nhắn này chứa mã xác nhận dùng một lần, mã đã bị xóa hoặc đã hết "
    "hạn. Người dân cần bấm “Gửi lại mã” trên trang nhập mã để nhận mã mới."
)
NOT_SENDABLE = (
    "Chỉ gửi lại được tin nhắn bị từ chối hoặc gửi không được. Tin nhắn này đang ở trạng thái "
    "khác (có thể vừa được gửi lại)."
)


class CannotSendAgain(Conflict):
    """The message is not failed nor rejected (any more), or its one-time code is gone."""


def send_again(message: Notification, *, by_user_id: int) -> Notification:
    """Queue ``message`` again at once, its attempts counted from zero.

    One guarded ``UPDATE … WHERE status IN (failed, rejected)``: a double tap, or two
    administrators at once, queue it once; the second is told it is no longer failed."""
    now = clock.now()
    if message.secret_expires_at is not None and (
        message.sealed_secret is None or message.secret_expires_at <= now
    ):
        raise CannotSendAgain(CODE_GONE)
    queued = db.session.execute(
        update(Notification)
        .where(Notification.id == message.id, Notification.status.in_(SENDABLE_AGAIN))
        .values(
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            held_reason="",
            report_status="",
            carrier="",
            delivered_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if queued.rowcount != 1:
        raise CannotSendAgain(NOT_SENDABLE)
    db.session.refresh(message)
    log.info("notification %s queued again by user %s", message.id, by_user_id)
    return message
