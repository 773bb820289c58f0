"""Every write of the organiser's side: contests (shared by every kind), then the quiz's
question bank, rounds, ranking and winners. The participant's side (joining, attempts,
submits) is in contests.quiz; the Excel import of questions in contests.importing.

Each service checks the actor's scope itself (Action.MANAGE_CONTESTS at the organiser unit:
views, commands and the demo call the same functions), runs in one transaction and refuses
with a ServiceError whose message is for the user, so a refusal leaves nothing written.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.contests import ranking
from hoiso.contests.models import Attempt, Contest, Option, Question, Round, RoundQuestion
from hoiso.contests.weekly import weekly_windows
from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.org.models import Unit

MAX_QUESTION = 1000
MAX_OPTION = 500
MAX_OPTIONS = 6
MAX_ROUNDS = 52
QUIZ_SETTINGS = ("time_limit_minutes", "questions_per_attempt", "attempts_per_round")
PRIZE_FIELDS = ("prize_first", "prize_second", "prize_third", "prize_consolation")


def require(actor, path: str) -> None:
    if not user_can(actor, Action.MANAGE_CONTESTS, path):
        raise ServiceError(_("You cannot organise contests of this unit."))


def _locked(contest: Contest) -> Contest:
    return Contest.objects.select_for_update().get(pk=contest.pk)


# ------------------------------------------------------------------------------ contests


def _check_settings(data: dict) -> None:
    if not 1 <= data["time_limit_minutes"] <= 180:
        raise ServiceError(_("The time limit must be between 1 and 180 minutes."))
    if not 1 <= data["questions_per_attempt"] <= 100:
        raise ServiceError(_("An attempt has between 1 and 100 questions."))
    if not 1 <= data["attempts_per_round"] <= 20:
        raise ServiceError(_("Allow between 1 and 20 attempts per person and round."))
    if any(not 0 <= data[f] <= 1000 for f in PRIZE_FIELDS):
        raise ServiceError(_("A round has at most 1,000 prizes of each kind."))
    if not data["title"].strip():
        raise ServiceError(_("Enter the contest's title."))


@transaction.atomic
def contest_create(*, actor, unit: Unit, data: dict) -> Contest:
    """A draft quiz contest organised by `unit`."""
    require(actor, unit.path)
    _check_settings(data)
    contest = Contest.objects.create(
        unit=unit, kind=Contest.Kind.QUIZ, title=data["title"].strip(), rules=data.get("rules", ""),
        audience=data["audience"], created_by=actor,
        **{f: data[f] for f in (*QUIZ_SETTINGS, *PRIZE_FIELDS)},
    )  # fmt: skip
    audit.record(actor=actor, action="contest.create", obj=contest)
    return contest


@transaction.atomic
def contest_update(*, actor, contest: Contest, data: dict) -> Contest:
    """Change a contest not closed. Once someone has made an attempt, its quiz settings and
    audience stay as the participants met them; the wording and the prizes may change."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status == Contest.Status.CLOSED:
        raise ServiceError(_("This contest is closed: it can no longer be changed."))
    _check_settings(data)
    started = Attempt.objects.filter(round__contest=contest).exists()
    if started and (data["audience"] != contest.audience
                    or any(data[f] != getattr(contest, f) for f in QUIZ_SETTINGS)):  # fmt: skip
        raise ServiceError(
            _("People have already taken part: the audience, time limit, number of questions "
              "and attempts can no longer change.")
        )  # fmt: skip
    contest.title, contest.rules = data["title"].strip(), data.get("rules", "")
    contest.audience = data["audience"]
    for f in (*QUIZ_SETTINGS, *PRIZE_FIELDS):
        setattr(contest, f, data[f])
    contest.save()
    audit.record(actor=actor, action="contest.update", obj=contest)
    return contest


def publish_problems(contest: Contest) -> list[str]:
    """What keeps a contest from being published (empty: it can be)."""
    problems = []
    rounds = list(contest.rounds.all())
    if not rounds:
        problems.append(_("Add at least one round."))
    active = contest.questions.filter(is_active=True)
    for r in rounds:
        if r.selection == Round.Selection.FIXED:
            if not r.fixed.exists():
                problems.append(_("Round %(n)d has no questions chosen.") % {"n": r.number})
        else:
            pool = _pool(active, r).count()
            if pool < contest.questions_per_attempt:
                problems.append(
                    _(
                        "Round %(n)d draws %(need)d questions but the bank has only %(have)d that fit."
                    )
                    % {"n": r.number, "need": contest.questions_per_attempt, "have": pool}
                )
    return problems


