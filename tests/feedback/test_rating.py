"""Satisfaction: one invitation per returned dossier, a link that works once and only for its
dossier, the owner's prompt, the volunteer at the hall, and ratings that name nobody."""

from __future__ import annotations

from datetime import timedelta

import pytest
from feedback_helpers import link_of
from helpers import login
from sqlalchemy import inspect, select

from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.feedback import numbers, operations, queries, rules
from app.feedback.models import Feedback, Rating, RatingInvitation
from app.notifications.models import Notification
from app.notifications.sms import SECRET_MASK, is_gsm7, sms_segments

COMMENT = "Cán bộ hẹn tôi ba lần mới trả kết quả, đi lại xa từ bản Huồi Tụ rất vất vả."


def rate(client, path, score="1", reasons=("late", "rude"), comment=COMMENT):  # type: ignore[no-untyped-def]
    return client.post(path, data={"score": score, "reasons": list(reasons), "comment": comment})


def test_a_returned_result_invites_once_by_one_sms_of_one_segment(app, citizen, returned) -> None:
    dossier = returned(citizen, via="post")
    sms = db.session.scalars(select(Notification).filter_by(template="rating_invite")).all()
    assert len(sms) == 1
    row = sms[0]
    assert row.recipient == citizen.phone and row.user_id == citizen.id
    # The token rests sealed; the outbox shows it masked; the invitation keeps its digest only.
    assert SECRET_MASK * rules.TOKEN_LENGTH in row.body
    token = link_of(dossier).rsplit("/", 1)[1]
    assert token not in row.body
    invitation = queries.invitation_of(dossier.id)
    assert invitation.token_hash == rules.token_digest(token) != token
    sent = link_of(dossier)
    assert sent.startswith("/danh-gia/")
    from app.notifications.outbox import text_to_send

    text = text_to_send(row)
    assert dossier.code in text and is_gsm7(text) and sms_segments(text) == 1
    assert operations.invite(dossier) is None  # a second return signal invites nobody
    assert db.session.query(RatingInvitation).count() == 1


def test_the_link_works_once_and_records_an_anonymous_rating(
    app, client, citizen, returned
) -> None:
    dossier = returned(citizen)
    path = link_of(dossier)
    page = client.get(path)
    assert page.status_code == 200
    for words in rules.SCORES.values():
        assert words in page.text
    assert 'type="radio"' in page.text and 'type="checkbox"' in page.text
    assert "<script" not in page.text.split("</main>")[0].split("<main")[-1]

    response = rate(client, path)
    assert response.status_code == 303
    rating = db.session.scalar(select(Rating))
    assert (rating.score, rating.reasons, rating.comment) == (1, ["late", "rude"], COMMENT)
    assert rating.unit_id == dossier.receiving_unit_id
    assert rating.procedure_id == dossier.procedure_id
    assert (rating.intake_channel, rating.returned_via) == ("online", "counter")
    assert rating.rated_on == clock.today() and not rating.at_hall

    again = client.get(path)
    assert again.status_code == 200 and "đã được ghi nhận" in again.text
    assert 'name="score"' not in again.text
    twice = rate(client, path, score="5", reasons=("fast",), comment="Rất tốt")
    assert twice.status_code in (200, 409)
    assert db.session.query(Rating).count() == 1


def test_a_low_rating_with_a_comment_lands_in_the_units_queue(app, citizen, returned) -> None:
    dossier = returned(citizen)
    client = app.test_client()
    assert rate(client, link_of(dossier), score="2").status_code == 303
    item = db.session.scalar(select(Feedback))
    assert item.kind == "low_rating" and item.unit_id == dossier.receiving_unit_id
    assert item.body == COMMENT and item.score == 2
    assert item.sender_name == "" and item.sender_phone == "" and item.due_on is None


@pytest.mark.parametrize(("score", "comment"), [("2", ""), ("3", COMMENT), ("5", COMMENT)])
def test_other_ratings_stay_out_of_the_queue(app, citizen, returned, score, comment) -> None:
    dossier = returned(citizen)
    assert rate(app.test_client(), link_of(dossier), score, (), comment).status_code == 303
    assert db.session.query(Feedback).count() == 0


def test_a_link_rates_only_its_own_dossier_and_a_wrong_token_is_404(
    app, client, make_user, returned
) -> None:
    first = returned(make_user(), "a")
    second = returned(make_user(full_name="Lò Thị Xuân"), "b")
    assert rate(client, link_of(first), score="4", reasons=("kind",), comment="").status_code == 303
    assert queries.invitation_of(first.id).used_on == clock.today()
    assert queries.invitation_of(second.id).used_on is None
    assert client.get(link_of(second)).status_code == 200
    token = link_of(second).rsplit("/", 1)[1]
    for wrong in ("a" * 16, token[:-1], token + "a", token.upper(), "../../ho-so"):
        assert client.get(f"/danh-gia/{wrong}").status_code == 404
        assert rate(client, f"/danh-gia/{wrong}").status_code == 404


