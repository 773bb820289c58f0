"""The participant's side: joining, the draw and the shuffle, one attempt in progress, the
attempts limit, server-side time, forged answers, idempotent submits, the member link."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hoiso.contests import quiz
from hoiso.contests.models import Attempt, Participant
from hoiso.core.errors import ServiceError
from tests.contests.helpers import (
    make_contest,
    nothing_changes,
    open_round,
    public_person,
    right_answers,
)
from tests.members.helpers import admit

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


@pytest.fixture
def contest(tree, xa_officer):
    return make_contest(xa_officer, tree.a, questions=6, per_attempt=4, attempts=2)


def test_public_entrant_is_checked_and_normalised(contest, english):
    from hoiso.org.models import AdministrativeArea

    area = AdministrativeArea.objects.get(code="31135")
    far = AdministrativeArea.objects.get(
        code="26740"
    )  # Hồ Chí Minh City: not in the organiser's province
    good = quiz.PublicEntrant(
        "  nguyễn   thị hoa ", datetime.date(1990, 1, 1), "+84 912 345 678", area
    )
    person = quiz.participant_for_public(contest=contest, entrant=good, ip="203.0.113.1")
    assert (person.phone, person.full_name) == ("0912345678", "nguyễn thị hoa")
    assert (
        quiz.participant_for_public(contest=contest, entrant=good, ip=None).pk == person.pk
    )  # found again
    for bad, message in [
        (quiz.PublicEntrant("<script>", datetime.date(1990, 1, 1), "0912345678", area), "only letters"),
        (quiz.PublicEntrant("Hoa", datetime.date(2030, 1, 1), "0912345678", area), "real date of birth"),
        (quiz.PublicEntrant("Hoa", datetime.date(1990, 1, 1), "12ab", area), "other than digits"),
        (quiz.PublicEntrant("Hoa", datetime.date(1990, 1, 1), "0912345678", far), "commune or ward"),
        (quiz.PublicEntrant("Hoa", datetime.date(1990, 1, 1), "", area), "phone number"),
    ]:  # fmt: skip
        with nothing_changes(), pytest.raises(ServiceError, match=message):
            quiz.participant_for_public(contest=contest, entrant=bad, ip=None)


def test_the_draw_and_the_shuffle_are_stored(contest):
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    assert attempt.question_count == 4 and len(attempt.layout) == 4
    assert len({qid for qid, _o in attempt.layout}) == 4
    for qid, shown in attempt.layout:
        from hoiso.contests.models import Option

        assert sorted(shown) == sorted(
            Option.objects.filter(question_id=qid).values_list("pk", flat=True)
        )
    assert attempt.deadline == attempt.started_at + datetime.timedelta(minutes=10)


def test_options_are_shuffled_across_attempts(tree, xa_officer):
    """Over many draws the first option shown is not always the same (scoring is by id)."""
    contest = make_contest(xa_officer, tree.a, questions=6, per_attempt=6, attempts=20)
    person = public_person(contest)
    firsts = set()
    for _n in range(12):
        attempt = quiz.attempt_start(participant=person, round_=open_round(contest))
        firsts.add(tuple(shown[0] for _q, shown in sorted(attempt.layout)))
        quiz.attempt_submit(
            key=attempt.key, token=attempt.submit_token, raw_answers={}, prediction=0
        )
    assert len(firsts) > 1


def test_one_attempt_in_progress_is_resumed_not_doubled(contest):
    person = public_person(contest)
    first = quiz.attempt_start(participant=person, round_=open_round(contest))
    again = quiz.attempt_start(participant=person, round_=open_round(contest))
    assert again.pk == first.pk
    assert Attempt.objects.filter(participant=person, status="open").count() == 1


def test_attempts_per_round_are_limited(contest, english):
    person = public_person(contest)
    for _n in range(2):
        attempt = quiz.attempt_start(participant=person, round_=open_round(contest))
        quiz.attempt_submit(key=attempt.key, token=attempt.submit_token, raw_answers=right_answers(attempt),
                            prediction=1)  # fmt: skip
    with nothing_changes(), pytest.raises(ServiceError, match="used all 2 attempts"):
        quiz.attempt_start(participant=person, round_=open_round(contest))


def test_submit_scores_by_option_id_and_replay_counts_once(contest):
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    answers = right_answers(attempt)
    first_qid = str(attempt.layout[0][0])
    answers[first_qid] = []  # one question left blank
    stored, fresh = quiz.attempt_submit(key=attempt.key, token=attempt.submit_token, raw_answers=answers,
                                        prediction="1.234")  # fmt: skip
    assert (
        fresh and stored.correct == 3 and stored.prediction == 1234 and stored.status == "submitted"
    )
    assert stored.duration_ms is not None and stored.submitted_at >= stored.started_at
    replay, fresh = quiz.attempt_submit(key=attempt.key, token=attempt.submit_token,
                                        raw_answers=right_answers(attempt), prediction=5)  # fmt: skip
    assert not fresh and replay.correct == 3 and replay.prediction == 1234


def test_multiple_choice_needs_exactly_the_right_options(tree, xa_officer):
    from hoiso.contests.models import Option, Question

    contest = make_contest(
        xa_officer, tree.a, questions=6, per_attempt=6
    )  # every question: two multiple
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    answers = right_answers(attempt)
    multiple = [
        qid for qid, _o in attempt.layout if Question.objects.get(pk=qid).kind == "multiple"
    ]
    qid = multiple[0]
    answers[str(qid)] = answers[str(qid)][:1]  # one of the two right options only
    stored, _fresh = quiz.attempt_submit(key=attempt.key, token=attempt.submit_token, raw_answers=answers,
                                         prediction=0)  # fmt: skip
    assert stored.correct == attempt.question_count - 1
    assert Option.objects.filter(question_id=qid, is_correct=True).count() == 2


@pytest.mark.parametrize("forge", ["question", "option", "text"])
def test_forged_ids_are_refused_and_nothing_is_stored(contest, english, forge):
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    answers = right_answers(attempt)
    if forge == "question":
        answers["999999"] = [answers[next(iter(answers))][0]]
    elif forge == "option":
        from hoiso.contests.models import Option

        other = Option.objects.exclude(
            pk__in=[o for _q, shown in attempt.layout for o in shown]
        ).first()
        answers[next(iter(answers))] = [str(other.pk)]
    else:
        answers[next(iter(answers))] = ["1 OR 1=1"]
    with nothing_changes(), pytest.raises(ServiceError, match="not part of your attempt"):
        quiz.attempt_submit(
            key=attempt.key, token=attempt.submit_token, raw_answers=answers, prediction=0
        )


def test_a_wrong_token_is_refused(contest, english):
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    with nothing_changes(), pytest.raises(ServiceError, match="out of date"):
        quiz.attempt_submit(key=attempt.key, token="00000000-0000-0000-0000-000000000000", raw_answers={},
                            prediction=0)  # fmt: skip


def test_answers_after_the_time_limit_are_refused(contest, english):
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    late = attempt.deadline + quiz.GRACE + datetime.timedelta(seconds=1)
    with pytest.raises(ServiceError, match="time for this attempt is up"):
        quiz.attempt_submit(key=attempt.key, token=attempt.submit_token, raw_answers=right_answers(attempt),
                            prediction=0, now=late)  # fmt: skip
    attempt.refresh_from_db()
    assert attempt.status == "expired" and attempt.correct is None
    # within the grace it is still taken
    other = quiz.attempt_start(participant=public_person(contest, 2), round_=open_round(contest))
    stored, _fresh = quiz.attempt_submit(key=other.key, token=other.submit_token, raw_answers={}, prediction=0,
                                         now=other.deadline + quiz.GRACE)  # fmt: skip
    assert stored.status == "submitted"


def test_the_deadline_is_the_round_close_when_sooner(tree, xa_officer, english):
    from hoiso.contests import services

    contest = make_contest(xa_officer, tree.a, publish=False, closed_round=False)
    r = contest.rounds.get()
    r.ends_at = timezone.now() + datetime.timedelta(minutes=3)
    r.save()
    services.contest_publish(actor=xa_officer, contest=contest)
    attempt = quiz.attempt_start(participant=public_person(contest), round_=r)
    assert attempt.deadline == r.ends_at
    with pytest.raises(ServiceError, match="round has closed"):
        quiz.attempt_submit(key=attempt.key, token=attempt.submit_token, raw_answers={}, prediction=0,
                            now=r.ends_at + datetime.timedelta(minutes=1))  # fmt: skip


def test_a_closed_round_or_an_unpublished_contest_takes_no_attempt(tree, xa_officer, english):
    from tests.contests.helpers import closed_round

    contest = make_contest(xa_officer, tree.a)
    with pytest.raises(ServiceError, match="not open now"):
        quiz.attempt_start(participant=public_person(contest), round_=closed_round(contest))
    draft = make_contest(xa_officer, tree.a, title="Nháp", publish=False)
    with pytest.raises(ServiceError, match="not open"):
        quiz.attempt_start(participant=public_person(draft), round_=open_round(draft))


def test_an_expired_attempt_in_progress_makes_room_for_a_new_one(contest):
    person = public_person(contest)
    first = quiz.attempt_start(participant=person, round_=open_round(contest))
    later = first.deadline + datetime.timedelta(minutes=1)
    second = quiz.attempt_start(participant=person, round_=open_round(contest), now=later)
    first.refresh_from_db()
    assert first.status == "expired" and second.pk != first.pk and second.status == "open"


def test_member_link_by_phone(tree, xa_officer, member, english):
    contest = make_contest(xa_officer, tree.a, audience="members")
    with pytest.raises(ServiceError, match="not linked"):
        quiz.participant_for_member(contest=contest, user=member)
    admit(xa_officer, tree.a1, full_name="Võ Thị Sen", phone="0987654321")
    member.phone = "+84 987 654 321"
    member.save()
    person = quiz.participant_for_member(contest=contest, user=member)
    assert person.kind == Participant.Kind.MEMBER and person.unit_id == tree.a1.pk
    assert person.unit_path == tree.a1.path and person.phone == "0987654321"
    assert quiz.participant_for_member(contest=contest, user=member).pk == person.pk
    # two current members with that phone: no link (ambiguous)
    admit(xa_officer, tree.a2, full_name="Võ Thị Sen Hai", phone="0987654321")
    assert quiz.member_of(member) is None


def test_members_only_contest_is_for_members_of_the_organiser(
    tree, xa_officer, xa_officer_other, member, english
):
    contest = make_contest(xa_officer, tree.a, audience="members")
    admit(xa_officer_other, tree.b1, full_name="Võ Thị Sen", phone="0987654321")
    member.phone = "0987654321"
    member.save()
    with pytest.raises(ServiceError, match="for members of Hội LHPN phường Ninh Kiều"):
        quiz.participant_for_member(contest=contest, user=member)
    with pytest.raises(ServiceError, match="sign in"):
        public_person(contest)