def _pool(questions, round_: Round):
    """The bank's questions a random round draws from."""
    from hoiso.core.text import fold

    if round_.topic:
        questions = questions.filter(topic_folded=fold(round_.topic))
    if round_.difficulty:
        questions = questions.filter(difficulty=round_.difficulty)
    return questions


@transaction.atomic
def contest_publish(*, actor, contest: Contest) -> Contest:
    """Open a draft contest to its audience (its rounds then run by their dates)."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status != Contest.Status.DRAFT:
        raise ServiceError(_("Only a draft contest can be published."))
    problems = publish_problems(contest)
    if problems:
        raise ServiceError(" ".join(problems))
    contest.status, contest.published_at = Contest.Status.PUBLISHED, timezone.now()
    contest.save(update_fields=["status", "published_at"])
    audit.record(actor=actor, action="contest.publish", obj=contest)
    return contest


@transaction.atomic
def contest_close(*, actor, contest: Contest) -> Contest:
    """End a published contest: no more attempts; its results and winners stay readable."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status != Contest.Status.PUBLISHED:
        raise ServiceError(_("Only a published contest can be closed."))
    contest.status, contest.closed_at = Contest.Status.CLOSED, timezone.now()
    contest.save(update_fields=["status", "closed_at"])
    audit.record(actor=actor, action="contest.close", obj=contest)
    return contest


# ------------------------------------------------------------------------------ question bank


