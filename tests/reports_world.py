"""A seeded province for the reports: dossiers spread over three units, two procedures, every
channel and state, with dates on the periods' edges; and the brute-force counts to check the
SQL aggregates against (one Python loop over every dossier, through app/reports/rules.py)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.assist.models import CommunityTeam
from app.catalogue.models import Procedure, Unit
from app.dossiers.deadlines import WorkingCalendar, days_taken
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.feedback.models import Feedback, Rating
from app.payments.models import Payment
from app.reports import rules
from app.reports.periods import Period
from app.reports.queries import EVENT_METRICS

NAMES = ["Lò Văn Páo", "Hà Thị Mỷ", "Vi Văn Thắng", "Lương Thị Ón", "Đinh Công Trứ"]
EDGES = [
    datetime(2026, 11, 30, 23, 59, 59),
    datetime(2026, 12, 1, 0, 0, 0),
    datetime(2026, 12, 31, 23, 59, 59),
    datetime(2027, 1, 1, 0, 0, 0),
    datetime(2026, 12, 15, 8, 0),
]
INTAKES = ["online", "post_pickup", "counter", "post_office", ""]


def _when(rng: random.Random) -> datetime:
    if rng.random() < 0.3:
        return rng.choice(EDGES)
    return datetime(2026, 11, 1, 7) + timedelta(minutes=rng.randrange(0, 75 * 24 * 60))


def _finish(dossier: Dossier, rng: random.Random, received: datetime) -> None:
    finished = received + timedelta(days=rng.randrange(0, 30), hours=rng.randrange(0, 10))
    outcome = rng.choice(["returned", "returned", "stopped", "withdrawn"])
    dossier.status = outcome
    dossier.closed_at = finished
    if outcome == "returned":
        dossier.returned_at = finished
        dossier.returned_via = rng.choice(["online", "post", "counter"])
    if outcome != "withdrawn":
        dossier.on_time = finished.date() <= (dossier.due_date or finished.date())
        dossier.working_days_taken = days_taken(dossier, finished.date(), WorkingCalendar())


def _dossier(n: int, rng: random.Random, owner_id: int, units, procedures, team_id) -> Dossier:  # type: ignore[no-untyped-def]
    submitted = _when(rng)
    dossier = Dossier(
        code=f"000.00.16.H40-261201-{n:04d}",
        client_token=f"r{n}",
        owner_id=owner_id,
        procedure_id=rng.choice(procedures).id,
        receiving_unit_id=rng.choice(units).id,
        applicant_name=NAMES[n % len(NAMES)],
        applicant_phone=f"0912{n:06d}",
        intake_channel=rng.choice(INTAKES),
        assist_team_id=team_id if rng.random() < 0.2 else None,
        submitted_at=submitted,
        fee_amount=rng.choice([0, 8000, 50000]),
        status="submitted",
    )
    if rng.random() < 0.15:
        dossier.status = rng.choice(["submitted", "refused"])
        dossier.closed_at = submitted + timedelta(days=1) if dossier.status == "refused" else None
        return dossier
    received = submitted + timedelta(hours=rng.choice([0, 1, 30]))
    dossier.received_at = received
    dossier.due_date = received.date() + timedelta(days=rng.randrange(-3, 25))
    if rng.random() < 0.55:
        _finish(dossier, rng, received)
    else:
        dossier.status = rng.choice(["received", "processing", "result_ready", "supplement"])
    return dossier


def seed(owner_id: int, count: int = 160) -> list[Dossier]:
    rng = random.Random(16)
    units = list(db.session.scalars(select(Unit).order_by(Unit.id).limit(3)))
    procedures = list(db.session.scalars(select(Procedure).order_by(Procedure.id).limit(2)))
    team = CommunityTeam(
        name="Tổ công nghệ số bản Pá Khoang", commune_code="17329", village="Pá Khoang"
    )
    db.session.add(team)
    db.session.flush()
    dossiers = [_dossier(n, rng, owner_id, units, procedures, team.id) for n in range(count)]
    db.session.add_all(dossiers)
    db.session.flush()
    for n, dossier in enumerate(dossiers):
        for action in rng.sample(sorted(EVENT_METRICS) + ["viewed", "accepted"], 3):
            db.session.add(DossierEvent(dossier_id=dossier.id, action=action, at=_when(rng)))
        if dossier.fee_amount and rng.random() < 0.6:
            db.session.add(
                Payment(
                    receipt_number=f"BL16-{n:05d}",
                    dossier_id=dossier.id,
                    unit_id=dossier.receiving_unit_id,
                    procedure_id=dossier.procedure_id,
                    method=rng.choice(["vietqr", "counter", "post"]),
                    amount=dossier.fee_amount,
                    at=_when(rng),
                )
            )
    db.session.commit()
    return dossiers


# --- brute force: every dossier, one by one --------------------------------------------------


def _in(moment: datetime | None, period: Period) -> bool:
    return moment is not None and period.start <= moment < period.end


def brute_force(
    period: Period, today: date, unit_ids: frozenset[int] | None = None
) -> dict[Any, Counter[str]]:
    numbers: dict[Any, Counter[str]] = defaultdict(Counter)
    at = period.evaluation_day(today)
    at_end = datetime.combine(at + timedelta(days=1), time.min)
    for d in db.session.scalars(select(Dossier)):
        if unit_ids is not None and d.receiving_unit_id not in unit_ids:
            continue
        counter = numbers[(d.receiving_unit_id, d.procedure_id)]
        if _in(d.submitted_at, period):
            kind = rules.channel(d.intake_channel, d.assist_team_id)
            counter["received"] += 1
            counter[f"channel:{kind}"] += 1
            counter["online"] += kind in rules.ONLINE_CHANNELS
        finished = d.closed_at  # returning sets it too (app/dossiers/operations/processing.py)
        if d.received_at is None or d.received_at >= at_end:
            continue
        if finished is not None and finished < period.start:
            continue
        state = rules.timeliness(
            received_on=d.received_at.date(),
            finished_on=finished.date() if finished else None,
            on_time=d.on_time,
            due_date=d.due_date,
            waiting_for_citizen=d.status == "supplement",
            at=at,
        )
        if state:
            counter[f"time:{state}"] += 1
        if finished is not None and finished < at_end and d.returned_via:
            counter[f"returned:{d.returned_via}"] += 1
            counter["results_timed"] += 1
            counter["days_to_result"] += days_by_hand(d.received_at, finished)
    _journals_and_fees(numbers, period, unit_ids)
    return {key: +counter for key, counter in numbers.items() if +counter}


def days_by_hand(received: datetime, finished: datetime) -> int:
    """Working days from acceptance to the result, counted day by day: counting starts on the
    day received (the next working day after 15:00 or on a day off), which is not counted."""
    calendar = WorkingCalendar()
    start = received.date()
    if received.time() > time(15, 0) or not calendar.is_working_day(start):
        start += timedelta(days=1)
        while not calendar.is_working_day(start):
            start += timedelta(days=1)
    days = [start + timedelta(days=n) for n in range(1, (finished.date() - start).days + 1)]
    return sum(1 for day in days if calendar.is_working_day(day))


def _journals_and_fees(numbers, period: Period, unit_ids: frozenset[int] | None) -> None:  # type: ignore[no-untyped-def]
    def mine(unit_id: int | None) -> bool:
        return unit_ids is None or unit_id in unit_ids

    for e in db.session.scalars(select(DossierEvent)):
        d = db.session.get(Dossier, e.dossier_id)
        if e.action in EVENT_METRICS and _in(e.at, period) and mine(d.receiving_unit_id):
            numbers[(d.receiving_unit_id, d.procedure_id)][EVENT_METRICS[e.action]] += 1
    for p in db.session.scalars(select(Payment)):
        if _in(p.at, period) and mine(p.unit_id):
            counter = numbers[(p.unit_id, p.procedure_id)]
            counter["payments"] += 1
            counter["payments_amount"] += p.amount
            counter[f"payments:{p.method}"] += 1


# --- ratings and complaints (app/feedback), and their counts by hand ------------------------
DAYS = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 15), date(2026, 12, 31)]
MOMENTS = [
    datetime(2026, 11, 30, 23, 59, 59),
    datetime(2026, 12, 1, 0, 0, 0),
    datetime(2026, 12, 14, 16, 45),
    datetime(2026, 12, 15, 23, 59, 59),
    datetime(2026, 12, 31, 23, 59, 59),
    datetime(2027, 1, 1, 0, 0, 0),
]
RATER, RATER_PHONE = "Mùa A Sính", "0968123457"  # typed into a comment by the citizen
COMMENT = f"Tôi là {RATER}, {RATER_PHONE}: cán bộ tận tình nhưng phải đi lại hai lần."
SENDER, PHONE = "Lầu Thị Dính", "0915246813"
ANSWER = "Xã đã làm việc với cán bộ một cửa, xin lỗi bà Dính."


def _day(rng: random.Random) -> date:
    if rng.random() < 0.4:
        return rng.choice(DAYS)
    return date(2026, 11, 10) + timedelta(days=rng.randrange(0, 70))


def _moment(rng: random.Random) -> datetime:
    if rng.random() < 0.4:
        return rng.choice(MOMENTS)
    return datetime(2026, 11, 10, 7) + timedelta(minutes=rng.randrange(0, 70 * 24 * 60))


def seed_feedback(count: int = 150) -> tuple[list[Unit], list[Procedure]]:
    rng = random.Random(1607)
    units = list(db.session.scalars(select(Unit).order_by(Unit.id).limit(3)))
    procedures = list(db.session.scalars(select(Procedure).order_by(Procedure.id).limit(2)))
    for n in range(count):
        score = rng.randint(1, 5)
        db.session.add(
            Rating(
                unit_id=rng.choice(units).id,
                procedure_id=rng.choice(procedures).id,
                intake_channel=rng.choice(["online", "counter", "post_pickup"]),
                returned_via=rng.choice(["online", "post", "counter"]),
                assisted=rng.random() < 0.2,
                score=score,
                reasons=["late", "unclear"] if score < 3 else ["fast", "kind"],
                comment=COMMENT if rng.random() < 0.5 else "",
                rated_on=_day(rng),
            )
        )
        received = _moment(rng)
        answered = None
        if rng.random() < 0.6:
            answered = received + timedelta(hours=rng.choice([0, 5, 30, 200, 400]))
        if rng.random() < 0.15:
            answered = rng.choice(MOMENTS[1:])  # answered exactly on an edge
            received = min(received, answered)
        db.session.add(
            Feedback(
                code=f"PA-{n:08d}",
                kind="complaint" if rng.random() < 0.85 else "low_rating",
                unit_id=rng.choice(units).id,
                procedure_id=rng.choice([*(p.id for p in procedures), None]),
                body=f"Phản ánh số {n}: hồ sơ trễ hẹn, chưa được giải thích.",
                sender_name=SENDER,
                sender_phone=PHONE,
                received_at=received,
                due_on=received.date() + timedelta(days=rng.choice([0, 3, 7, 10])),
                answer=ANSWER if answered else "",
                answered_at=answered,
            )
        )
    db.session.commit()
    return units, procedures


def brute_ratings(first: date, last: date, unit_ids=None) -> dict:  # type: ignore[no-untyped-def]
    numbers: dict = defaultdict(Counter)
    for r in db.session.scalars(select(Rating)):
        if first <= r.rated_on <= last and (unit_ids is None or r.unit_id in unit_ids):
            counter = numbers[(r.unit_id, r.procedure_id)]
            counter["count"] += 1
            counter["score_sum"] += r.score
            counter["satisfied"] += r.score in (4, 5)
            counter["low"] += r.score in (1, 2)
    return {key: dict(c) for key, c in numbers.items()}


def brute_complaints(first: date, last: date, today: date, unit_ids=None) -> dict:  # type: ignore[no-untyped-def]
    numbers: dict = defaultdict(Counter)
    at = min(last, today)
    for f in db.session.scalars(select(Feedback).filter_by(kind="complaint")):
        if unit_ids is not None and f.unit_id not in unit_ids:
            continue
        answered_on = f.answered_at.date() if f.answered_at else None
        counter = numbers[(f.unit_id, f.procedure_id or 0)]
        counter["received"] += first <= f.received_at.date() <= last
        in_period = answered_on is not None and first <= answered_on <= last
        counter["answered"] += in_period
        counter["answered_late"] += in_period and answered_on > f.due_on
        still_open = f.received_at.date() <= at and (answered_on is None or answered_on > at)
        counter["open"] += still_open
        counter["overdue"] += still_open and at > f.due_on
    return {key: +c for key, c in numbers.items() if +c}
