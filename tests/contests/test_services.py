"""The organiser's services: scope, contest settings, publishing, the bank, rounds (weekly
windows in Vietnam's time), ranking and winners."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hoiso.contests import services
from hoiso.contests.models import Contest, Question, Result, Round
from hoiso.contests.services import QuestionData
from hoiso.contests.weekly import VN, next_monday, weekly_windows
from hoiso.core.errors import ServiceError
from hoiso.core.models import AuditEntry
from tests.contests.helpers import (
    closed_round,
    make_contest,
    nothing_changes,
    open_round,
    public_person,
    submitted_in_closed_round,
)

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


def _data(**overrides):
    return {"title": "Cuộc thi", "rules": "", "audience": "public", "time_limit_minutes": 10,
            "questions_per_attempt": 3, "attempts_per_round": 2, "prize_first": 1, "prize_second": 1,
            "prize_third": 1, "prize_consolation": 1, **overrides}  # fmt: skip


def test_weekly_windows_open_monday_ten_and_close_next_monday_nine():
    windows = weekly_windows(datetime.date(2025, 10, 6), 3)
    assert windows[0] == (
        datetime.datetime(2025, 10, 6, 10, tzinfo=VN),
        datetime.datetime(2025, 10, 13, 9, tzinfo=VN),
    )
    assert windows[2][0] == datetime.datetime(2025, 10, 20, 10, tzinfo=VN)
    assert windows[0][0].astimezone(datetime.UTC).hour == 3  # 10:00 in Vietnam is 03:00 UTC
    assert next_monday(datetime.date(2025, 10, 8)) == datetime.date(2025, 10, 13)
    assert next_monday(datetime.date(2025, 10, 13)) == datetime.date(2025, 10, 13)


def test_create_only_within_scope(tree, xa_officer, xa_officer_other, chi_hoi_leader):
    contest = services.contest_create(actor=xa_officer, unit=tree.a, data=_data())
    assert contest.unit_path == tree.a.path and contest.status == Contest.Status.DRAFT
    assert AuditEntry.objects.filter(action="contest.create").count() == 1
    for outsider in (xa_officer_other, chi_hoi_leader):
        with nothing_changes(), pytest.raises(ServiceError):
            services.contest_create(actor=outsider, unit=tree.a, data=_data())


def test_settings_are_checked(tree, xa_officer):
    for bad in ({"time_limit_minutes": 0}, {"questions_per_attempt": 101}, {"attempts_per_round": 0},
                {"prize_first": 1001}, {"title": "  "}):  # fmt: skip
        with pytest.raises(ServiceError):
            services.contest_create(actor=xa_officer, unit=tree.a, data=_data(**bad))
    assert not Contest.objects.exists()


def test_publish_needs_rounds_and_enough_questions(tree, xa_officer, english):
    contest = services.contest_create(
        actor=xa_officer, unit=tree.a, data=_data(questions_per_attempt=5)
    )
    assert services.publish_problems(contest) == ["Add at least one round."]
    now = timezone.now()
    services.round_add(actor=xa_officer, contest=contest, data={
        "starts_at": now, "ends_at": now + datetime.timedelta(days=7), "selection": "random"})  # fmt: skip
    with pytest.raises(ServiceError, match="draws 5 questions but the bank has only 0"):
        services.contest_publish(actor=xa_officer, contest=contest)
    from tests.contests.helpers import question_rows

    services.questions_import(actor=xa_officer, contest=contest, rows=question_rows(5))
    services.contest_publish(actor=xa_officer, contest=contest)
    contest.refresh_from_db()
    assert contest.status == Contest.Status.PUBLISHED


def test_settings_freeze_once_people_took_part(tree, xa_officer, english):
    from hoiso.contests import quiz
    from tests.contests.helpers import open_round

    contest = make_contest(xa_officer, tree.a)
    quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    data = {f: getattr(contest, f) for f in ("title", "rules", "audience", *services.QUIZ_SETTINGS,
                                             *services.PRIZE_FIELDS)}  # fmt: skip
    with pytest.raises(ServiceError, match="already taken part"):
        services.contest_update(
            actor=xa_officer, contest=contest, data={**data, "time_limit_minutes": 99}
        )
    services.contest_update(
        actor=xa_officer, contest=contest, data={**data, "title": "Tên mới", "prize_first": 3}
    )
    contest.refresh_from_db()
    assert (contest.title, contest.prize_first, contest.time_limit_minutes) == ("Tên mới", 3, 10)


@pytest.mark.parametrize("options,kind,message", [
    ([("A", True)], "single", "between 2 and 6"),
    ([("A", True), ("B", True)], "single", "exactly one right"),
    ([("A", False), ("B", False)], "multiple", "at least one right"),
    ([("A", True), (" a ", False)], "single", "same"),
    ([("A\x00", True), ("B", False)], "single", "control characters"),
    ([("A", True), ("", True)], "single", "marked right but is empty"),
])  # fmt: skip
def test_bad_questions_are_refused(tree, xa_officer, english, options, kind, message):
    contest = services.contest_create(actor=xa_officer, unit=tree.a, data=_data())
    with pytest.raises(ServiceError, match=message):
        services.question_add(actor=xa_officer, contest=contest,
                              data=QuestionData("Câu hỏi?", kind, "", 2, options))  # fmt: skip
    assert not Question.objects.exists()


def test_question_text_limits(tree, xa_officer, english):
    contest = services.contest_create(actor=xa_officer, unit=tree.a, data=_data())
    with pytest.raises(ServiceError, match="longer than 1000"):
        services.question_add(actor=xa_officer, contest=contest,
                              data=QuestionData("x" * 1001, "single", "", 2, [("A", True), ("B", False)]))  # fmt: skip
    q = services.question_add(actor=xa_officer, contest=contest, data=QuestionData(
        "<script>alert(1)</script> Cu\u0309a ai?", "single", " Lịch sử ", 3, [("A", True), ("B", False)]))  # fmt: skip
    assert (
        q.text == "<script>alert(1)</script> Của ai?"
        and q.topic == "Lịch sử"
        and q.options.count() == 2
    )


def test_rounds_cannot_overlap_and_must_end_after_they_start(tree, xa_officer, english):
    contest = services.contest_create(actor=xa_officer, unit=tree.a, data=_data())
    made = services.rounds_generate_weekly(actor=xa_officer, contest=contest, first_day=datetime.date(2030, 1, 7),
                                           count=4)  # fmt: skip
    assert [r.number for r in made] == [1, 2, 3, 4]
    assert made[1].starts_at.astimezone(VN) == datetime.datetime(2030, 1, 14, 10, tzinfo=VN)
    with pytest.raises(ServiceError, match="cannot overlap: round 2"):
        services.round_add(actor=xa_officer, contest=contest, data={
            "starts_at": made[1].starts_at, "ends_at": made[1].starts_at + datetime.timedelta(hours=1)})  # fmt: skip
    with pytest.raises(ServiceError, match="close after it opens"):
        services.round_add(actor=xa_officer, contest=contest, data={
            "starts_at": made[3].ends_at, "ends_at": made[3].ends_at})  # fmt: skip
    with pytest.raises(ServiceError, match="between 1 and 52"):
        services.rounds_generate_weekly(actor=xa_officer, contest=contest, first_day=datetime.date(2031, 1, 6),
                                        count=53)  # fmt: skip
    assert Round.objects.count() == 4


def test_fixed_round_keeps_its_questions_in_order(tree, xa_officer):
    contest = make_contest(xa_officer, tree.a, publish=False, closed_round=False)
    questions = list(contest.questions.order_by("-pk")[:3])
    now = timezone.now()
    r = services.round_add(actor=xa_officer, contest=contest, data={
        "starts_at": now + datetime.timedelta(days=30), "ends_at": now + datetime.timedelta(days=37),
        "selection": "fixed", "questions": questions})  # fmt: skip
    assert [rq.question_id for rq in r.fixed.all()] == [q.pk for q in questions]


def test_rank_and_publish_winners(tree, xa_officer, xa_officer_other, english):
    contest = make_contest(xa_officer, tree.a, prizes=(1, 1, 0, 1))
    round_ = closed_round(contest)
    people = [public_person(contest, n) for n in range(1, 5)]
    submitted_in_closed_round(contest, people[:3], prediction=2)  # three all right, predicted 2
    submitted_in_closed_round(contest, people[3:], correct_all=False)
    with pytest.raises(ServiceError, match="Rank the round before"):
        services.round_publish_winners(actor=xa_officer, round_=round_)
    with nothing_changes(), pytest.raises(ServiceError):
        services.round_rank(actor=xa_officer_other, round_=round_)
    actual, ranked = services.round_rank(actor=xa_officer, round_=round_)
    assert (actual, ranked) == (3, 4)
    results = list(Result.objects.filter(round=round_).order_by("position"))
    # equal right answers and predictions: the shortest time first (people[0] took 100 s)
    assert [r.participant_id for r in results] == [p.pk for p in people]
    assert [r.prize for r in results] == ["first", "second", "consolation", ""]
    services.round_publish_winners(actor=xa_officer, round_=round_)
    with pytest.raises(ServiceError, match="ranking is final"):
        services.round_rank(actor=xa_officer, round_=round_)


def test_an_open_round_cannot_be_ranked(tree, xa_officer, english):
    from tests.contests.helpers import open_round

    contest = make_contest(xa_officer, tree.a)
    with pytest.raises(ServiceError, match="still open"):
        services.round_rank(actor=xa_officer, round_=open_round(contest))


def test_close_contest(tree, xa_officer, english):
    contest = make_contest(xa_officer, tree.a)
    services.contest_close(actor=xa_officer, contest=contest)
    with pytest.raises(ServiceError, match="closed"):
        services.question_add(actor=xa_officer, contest=contest,
                              data=QuestionData("Câu?", "single", "", 2, [("A", True), ("B", False)]))  # fmt: skip


def _edited(question, **changes) -> QuestionData:
    options = [(o.text, o.is_correct) for o in question.options.order_by("order", "pk")]
    values = {"text": question.text, "kind": question.kind, "topic": question.topic,
              "difficulty": question.difficulty, "options": options, **changes}  # fmt: skip
    return QuestionData(**values)


def test_a_question_is_corrected_wholly_until_someone_is_shown_it(
    tree, xa_officer, xa_officer_other, english
):
    contest = make_contest(xa_officer, tree.a, publish=False, closed_round=False)
    question = contest.questions.order_by("pk").first()
    with nothing_changes(), pytest.raises(ServiceError):
        services.question_update(
            actor=xa_officer_other, question=question, data=_edited(question, text="Khác?")
        )
    # nobody has seen it: the right answer and the options may change
    services.question_update(actor=xa_officer, question=question, data=_edited(
        question, text="Năm thành lập Hội?  ", options=[("1930", True), ("1945", False), ("1960", False)]))  # fmt: skip
    question.refresh_from_db()
    assert question.text == "Năm thành lập Hội?"
    assert [(o.text, o.is_correct) for o in question.options.order_by("order")] == [
        ("1930", True), ("1945", False), ("1960", False)]  # fmt: skip
    assert AuditEntry.objects.filter(
        action="contest.questions", details__changed=question.pk
    ).exists()


def test_once_shown_only_the_wording_changes(tree, xa_officer, english):
    from hoiso.contests import quiz

    contest = make_contest(xa_officer, tree.a, questions=4, per_attempt=4)
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    question = Question.objects.get(pk=attempt.layout[0][0])
    options = list(question.options.order_by("order", "pk"))
    wrong = next(n for n, o in enumerate(options) if not o.is_correct)
    flipped = [(o.text, n == wrong) for n, o in enumerate(options)]  # another right answer
    with nothing_changes(), pytest.raises(ServiceError, match="already answered"):
        services.question_update(
            actor=xa_officer, question=question, data=_edited(question, options=flipped)
        )
    with nothing_changes(), pytest.raises(ServiceError, match="already answered"):
        services.question_update(actor=xa_officer, question=question,
                                 data=_edited(question, options=[(o.text, o.is_correct) for o in options][:2]))  # fmt: skip
    typo = [(o.text + " (sửa)", o.is_correct) for o in options]
    services.question_update(actor=xa_officer, question=question, data=_edited(question, text="Đã sửa lỗi chính tả?",
                                                                               options=typo))  # fmt: skip
    # the same option rows keep their ids: the attempt's layout and answers still point at them
    assert [(o.pk, o.text) for o in question.options.order_by("order", "pk")] == [
        (o.pk, o.text + " (sửa)") for o in options]  # fmt: skip
    # a bad correction is refused as a new question would be
    with pytest.raises(ServiceError):
        services.question_update(
            actor=xa_officer, question=question, data=_edited(question, text="  ")
        )
