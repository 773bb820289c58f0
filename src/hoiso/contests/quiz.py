"""The participant's side of a quiz: joining (a member through her account, anyone through
the public form), starting an attempt and submitting it.

Who a signed-in user is as a member: the platform has no account ↔ member link yet, so the
link is the phone number — the one current member record (status active) whose phone is the
account's phone, normalised the same way (members.validators.normalize_phone). No match, or
more than one, and she cannot take a members-only contest (a clear message says why).

Time is the server's: `started_at` when the attempt is made, `deadline` = the earlier of the
time limit and the round's close; a submit after `deadline` + GRACE is refused. The submit is
idempotent: the attempt row is locked, the first submit with the attempt's token is scored
and stored, a replay of the same token returns the stored result and counts nothing again.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.contests.models import Attempt, Contest, Option, Participant, Question, Round
from hoiso.contests.services import _pool
from hoiso.core.errors import ServiceError
from hoiso.core.text import fold, normalize
from hoiso.members.models import Member
from hoiso.members.validators import ValueProblem, normalize_phone
from hoiso.org.models import AdministrativeArea, Unit, ancestor_paths

# A page submitted by a phone on a slow network may reach us a little after the deadline.
GRACE = datetime.timedelta(seconds=5)
MAX_PREDICTION = 10_000_000
_random = secrets.SystemRandom()


# ------------------------------------------------------------------------------ who takes part


def member_of(user) -> Member | None:
    """The member record of a signed-in user (see the module's docstring), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        phone = normalize_phone(user.phone)
    except ValueProblem:
        return None
    if not phone:
        return None
    found = list(Member.objects.active().filter(phone=phone).select_related("unit")[:2])
    return found[0] if len(found) == 1 else None


def participant_for_member(*, contest: Contest, user) -> Participant:
    """The member's participant record in `contest` (made on her first attempt)."""
    member = member_of(user)
    if member is None:
        raise ServiceError(
            _("Your account is not linked to a member record (the link is your phone number). "
              "Ask your branch to record the same phone number on your account and your record.")
        )  # fmt: skip
    if not contest.is_public and not member.unit_path.startswith(contest.unit_path):
        raise ServiceError(
            _("This contest is for members of %(unit)s.") % {"unit": contest.unit.name}
        )
    participant = Participant.objects.filter(contest=contest, kind=Participant.Kind.MEMBER,
                                             user=user).first()  # fmt: skip
    if participant is None:
        try:
            with transaction.atomic():
                participant = Participant.objects.create(
                    contest=contest, kind=Participant.Kind.MEMBER, user=user, member=member,
                    full_name=member.full_name, date_of_birth=member.date_of_birth,
                    phone=member.phone, unit=member.unit, area=member.address_area,
                )  # fmt: skip
        except IntegrityError:  # the same member, twice at once
            participant = Participant.objects.get(
                contest=contest, kind=Participant.Kind.MEMBER, user=user
            )
    return participant


@dataclass
class PublicEntrant:
    full_name: str
    date_of_birth: datetime.date | None
    phone: str
    area: AdministrativeArea | None


def communes_for(contest: Contest):
    """The communes a public participant picks from: those of the organiser's province
    (all of Vietnam's when the organiser's province is unknown)."""
    communes = AdministrativeArea.objects.filter(level=AdministrativeArea.Level.COMMUNE)
    province = _province_area(contest)
    if province is not None:
        communes = communes.filter(province=province)
    return communes.order_by("name")


def _province_area(contest: Contest) -> AdministrativeArea | None:
    """The province area of the organiser unit or of its nearest unit above with an area."""
    units = (Unit.objects.filter(path__in=ancestor_paths(contest.unit_path))
             .select_related("area__province").order_by("-depth"))  # fmt: skip
    for unit in units:
        if unit.area is not None:
            area = unit.area
            return area if area.level == AdministrativeArea.Level.PROVINCE else area.province
    return None


def check_entrant(contest: Contest, entrant: PublicEntrant) -> PublicEntrant:
    name = normalize(entrant.full_name)
    if len(name) < 2 or len(name) > 120 or not any(c.isalpha() for c in name):
        raise ServiceError(_("Enter your full name."))
    if any(not (c.isalpha() or c in " .'-") for c in name):
        raise ServiceError(_("A name has only letters, spaces and the signs . ' -"))
    dob = entrant.date_of_birth
    today = timezone.localdate()
    if dob is None or not (today.year - 110 <= dob.year <= today.year - 6) or dob > today:
        raise ServiceError(_("Enter a real date of birth."))
    try:
        phone = normalize_phone(entrant.phone)
    except ValueProblem as exc:
        raise ServiceError(str(exc)[:1].upper() + str(exc)[1:] + ".") from None
    if not phone:
        raise ServiceError(_("Enter your phone number."))
    area = entrant.area
    if area is None or not communes_for(contest).filter(pk=area.pk).exists():
        raise ServiceError(_("Choose your commune or ward from the list."))
    return PublicEntrant(name, dob, phone, area)


def participant_for_public(
    *, contest: Contest, entrant: PublicEntrant, ip: str | None
) -> Participant:
    """Anyone's participant record in a public contest, found again by phone, name and date
    of birth (the same phone under another name is another person — and shows on the
    organiser's review list)."""
    if not contest.is_public:
        raise ServiceError(_("This contest is for members: sign in to take part."))
    entrant = check_entrant(contest, entrant)
    lookup = {"contest": contest, "kind": Participant.Kind.PUBLIC, "phone": entrant.phone,
              "name_folded": fold(entrant.full_name), "date_of_birth": entrant.date_of_birth}  # fmt: skip
    participant = Participant.objects.filter(**lookup).first()
    if participant is None:
        try:
            with transaction.atomic():
                participant = Participant.objects.create(
                    contest=contest, kind=Participant.Kind.PUBLIC, full_name=entrant.full_name,
                    date_of_birth=entrant.date_of_birth, phone=entrant.phone, area=entrant.area, ip=ip,
                )  # fmt: skip
        except IntegrityError:
            participant = Participant.objects.get(**lookup)
    return participant


# ------------------------------------------------------------------------------ attempts


def current_round(contest: Contest, now=None) -> Round | None:
    now = now or timezone.now()
    return contest.rounds.filter(starts_at__lte=now, ends_at__gt=now).first()


def _draw(round_: Round) -> list[Question]:
    contest = round_.contest
    if round_.selection == Round.Selection.FIXED:
        questions = [rq.question for rq in round_.fixed.select_related("question")]
        _random.shuffle(questions)
        return questions
    pool = list(
        _pool(contest.questions.filter(is_active=True), round_).values_list("pk", flat=True)
    )
    chosen = _random.sample(pool, min(len(pool), contest.questions_per_attempt))
    by_pk = Question.objects.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def _layout(questions: list[Question]) -> list[list]:
    options: dict[int, list[int]] = {}
    for question_id, option_id in Option.objects.filter(question__in=questions).values_list(
        "question_id", "pk"
    ):
        options.setdefault(question_id, []).append(option_id)
    layout = []
    for q in questions:
        shown = list(options.get(q.pk, []))
        _random.shuffle(shown)
        layout.append([q.pk, shown])
    return layout


@transaction.atomic
def attempt_start(
    *, participant: Participant, round_: Round, ip: str | None = None, now=None
) -> Attempt:
    """A new attempt at the open round — or the one she has in progress, to go on with.
    Refused when the round is not open, the contest not published, or her attempts are used."""
    now = now or timezone.now()
    participant = Participant.objects.select_for_update().get(
        pk=participant.pk
    )  # one start at a time
    round_ = Round.objects.select_related("contest").get(pk=round_.pk)
    contest = round_.contest
    if round_.contest_id != participant.contest_id:
        raise ServiceError(_("This round belongs to another contest."))
    if contest.status != Contest.Status.PUBLISHED:
        raise ServiceError(_("This contest is not open."))
    if not round_.is_open(now):
        raise ServiceError(_("This round is not open now."))
    current = Attempt.objects.filter(participant=participant, status=Attempt.Status.OPEN).first()
    if current is not None:
        if current.round_id == round_.pk and now <= current.deadline:
            return current
        current.status = Attempt.Status.EXPIRED
        current.save(update_fields=["status"])
    used = Attempt.objects.filter(participant=participant, round=round_).count()
    if used >= contest.attempts_per_round:
        raise ServiceError(
            _("You have used all %(n)d attempts of this round.") % {"n": contest.attempts_per_round}
        )
    questions = _draw(round_)
    if not questions:
        raise ServiceError(_("This round has no questions yet; please come back later."))
    deadline = min(now + datetime.timedelta(seconds=contest.time_limit_seconds), round_.ends_at)
    return Attempt.objects.create(round=round_, participant=participant, started_at=now, deadline=deadline,
                                  layout=_layout(questions), question_count=len(questions), ip=ip)  # fmt: skip


def parse_answers(layout: list, raw: dict[str, list[str]]) -> dict[str, list[int]]:
    """The chosen option ids per question, checked against what the attempt showed: a
    question or option id it did not show is a forged answer (ServiceError)."""
    shown = {str(qid): set(options) for qid, options in layout}
    answers = parse_choices(raw)
    for key, picked in answers.items():
        if key not in shown:
            raise ServiceError(_("The answers name a question that was not part of your attempt."))
        if not shown[key].issuperset(picked):
            raise ServiceError(_("The answers name an option that was not part of your attempt."))
    return answers


def parse_choices(raw: dict[str, list[str]]) -> dict[str, list[int]]:
    """The chosen option ids per question as numbers, each once, in the form's order (not
    yet checked against what the attempt showed: `parse_answers` does)."""
    answers: dict[str, list[int]] = {}
    for key, values in raw.items():
        picked = []
        for value in values:
            try:
                option = int(value)
            except (TypeError, ValueError):
                raise ServiceError(
                    _("The answers name an option that was not part of your attempt.")
                ) from None
            if option not in picked:
                picked.append(option)
        answers[key] = picked
    return answers


def raw_answers(post) -> dict[str, list[str]]:
    """The answers of a submitted attempt form: every `q<question id>` field's values."""
    return {name[1:]: post.getlist(name) for name in post
            if name.startswith("q") and name[1:].isdigit()}  # fmt: skip


def right_options(question_ids) -> dict[int, set[int]]:
    """The right option ids of each question."""
    right: dict[int, set[int]] = {}
    for question_id, option_id in Option.objects.filter(
        question_id__in=question_ids, is_correct=True
    ).values_list("question_id", "pk"):
        right.setdefault(question_id, set()).add(option_id)
    return right


def count_right(layout: list, answers: dict[str, list[int]], right: dict[int, set[int]]) -> int:
    """How many of the layout's questions were answered exactly right (by option id)."""
    ids = [qid for qid, _options in layout]
    return sum(1 for qid in ids if right.get(qid) and set(answers.get(str(qid), [])) == right[qid])


def score(layout: list, answers: dict[str, list[int]]) -> int:
    """How many questions were answered exactly right (by option id)."""
    return count_right(layout, answers, right_options([qid for qid, _options in layout]))


def duration_ms(started_at, now) -> int:
    """Whole milliseconds from the start, counted exactly (no float: the submit's lean path
    counts the same in SQL)."""
    return max(0, (now - started_at) // datetime.timedelta(milliseconds=1))


def attempt_submit(
    *, key, token, raw_answers: dict[str, list[str]], prediction, now=None
) -> tuple[Attempt, bool]:
    """Score and store an attempt once. Returns (attempt, whether this call stored it): a
    replay of the same submit returns the stored attempt and False."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            attempt = Attempt.objects.select_for_update().get(key=key)
        except (Attempt.DoesNotExist, ValueError, TypeError):
            raise ServiceError(_("This attempt does not exist.")) from None
        if str(attempt.submit_token) != str(token):
            raise ServiceError(_("This form is out of date; open the attempt again."))
        if attempt.status == Attempt.Status.SUBMITTED:
            return attempt, False
        if attempt.status == Attempt.Status.EXPIRED or now > attempt.deadline + GRACE:
            late = True
        else:
            late = False
            answers = parse_answers(attempt.layout, raw_answers)
            guess = parse_prediction(prediction)
            attempt.answers, attempt.prediction = answers, guess
            attempt.correct = score(attempt.layout, answers)
            attempt.submitted_at = now
            attempt.duration_ms = duration_ms(attempt.started_at, now)
            attempt.status = Attempt.Status.SUBMITTED
            attempt.save(update_fields=["answers", "prediction", "correct", "submitted_at",
                                        "duration_ms", "status"])  # fmt: skip
            return attempt, True
    if late:  # outside the transaction above, so that the refusal is not rolled back with it
        Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN).update(
            status=Attempt.Status.EXPIRED
        )
        if attempt.round.is_over(now) and attempt.deadline >= attempt.round.ends_at:
            raise ServiceError(_("The round has closed: answers are no longer accepted."))
        raise ServiceError(_("The time for this attempt is up: answers are no longer accepted."))
    raise AssertionError("unreachable")  # pragma: no cover


def parse_prediction(value) -> int:
    try:
        number = int(str(value).strip().replace(".", "").replace(",", "").replace(" ", ""))
    except (TypeError, ValueError):
        raise ServiceError(_("Enter your prediction as a whole number.")) from None
    if not 0 <= number <= MAX_PREDICTION:
        raise ServiceError(_("The prediction must be between 0 and 10,000,000."))
    return number
