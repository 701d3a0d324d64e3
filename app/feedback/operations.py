"""Writes of satisfaction and feedback: flush only, the request (or the signal's sender)
commits. Refusals are :class:`~app.core.errors.DomainError`s with a Vietnamese message."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.core import clock
from app.core.errors import Conflict, Invalid
from app.core.text import normalise_spaces
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import due_date
from app.dossiers.models import Dossier
from app.extensions import db
from app.feedback import rules
from app.feedback.models import Feedback, Rating, RatingInvitation
from app.notifications.outbox import notify_phone

INVITE_SMS = "Hồ sơ {code} đã trả kết quả. Mời Ông/Bà đánh giá dịch vụ: {link}"
ANSWERED_SMS = "Phản ánh {ref} đã được cơ quan trả lời. Xem tại: {link}"
ALREADY_RATED = "Đánh giá cho hồ sơ này đã được ghi nhận trước đó. Cảm ơn Ông/Bà."


class AlreadyRated(Conflict):
    """The invitation was used (a second tap, the link opened twice, the hall and the SMS)."""


def _base_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")


def invite(dossier: Dossier) -> tuple[RatingInvitation, str] | None:
    """Invite the citizen once to rate the service of ``dossier`` (its result was returned):
    an invitation with a token stored hashed, and the SMS with the link when there is a phone
    and a public address. ``None`` when the dossier was invited before."""
    if db.session.scalar(select(RatingInvitation.id).filter_by(dossier_id=dossier.id)):
        return None
    token = rules.new_token()
    expires = clock.today() + timedelta(days=current_app.config["RATING_LINK_DAYS"])
    invitation = RatingInvitation(
        dossier_id=dossier.id, token_hash=rules.token_digest(token), expires_on=expires
    )
    try:
        with db.session.begin_nested():
            db.session.add(invitation)
    except IntegrityError:  # a concurrent return invited it first
        return None
    base = _base_url()
    if dossier.applicant_phone and base:
        notify_phone(
            dossier.applicant_phone,
            "rating_invite",
            INVITE_SMS.format(code=dossier.code, link=f"{base}/danh-gia/{{secret}}"),
            secret=token,
            secret_expires_at=clock.now() + timedelta(days=1),
            user_id=dossier.owner_id,
        )
    return invitation, token


def on_result_returned(dossier: Dossier, **_: object) -> None:
    """app/dossiers/signals.py ``result_returned``: online, at the counter or by post."""
    invite(dossier)


def _clean_reasons(reasons: list[str]) -> list[str]:
    return [r for r in dict.fromkeys(reasons or []) if r in rules.REASONS]


def record_rating(
    invitation: RatingInvitation,
    score: int,
    reasons: list[str],
    comment: str,
    *,
    at_hall: bool = False,
) -> Rating:
    """Record the rating once: one guarded ``UPDATE … WHERE used_on IS NULL`` takes the
    invitation, so a double tap or a second device gets :class:`AlreadyRated`."""
    if score not in rules.SCORES:
        raise Invalid("Vui lòng chọn mức độ hài lòng.", "score")
    comment = normalise_spaces(comment or "")[: rules.COMMENT_MAX]
    today = clock.today()
    taken = db.session.execute(
        update(RatingInvitation)
        .where(RatingInvitation.id == invitation.id, RatingInvitation.used_on.is_(None))
        .values(used_on=today)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise AlreadyRated(ALREADY_RATED)
    dossier = invitation.dossier
    rating = Rating(
        unit_id=dossier.receiving_unit_id,
        procedure_id=dossier.procedure_id,
        intake_channel=dossier.intake_channel or "",
        returned_via=dossier.returned_via or "",
        assisted=dossier.assist_team_id is not None,
        at_hall=at_hall,
        score=score,
        reasons=_clean_reasons(reasons),
        comment=comment,
        rated_on=today,
    )
    db.session.add(rating)
    if rules.is_low(score, comment) and dossier.receiving_unit_id is not None:
        db.session.add(
            Feedback(
                code=_free_code(),
                kind="low_rating",
                unit_id=dossier.receiving_unit_id,
                procedure_id=dossier.procedure_id,
                body=comment,
                score=score,
                # The day only, as the rating itself: no moment to match against a visit.
                received_at=datetime.combine(today, time()),
            )
        )
    db.session.flush()
    return rating


def _free_code() -> str:
    while True:  # 40 random bits: a clash is rare, but cheap to rule out
        code = rules.new_code()
        if db.session.scalar(select(Feedback.id).filter_by(code=code)) is None:
            return code


# --- feedback and complaints (phản ánh, kiến nghị) -------------------------------------------


def answer_due(received_at, calendar=None):  # type: ignore[no-untyped-def]
    """The day the unit must answer by: FEEDBACK_ANSWER_DAYS working days after the day it was
    received (a day off counts from the next working day; no cut-off hour)."""
    return due_date(
        received_at,
        current_app.config["FEEDBACK_ANSWER_DAYS"],
        calendar or working_calendar(),
        cutoff=None,
    )


def send_feedback(
    *,
    body: str,
    name: str,
    phone: str = "",
    dossier: Dossier | None = None,
    unit_id: int | None = None,
    client_token: str = "",
) -> Feedback:
    """Record a feedback about ``dossier`` (its receiving unit answers) or to ``unit_id``.

    A double submit (same ``client_token``) gives back the first one."""
    if client_token:
        earlier = db.session.scalar(select(Feedback).filter_by(client_token=client_token))
        if earlier is not None:
            return earlier
    unit_id = dossier.receiving_unit_id if dossier is not None else unit_id
    if unit_id is None:
        raise Invalid("Vui lòng nhập mã hồ sơ hoặc chọn cơ quan bị phản ánh.", "unit")
    now = clock.now()
    item = Feedback(
        code=_free_code(),
        kind="complaint",
        unit_id=unit_id,
        procedure_id=dossier.procedure_id if dossier is not None else None,
        dossier_code=dossier.code if dossier is not None else "",
        body=body.strip()[: rules.FEEDBACK_MAX],
        sender_name=normalise_spaces(name)[:120],
        sender_phone=phone or "",
        received_at=now,
        due_on=answer_due(now),
        client_token=client_token or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:  # the same form posted twice at once
        return db.session.scalars(select(Feedback).filter_by(client_token=client_token)).one()
    return item


def answer_feedback(item: Feedback, answer: str, by_user_id: int) -> None:
    """The unit's answer, once (guarded ``UPDATE``); the sender is told by SMS if they left a
    phone, with the link to read it by code."""
    answered = db.session.execute(
        update(Feedback)
        .where(Feedback.id == item.id, Feedback.answered_at.is_(None))
        .values(answer=answer.strip()[: rules.ANSWER_MAX], answered_at=clock.now(),
                answered_by_id=by_user_id)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if answered.rowcount != 1:
        raise Conflict("Phản ánh này đã được trả lời (có thể do cán bộ khác vừa trả lời).")
    db.session.refresh(item)
    base = _base_url()
    if item.sender_phone and item.kind == "complaint":
        link = f"{base}/phan-anh/{item.code}" if base else "trang Phản ánh, kiến nghị"
        notify_phone(
            item.sender_phone, "feedback_answered", ANSWERED_SMS.format(ref=item.code, link=link)
        )
    db.session.flush()