def test_an_expired_link_says_so(app, client, citizen, returned) -> None:
    dossier = returned(citizen)
    path = link_of(dossier)
    clock.freeze(clock.now() + timedelta(days=app.config["RATING_LINK_DAYS"] + 1))
    response = client.get(path)
    assert response.status_code == 410 and "hết hạn" in response.text


def test_bad_input_is_refused_in_vietnamese(app, client, citizen, returned) -> None:
    path = link_of(returned(citizen))
    missing = client.post(path, data={"comment": "Tạm được"})
    assert missing.status_code == 422 and "Vui lòng chọn mức độ hài lòng." in missing.text
    long = rate(client, path, comment="ư" * (rules.COMMENT_MAX + 1))
    assert long.status_code == 422 and "Tối đa 500 ký tự." in long.text
    odd = rate(client, path, score="9", reasons=("bribe",))
    assert odd.status_code == 422
    assert db.session.query(Rating).count() == 0


def test_the_owner_is_prompted_on_the_dossier_page_until_rated(
    app, citizen, make_user, returned
) -> None:
    dossier = returned(citizen)
    owner = app.test_client()
    login(owner, citizen)
    page = owner.get(f"/ho-so/{dossier.id}")
    assert "Đánh giá mức độ hài lòng" in page.text
    stranger = app.test_client()
    login(stranger, make_user(full_name="Vi Văn Thắng"))
    assert stranger.get(f"/ho-so/{dossier.id}/danh-gia").status_code == 404
    assert rate(stranger, f"/ho-so/{dossier.id}/danh-gia").status_code == 404
    assert rate(owner, f"/ho-so/{dossier.id}/danh-gia", score="5").status_code == 303
    assert "Đánh giá mức độ hài lòng" not in owner.get(f"/ho-so/{dossier.id}").text
    # The SMS link is spent too: one rating per dossier, whichever way.
    assert "đã được ghi nhận" in app.test_client().get(link_of(dossier)).text


def test_a_volunteer_records_a_rating_at_the_hall_for_a_dossier_they_helped_with(
    app, citizen, make_user, returned
) -> None:
    volunteer = make_user(role=Role.COMMUNITY, full_name="Lô Văn Pằn")
    other = make_user(role=Role.COMMUNITY, full_name="Moong Văn Tình")
    dossier = returned(citizen, helper=volunteer)
    hall = app.test_client()
    login(hall, volunteer)
    listing = hall.get("/ho-tro/danh-gia")
    assert dossier.code in listing.text and citizen.full_name not in listing.text
    response = rate(hall, f"/ho-tro/danh-gia/{dossier.id}", score="4", reasons=("kind", "clear"))
    assert response.status_code == 303
    assert db.session.scalar(select(Rating)).at_hall
    assert dossier.code not in hall.get("/ho-tro/danh-gia").text
    stranger = app.test_client()
    login(stranger, other)
    assert stranger.get(f"/ho-tro/danh-gia/{dossier.id}").status_code == 404


def test_ratings_are_anonymous_in_the_table_and_in_every_report(app, make_user, returned) -> None:
    columns = {c["name"] for c in inspect(db.engine).get_columns("ratings")}
    assert not {"user_id", "dossier_id", "owner_id", "phone", "name"} & columns
    assert not any(c.endswith("_at") for c in columns)  # a day, never a moment
    people = [make_user(full_name=n) for n in ("Hà Thị Mai", "Lương Văn Đức", "Vi Thị Hằng")]
    for n, (person, score) in enumerate(zip(people, ("5", "4", "1"), strict=True)):
        dossier = returned(person, f"p{n}")
        assert rate(app.test_client(), link_of(dossier), score).status_code == 303
    today = clock.today()
    summary = numbers.rating_counts(today, today)
    assert [(c["count"], c["score_sum"]) for c in summary.values()] == [(3, 10)]
    reports = repr(summary) + repr(
        [(r.score, r.comment, r.reasons, r.unit_id) for r in queries.low_ratings(today, today)]
    )
    for person in people:
        assert person.full_name not in reports and person.phone not in reports
    assert len(queries.low_ratings(today, today)) == 1
    assert numbers.rating_counts(today, today, unit_ids=frozenset({-1})) == {}
