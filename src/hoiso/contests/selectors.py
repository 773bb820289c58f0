"""Every read of the contests app.

The organiser's side is scoped: a contest is managed by those who hold MANAGE_CONTESTS at
its organiser unit or above (`Contest.objects.visible_to(user, MANAGE_CONTESTS)`); its
rounds, questions and results are reached only through a contest fetched that way, so an
out-of-scope id answers 404. The participant's side reads published contests only: a
public one for anyone, a members-only one for signed-in users (the view asks them to sign in).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from hoiso.contests.models import Attempt, Contest, Participant, Question, Result, Round
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user
from hoiso.org.models import AdministrativeArea, Unit

MANAGE = Action.MANAGE_CONTESTS


def _get(qs, **lookups):
    try:
        return qs.get(**lookups)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# ------------------------------------------------------------------------------ organiser


def contests_managed(user):
    return (
        Contest.objects.visible_to(user, MANAGE)
        .select_related("unit")
        .order_by("-created_at", "-pk")
    )


def contest_for(user, pk) -> Contest:
    return get_object_for_user(Contest.objects.select_related("unit"), user, MANAGE, pk=pk)


def round_for(user, pk) -> Round:
    return _get(Round.objects.select_related("contest", "contest__unit")
                .filter(contest__in=Contest.objects.visible_to(user, MANAGE)), pk=pk)  # fmt: skip


def question_for(user, pk) -> Question:
    return _get(Question.objects.select_related("contest")
                .filter(contest__in=Contest.objects.visible_to(user, MANAGE)), pk=pk)  # fmt: skip


def result_for(user, pk) -> Result:
    return _get(Result.objects.select_related("round", "round__contest", "round__contest__unit", "participant__unit__parent", "participant__area", "attempt")
                .filter(round__contest__in=Contest.objects.visible_to(user, MANAGE)), pk=pk)  # fmt: skip


def rounds_with_counts(contest: Contest) -> list[Round]:
    return list(contest.rounds.annotate(
        submitted=Count("attempts", filter=Q(attempts__status=Attempt.Status.SUBMITTED)),
        people=Count("attempts__participant", filter=Q(attempts__status=Attempt.Status.SUBMITTED),
                     distinct=True),
    ).order_by("number"))  # fmt: skip


def questions_of(contest: Contest):
    return contest.questions.prefetch_related("options").order_by("pk")


def results_of(round_: Round):
    return (Result.objects.filter(round=round_)
            .select_related("participant", "participant__unit__parent", "participant__area")
            .order_by("position"))  # fmt: skip


def with_places(results) -> list[Result]:
    """The results, each with `place`: her unit (a member) or her commune (the public)."""
    results = list(results)
    for result in results:
        result.place = place_of(result.participant)
    return results


# ------------------------------------------------------------------------------ participants


def published_contest(pk) -> Contest:
    """A contest open to participants (published, or closed with its results)."""
    return _get(Contest.objects.select_related("unit").exclude(status=Contest.Status.DRAFT), pk=pk)


def public_contests():
    return (Contest.objects.filter(status=Contest.Status.PUBLISHED, audience=Contest.Audience.PUBLIC)
            .select_related("unit").order_by("-published_at", "-pk"))  # fmt: skip


def attempt_by_key(key) -> Attempt:
    """The attempt with its round, contest and participant (one query; the organiser unit is
    left out: the submit path, hundreds a second, never needs it)."""
    return _get(Attempt.objects.select_related("round__contest", "participant"), key=key)


def attempts_of(participant: Participant, round_: Round) -> list[Attempt]:
    return list(
        Attempt.objects.filter(participant=participant, round=round_).order_by("started_at")
    )


# ------------------------------------------------------------------------------ winners


def mask_phone(phone: str) -> str:
    """09xx xxx 123: the network's first two digits and the last three."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    if len(digits) < 6:
        return ""
    return f"{digits[:2]}xx xxx {digits[-3:]}"


@dataclass
class WinnerRow:
    result: Result
    name: str
    place: str  # the unit (a member) or the commune (the public)
    phone: str


def winners(round_: Round) -> list[WinnerRow]:
    rows = results_of(round_).exclude(prize="")
    return [
        WinnerRow(
            r, r.participant.full_name, place_of(r.participant), mask_phone(r.participant.phone)
        )
        for r in rows
    ]


def place_of(participant: Participant) -> str:
    """A member's unit (a branch or group with the unit above it, which says where it is);
    a member of the public's commune."""
    unit = participant.unit if participant.unit_id else None
    if participant.kind == Participant.Kind.MEMBER and unit is not None:
        if unit.kind in (Unit.Kind.BRANCH, Unit.Kind.GROUP) and unit.parent_id:
            return f"{unit.name}, {unit.parent.name}"
        return unit.name
    return participant.area.name if participant.area_id else ""


def published_rounds(contest: Contest) -> list[Round]:
    return list(contest.rounds.filter(winners_published_at__isnull=False).order_by("-number"))


# ------------------------------------------------------------------------------ participation


@dataclass
class UnitRow:
    name: str
    members: int
    public: int
    rank: int = 0

    @property
    def total(self) -> int:
        return self.members + self.public


def participation(contest: Contest, round_: Round | None = None) -> list[UnitRow]:
    """People who submitted at least one attempt, by the units one level below the organiser:
    members by the unit their branch lies under, the public by the unit whose area is their
    commune (others by commune name) — ranked by how many each mobilised."""
    people = Participant.objects.filter(contest=contest, attempts__status=Attempt.Status.SUBMITTED)
    if round_ is not None:
        people = people.filter(attempts__round=round_)
    people = people.distinct()
    children = list(
        Unit.objects.filter(parent_id=contest.unit_id).only("pk", "name", "path", "area_id")
    )
    rows: dict[str, UnitRow] = {u.path: UnitRow(u.name, 0, 0) for u in children}
    own = UnitRow(contest.unit.name, 0, 0)
    width = len(contest.unit_path) + 9  # one path segment more: the child's path
    member_counts = (people.filter(kind=Participant.Kind.MEMBER).values_list("unit_path")
                     .annotate(n=Count("pk", distinct=True)))  # fmt: skip
    for path, n in member_counts:
        target = rows.get(path[:width]) if path.startswith(contest.unit_path) else None
        (target or own).members += n
    by_area = {u.area_id: rows[u.path] for u in children if u.area_id}
    public_counts = (people.filter(kind=Participant.Kind.PUBLIC).values_list("area_id")
                     .annotate(n=Count("pk", distinct=True)))  # fmt: skip
    others: dict[int, int] = {}
    for area_id, n in public_counts:
        if area_id in by_area:
            by_area[area_id].public += n
        elif contest.unit.area_id == area_id:
            own.public += n
        else:
            others[area_id] = others.get(area_id, 0) + n
    names = dict(
        AdministrativeArea.objects.filter(pk__in=[a for a in others if a]).values_list("pk", "name")
    )
    result = [r for r in rows.values() if r.total] + ([own] if own.total else [])
    result += [UnitRow(names.get(a, "—"), 0, n) for a, n in others.items()]
    result.sort(key=lambda r: (-r.total, r.name))
    previous, current = None, 0
    for position, row in enumerate(result, start=1):
        if row.total != previous:
            current, previous = position, row.total
        row.rank = current
    return result
