"""Builders for the contests tests: a quiz contest of commune A with a small bank and rounds
(one open now, one already closed), participants and submitted attempts; and the snapshot of
the contests tables for the authorisation matrix."""

from __future__ import annotations

import datetime

from django.utils import timezone

QUIZ_OF_A = "Tìm hiểu lịch sử phường Ninh Kiều"


def question_rows(n: int = 6):
    from hoiso.contests.services import QuestionData

    rows = []
    for i in range(n):
        if i % 3 == 2:
            rows.append(QuestionData(f"Câu hỏi nhiều đáp án số {i + 1}?", "multiple", "Lịch sử", 2,
                                     [("Đúng một", True), ("Đúng hai", True), ("Sai", False)]))  # fmt: skip
        else:
            rows.append(QuestionData(f"Câu hỏi số {i + 1}: năm thành lập?", "single",
                                     "Lịch sử" if i % 2 else "Pháp luật", 1 + i % 3,
                                     [("1930", True), ("1945", False), ("1954", False), ("1975", False)]))  # fmt: skip
    return rows


def make_contest(actor, unit, *, title=QUIZ_OF_A, audience="public", questions=6, per_attempt=4,
                 attempts=2, publish=True, closed_round=True, prizes=(1, 1, 1, 2)):  # fmt: skip
    """A contest with `questions` questions, an open round (random draw) and, before it, a
    closed round; published unless told otherwise."""
    from hoiso.contests import services

    contest = services.contest_create(actor=actor, unit=unit, data={
        "title": title, "rules": "Thể lệ.", "audience": audience, "time_limit_minutes": 10,
        "questions_per_attempt": per_attempt, "attempts_per_round": attempts, "prize_first": prizes[0],
        "prize_second": prizes[1], "prize_third": prizes[2], "prize_consolation": prizes[3]})  # fmt: skip
    services.questions_import(actor=actor, contest=contest, rows=question_rows(questions))
    now = timezone.now()
    if closed_round:
        services.round_add(actor=actor, contest=contest, data={
            "starts_at": now - datetime.timedelta(days=8), "ends_at": now - datetime.timedelta(days=1),
            "selection": "random"})  # fmt: skip
    services.round_add(actor=actor, contest=contest, data={
        "starts_at": now - datetime.timedelta(hours=1), "ends_at": now + datetime.timedelta(days=6),
        "selection": "random"})  # fmt: skip
    if publish:
        services.contest_publish(actor=actor, contest=contest)
    return contest


def open_round(contest):
    from hoiso.contests import quiz

    return quiz.current_round(contest)


def closed_round(contest):
    return contest.rounds.order_by("number").first()


def public_person(contest, n: int = 1, *, name=None, phone=None, area=None):
    from hoiso.contests import quiz
    from hoiso.org.models import AdministrativeArea

    area = area or AdministrativeArea.objects.get(code="31135")
    entrant = quiz.PublicEntrant(name or f"Nguyễn Thị Số {['Một', 'Hai', 'Ba', 'Bốn', 'Năm', 'Sáu', 'Bảy', 'Tám', 'Chín', 'Mười'][n % 10]}",
                                 datetime.date(1990, 1, 1 + n % 27), phone or f"09{n:08d}", area)  # fmt: skip
    return quiz.participant_for_public(contest=contest, entrant=entrant, ip="203.0.113.7")


def right_answers(attempt) -> dict[str, list[str]]:
    from hoiso.contests.models import Option

    ids = [qid for qid, _o in attempt.layout]
    answers: dict[str, list[str]] = {str(q): [] for q in ids}
    for qid, oid in Option.objects.filter(question_id__in=ids, is_correct=True).values_list(
        "question_id", "pk"
    ):
        answers[str(qid)].append(str(oid))
    return answers


def wrong_answers(attempt) -> dict[str, list[str]]:
    from hoiso.contests.models import Option

    answers = {}
    for qid, shown in attempt.layout:
        wrong = (
            Option.objects.filter(pk__in=shown, is_correct=False)
            .values_list("pk", flat=True)
            .first()
        )
        answers[str(qid)] = [str(wrong)]
    return answers


def submitted_in_closed_round(contest, people: list, *, correct_all=True, prediction=3):
    """Attempts written straight into the closed round (its window is over: no service
    would take them now), scored with the real scoring."""
    from hoiso.contests import quiz
    from hoiso.contests.models import Attempt

    round_ = closed_round(contest)
    made = []
    for n, person in enumerate(people):
        started = round_.starts_at + datetime.timedelta(hours=1 + n)
        questions = quiz._draw(round_)
        attempt = Attempt(round=round_, participant=person, started_at=started,
                          deadline=started + datetime.timedelta(minutes=10), layout=quiz._layout(questions),
                          question_count=len(questions))  # fmt: skip
        answers = right_answers(attempt) if correct_all else wrong_answers(attempt)
        attempt.answers = quiz.parse_answers(attempt.layout, answers)
        attempt.correct = quiz.score(attempt.layout, attempt.answers)
        attempt.prediction = prediction
        attempt.submitted_at = started + datetime.timedelta(seconds=100 + n)
        attempt.duration_ms = (100 + n) * 1000
        attempt.status = Attempt.Status.SUBMITTED
        attempt.save()
        made.append(attempt)
    return made


def contests_snapshot() -> dict[str, list]:
    from hoiso.contests.models import (
        Attempt,
        Contest,
        Option,
        Participant,
        Question,
        Result,
        Round,
        RoundQuestion,
    )

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return {
        "contests": rows(Contest, "unit_id", "title", "status", "audience", "time_limit_minutes"),
        "contest_questions": rows(Question, "contest_id", "text", "is_active"),
        "contest_options": rows(Option, "question_id", "text", "is_correct"),
        "contest_rounds": rows(
            Round,
            "contest_id",
            "number",
            "starts_at",
            "ends_at",
            "ranked_at",
            "winners_published_at",
        ),
        "contest_round_questions": rows(RoundQuestion, "round_id", "question_id"),
        "contest_participants": rows(Participant, "contest_id", "phone", "full_name"),
        "contest_attempts": rows(Attempt, "participant_id", "status", "correct", "prediction"),
        "contest_results": rows(Result, "round_id", "participant_id", "rank", "prize"),
    }


READS = {"contest.results_download"}  # downloads logged as reads: they change nothing


def with_contests(snapshot):
    def taken() -> dict:
        from hoiso.core.models import AuditEntry

        found = {**snapshot(), **contests_snapshot()}
        if "audit" in found:
            reads = set(AuditEntry.objects.filter(action__in=READS).values_list("pk", flat=True))
            found["audit"] = [row for row in found["audit"] if row[0] not in reads]
        return found

    return taken


class nothing_changes:  # noqa: N801 - used as a context manager, reads as a sentence
    """`with nothing_changes(): ...` asserts the block left every row (contests included) as it was."""

    def __enter__(self):
        from tests.members.helpers import db_snapshot

        self.snapshot = with_contests(db_snapshot)
        self.before = self.snapshot()
        return self

    def __exit__(self, *exc):
        after = self.snapshot()
        changed = {k: (self.before[k], after[k]) for k in after if after[k] != self.before[k]}
        assert not changed, f"rows changed: {changed}"
        return False