def clean_text(value, *, limit: int, what: str) -> str:
    """Text as typed or read from a file: trimmed, normalised (NFC), no control characters,
    not longer than `limit`. Raises ServiceError naming `what`."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value)).strip()
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t" for c in text):
        raise ServiceError(_("%(what)s contains invisible control characters.") % {"what": what})
    if len(text) > limit:
        raise ServiceError(
            _("%(what)s is longer than %(n)d characters.") % {"what": what, "n": limit}
        )
    return text


@dataclass
class QuestionData:
    text: str
    kind: str
    topic: str
    difficulty: int
    options: list[tuple[str, bool]]


def check_question(data: QuestionData) -> QuestionData:
    """The question cleaned, or ServiceError with what is wrong with it."""
    text = clean_text(data.text, limit=MAX_QUESTION, what=_("The question"))
    if not text:
        raise ServiceError(_("Enter the question."))
    topic = clean_text(data.topic, limit=100, what=_("The topic"))
    options = []
    for n, (option, right) in enumerate(data.options, start=1):
        option = clean_text(option, limit=MAX_OPTION, what=_("Option %(n)d") % {"n": n})
        if option:
            options.append((option, bool(right)))
        elif right:
            raise ServiceError(_("Option %(n)d is marked right but is empty.") % {"n": n})
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise ServiceError(_("A question has between 2 and 6 options."))
    if len({fold_option(o) for o, _r in options}) != len(options):
        raise ServiceError(_("Two options are the same."))
    right = sum(1 for _o, r in options if r)
    if data.kind not in Question.Kind.values:
        raise ServiceError(_("The kind of question must be single or multiple choice."))
    if data.kind == Question.Kind.SINGLE and right != 1:
        raise ServiceError(_("A single-choice question has exactly one right option."))
    if data.kind == Question.Kind.MULTIPLE and right < 1:
        raise ServiceError(_("Mark at least one right option."))
    if data.difficulty not in (1, 2, 3):
        raise ServiceError(_("The difficulty must be easy, medium or hard."))
    return QuestionData(text, data.kind, topic, data.difficulty, options)


def fold_option(text: str) -> str:
    return " ".join(text.casefold().split())


def _write_question(contest: Contest, data: QuestionData) -> Question:
    question = Question.objects.create(contest=contest, kind=data.kind, text=data.text,
                                       topic=data.topic, difficulty=data.difficulty)  # fmt: skip
    Option.objects.bulk_create([
        Option(question=question, text=text, is_correct=right, order=n)
        for n, (text, right) in enumerate(data.options)
    ])  # fmt: skip
    return question


def _bank_open(actor, contest: Contest) -> Contest:
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status == Contest.Status.CLOSED:
        raise ServiceError(_("This contest is closed: its question bank can no longer change."))
    return contest


@transaction.atomic
def question_add(*, actor, contest: Contest, data: QuestionData) -> Question:
    contest = _bank_open(actor, contest)
    question = _write_question(contest, check_question(data))
    audit.record(actor=actor, action="contest.questions", obj=contest,
                 details={"added": question.pk})  # fmt: skip
    return question


def _answered(question: Question) -> bool:
    """Whether any attempt has shown this question (its layout names it)."""
    rounds = Round.objects.filter(contest_id=question.contest_id)
    for layout in (
        Attempt.objects.filter(round__in=rounds).values_list("layout", flat=True).iterator(2000)
    ):
        if any(qid == question.pk for qid, _options in layout):
            return True
    return False


@transaction.atomic
def question_update(*, actor, question: Question, data: QuestionData) -> Question:
    """Correct a question. Its wording, topic, difficulty and the options' wording may
    change at any time (a typo found after the round opened); its kind, its number of
    options and which of them are right only while no attempt has shown it, since the
    attempts already scored would otherwise be scored against another key."""
    _bank_open(actor, question.contest)
    question = Question.objects.select_for_update().get(pk=question.pk)
    data = check_question(data)
    options = list(question.options.order_by("order", "pk"))
    key_changes = (data.kind != question.kind or len(data.options) != len(options)
                   or any(right != o.is_correct for (_text, right), o in zip(data.options, options, strict=False)))  # fmt: skip
    if key_changes and _answered(question):
        raise ServiceError(_("Participants have already answered this question: only its wording can be "
                             "corrected, not its kind, its options' number or which of them are right. "
                             "Take it out of the draw and add a new one instead."))  # fmt: skip
    question.text, question.kind, question.topic, question.difficulty = (
        data.text, data.kind, data.topic, data.difficulty)  # fmt: skip
    question.save(update_fields=["text", "kind", "topic", "difficulty"])
    if key_changes:
        question.options.all().delete()
        Option.objects.bulk_create([Option(question=question, text=text, is_correct=right, order=n)
                                    for n, (text, right) in enumerate(data.options)])  # fmt: skip
    else:
        for (text, _right), option in zip(data.options, options, strict=True):
            if option.text != text:
                option.text = text
                option.save(update_fields=["text"])
    audit.record(actor=actor, action="contest.questions", obj=question.contest,
                 details={"changed": question.pk, "key": key_changes})  # fmt: skip
    return question


@transaction.atomic
def question_set_active(*, actor, question: Question, active: bool) -> Question:
    """Take a question out of the draw (or put it back); answers already given keep it."""
    _bank_open(actor, question.contest)
    question.is_active = active
    question.save(update_fields=["is_active"])
    audit.record(actor=actor, action="contest.questions", obj=question.contest,
                 details={"question": question.pk, "active": active})  # fmt: skip
    return question


@transaction.atomic
def questions_import(*, actor, contest: Contest, rows: list[QuestionData]) -> list[Question]:
    """Write checked rows (contests.importing checks them all first: all or nothing)."""
    contest = _bank_open(actor, contest)
    made = [_write_question(contest, check_question(row)) for row in rows]
    audit.record(
        actor=actor, action="contest.import", obj=contest, details={"questions": len(made)}
    )
    return made


# ------------------------------------------------------------------------------ rounds


def _check_round(contest: Contest, data: dict, round_: Round | None = None) -> None:
    starts, ends = data["starts_at"], data["ends_at"]
    if ends <= starts:
        raise ServiceError(_("A round must close after it opens."))
    if ends - starts > datetime.timedelta(days=62):
        raise ServiceError(_("A round lasts at most two months."))
    overlap = contest.rounds.filter(starts_at__lt=ends, ends_at__gt=starts)
    if round_ is not None:
        overlap = overlap.exclude(pk=round_.pk)
    if overlap.exists():
        raise ServiceError(_("Rounds of a contest cannot overlap: round %(n)d runs at that time.")
                           % {"n": overlap.first().number})  # fmt: skip
    if data.get("selection") == Round.Selection.FIXED:
        chosen = list(data.get("questions") or [])
        if any(q.contest_id != contest.pk for q in chosen):
            raise ServiceError(_("Choose questions of this contest's bank."))


def _set_fixed(round_: Round, questions) -> None:
    RoundQuestion.objects.filter(round=round_).delete()
    RoundQuestion.objects.bulk_create(
        [RoundQuestion(round=round_, question=q, order=n) for n, q in enumerate(questions or [])]
    )


def _round_open_for_change(actor, contest: Contest) -> Contest:
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status == Contest.Status.CLOSED:
        raise ServiceError(_("This contest is closed: its rounds can no longer change."))
    return contest


@transaction.atomic
def round_add(*, actor, contest: Contest, data: dict) -> Round:
    contest = _round_open_for_change(actor, contest)
    _check_round(contest, data)
    number = (contest.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    round_ = Round.objects.create(
        contest=contest, number=number, starts_at=data["starts_at"], ends_at=data["ends_at"],
        selection=data.get("selection") or Round.Selection.RANDOM, topic=data.get("topic", ""),
        difficulty=data.get("difficulty") or None,
    )  # fmt: skip
    if round_.selection == Round.Selection.FIXED:
        _set_fixed(round_, data.get("questions"))
    audit.record(actor=actor, action="contest.rounds", obj=contest, details={"added": number})
    return round_


@transaction.atomic
def round_update(*, actor, round_: Round, data: dict) -> Round:
    """Change a round nobody has attempted yet."""
    contest = _round_open_for_change(actor, round_.contest)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.attempts.exists():
        raise ServiceError(_("People have already taken this round: it can no longer change."))
    _check_round(contest, data, round_)
    round_.starts_at, round_.ends_at = data["starts_at"], data["ends_at"]
    round_.selection = data.get("selection") or Round.Selection.RANDOM
    round_.topic, round_.difficulty = data.get("topic", ""), data.get("difficulty") or None
    round_.save()
    _set_fixed(round_, data.get("questions") if round_.selection == Round.Selection.FIXED else [])
    audit.record(
        actor=actor, action="contest.rounds", obj=contest, details={"changed": round_.number}
    )
    return round_


@transaction.atomic
def rounds_generate_weekly(*, actor, contest: Contest, first_day: datetime.date, count: int,
                           opens: datetime.time = datetime.time(10),
                           closes: datetime.time = datetime.time(9), topic: str = "",
                           difficulty: int | None = None) -> list[Round]:  # fmt: skip
    """`count` weekly rounds drawing at random, the first opening on `first_day` at `opens`
    (Vietnam's time), each closing a week later at `closes`."""
    if not 1 <= count <= MAX_ROUNDS:
        raise ServiceError(_("Make between 1 and 52 weekly rounds at a time."))
    made = []
    for starts, ends in weekly_windows(first_day, count, opens=opens, closes=closes):
        made.append(round_add(actor=actor, contest=contest, data={
            "starts_at": starts, "ends_at": ends, "selection": Round.Selection.RANDOM,
            "topic": topic, "difficulty": difficulty}))  # fmt: skip
    return made


# ------------------------------------------------------------------------------ results


@transaction.atomic
def round_rank(*, actor, round_: Round) -> tuple[int, int]:
    """Rank a round that has closed (again, until its winners are published): its results
    replaced in SQL (contests.ranking). Returns (actual all-correct count, people ranked)."""
    round_ = Round.objects.select_for_update().select_related("contest").get(pk=round_.pk)
    require(actor, round_.contest.unit_path)
    if not round_.is_over():
        raise ServiceError(_("The round is still open: rank it once it has closed."))
    if round_.winners_published_at:
        raise ServiceError(_("The winners of this round are published: its ranking is final."))
    actual, ranked = ranking.rank_round_in_db(round_.pk, round_.contest.prize_counts())
    round_.all_correct_count, round_.ranked_at = actual, timezone.now()
    round_.save(update_fields=["all_correct_count", "ranked_at"])
    audit.record(actor=actor, action="contest.rank", obj=round_.contest,
                 details={"round": round_.number, "ranked": ranked, "all_correct": actual})  # fmt: skip
    return actual, ranked


@transaction.atomic
def round_publish_winners(*, actor, round_: Round) -> Round:
    """Make a ranked round's winners public (the list, and the winners' certificates)."""
    round_ = Round.objects.select_for_update().select_related("contest").get(pk=round_.pk)
    require(actor, round_.contest.unit_path)
    if round_.ranked_at is None:
        raise ServiceError(_("Rank the round before publishing its winners."))
    if round_.winners_published_at:
        raise ServiceError(_("The winners of this round are already published."))
    round_.winners_published_at = timezone.now()
    round_.save(update_fields=["winners_published_at"])
    audit.record(actor=actor, action="contest.winners", obj=round_.contest,
                 details={"round": round_.number})  # fmt: skip
    return round_
