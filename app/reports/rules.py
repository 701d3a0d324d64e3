"""How one dossier counts in the reports (pure): its channel, and how it stands on time.

The queries (``app/reports/queries.py``) say the same in SQL ``CASE`` expressions; the tests
check the two agree on every seeded dossier, on both backends.
"""

from __future__ import annotations

from datetime import date

# Channels a dossier reaches the administration by (the report's columns, in order).
ONLINE, ONLINE_POST, COUNTER, POST_OFFICE, ASSISTED = (
    "online",
    "online_post",
    "counter",
    "post_office",
    "assisted",
)
CHANNEL_LABELS = {
    ONLINE: "Trực tuyến toàn trình",
    ONLINE_POST: "Trực tuyến, gửi giấy tờ qua bưu điện",
    COUNTER: "Tại Bộ phận Một cửa",
    POST_OFFICE: "Tại quầy bưu điện",
    ASSISTED: "Có tổ công nghệ số hỗ trợ",
}
# Dossiers the citizen (or a volunteer beside them) sent over the internet: the online share.
# Papers brought to the one-stop counter or filed by post-office staff at their counter are not.
ONLINE_CHANNELS = frozenset({ONLINE, ONLINE_POST, ASSISTED})
# Dossier.intake_channel → report channel (an empty intake is an online dossier with no papers).
INTAKE_TO_CHANNEL = {
    "": ONLINE,
    "online": ONLINE,
    "post_pickup": ONLINE_POST,
    "counter": COUNTER,
    "post_office": POST_OFFICE,
}

ON_TIME, LATE, IN_TIME, OVERDUE = "on_time", "late", "in_time", "overdue"
TIMELINESS_LABELS = {
    ON_TIME: "Đã giải quyết đúng hạn",
    LATE: "Đã giải quyết trễ hạn",
    IN_TIME: "Đang giải quyết, còn hạn",
    OVERDUE: "Đang giải quyết, quá hạn",
}
RETURN_LABELS = {
    "online": "Trả kết quả trực tuyến",
    "post": "Trả qua bưu điện",
    "counter": "Trả tại Bộ phận Một cửa",
}


def channel(intake_channel: str, assist_team_id: int | None) -> str:
    """The report channel: a volunteer's help comes first (the team is what is judged), then
    how the papers travelled."""
    if assist_team_id is not None:
        return ASSISTED
    return INTAKE_TO_CHANNEL.get(intake_channel, ONLINE)


def timeliness(
    *,
    received_on: date | None,
    finished_on: date | None,
    on_time: bool | None,
    due_date: date | None,
    waiting_for_citizen: bool,
    at: date,
) -> str | None:
    """How a dossier stands on ``at``; None when it does not count.

    Not yet accepted by ``at``: none. Finished by ``at`` (returned or closed): on time or late
    as the workflow recorded (a refusal or withdrawal has no verdict: none). Still running at
    ``at``: in time when the due date is ``at`` or later, overdue otherwise; a dossier waiting
    for the citizen's supplement has its clock stopped (none).
    """
    if received_on is None or received_on > at:
        return None
    if finished_on is not None and finished_on <= at:
        if on_time is None:
            return None
        return ON_TIME if on_time else LATE
    if waiting_for_citizen or due_date is None:
        return None
    return IN_TIME if due_date >= at else OVERDUE


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, one decimal; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return round(100 * part / whole, 1)


def suppressed(count: int, threshold: int) -> bool:
    """A public cell below the threshold (but not zero) is hidden: a 1 or 2 in a small commune
    could point at a person."""
    return 0 < count < threshold
