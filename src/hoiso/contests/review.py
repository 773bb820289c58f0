"""The organiser's review list of a round: patterns that suggest abuse, for a person to
judge (nothing is refused automatically here — shared addresses are common at schools).

- impossible durations: submitted in less than HOISO_CONTEST_MIN_SECONDS_PER_QUESTION per
  question;
- crowded addresses: HOISO_CONTEST_CROWDED_IP or more people submitting from one IP;
- one phone, many names: a phone number used by more than one name in the contest.
Each is one grouped query, whatever the size of the round.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, ExpressionWrapper, F, IntegerField

from hoiso.contests.models import Attempt, Participant, Round
from hoiso.contests.selectors import mask_phone

LIMIT = 200


@dataclass
class Review:
    too_fast: list[Attempt]
    crowded: list[dict]
    shared_phones: list[dict]
    min_seconds: int
    crowd: int


def round_review(round_: Round) -> Review:
    per_question = settings.HOISO_CONTEST_MIN_SECONDS_PER_QUESTION
    crowd = settings.HOISO_CONTEST_CROWDED_IP
    submitted = Attempt.objects.filter(round=round_, status=Attempt.Status.SUBMITTED)
    too_fast = list(
        submitted.annotate(floor=ExpressionWrapper(F("question_count") * per_question * 1000,
                                                   output_field=IntegerField()))
        .filter(duration_ms__lt=F("floor")).select_related("participant").order_by("duration_ms")[:LIMIT]
    )  # fmt: skip
    crowded = list(
        submitted.exclude(ip=None).values("ip").annotate(people=Count("participant", distinct=True),
                                                          attempts=Count("pk"))
        .filter(people__gte=crowd).order_by("-people")[:LIMIT]
    )  # fmt: skip
    phones = list(
        Participant.objects.filter(contest_id=round_.contest_id).exclude(phone="").values("phone")
        .annotate(names=Count("name_folded", distinct=True)).filter(names__gt=1).order_by("-names")[:LIMIT]
    )  # fmt: skip
    names_by_phone: dict[str, list[str]] = {}
    for phone, name in (Participant.objects.filter(contest_id=round_.contest_id,
                                                   phone__in=[p["phone"] for p in phones])
                        .values_list("phone", "full_name").order_by("full_name")):  # fmt: skip
        names_by_phone.setdefault(phone, []).append(name)
    shared = [
        {"phone": mask_phone(p["phone"]), "names": names_by_phone.get(p["phone"], [])}
        for p in phones
    ]
    return Review(too_fast, crowded, shared, per_question, crowd)
