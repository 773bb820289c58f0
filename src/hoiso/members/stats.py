"""Member statistics of a unit and everything below it, at a date: the figures of the
dashboard and of its XLSX export. Every count is one aggregate query over the scoped rows.

"At a date" counts a member if she had joined by then and had not left, died or been
transferred out before it, in the unit she belonged to on that date: members moved since
(transfers, reinstatements into another unit) are counted where their first move after the
date took them from. Units are taken with their paths of today (a restructuring since is not
replayed). Ages are by year of birth, as Union statistics count them.

Today's figures of a central, provincial or commune union, for a period starting on the
first of a month, come from the summary table (hoiso.members.tally) — a few hundred rows
instead of every record; other dates, and branches and groups, are counted live. Both paths
give the same figures (tests/members/test_tally.py holds them to it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from hoiso.core.scoping import path_q
from hoiso.members import tally
from hoiso.members.models import Member, MemberEvent
from hoiso.members.reference import ETHNICITY_CHOICES, RELIGION_CHOICES
from hoiso.org.models import Population, Unit, path_segment

AGE_BANDS = [(18, 30), (31, 45), (46, 60), (61, 75), (76, 120)]
DIGITAL = list(tally.DIGITAL)
CLOSED = list(tally.CLOSED)


MOVES = (MemberEvent.Kind.TRANSFERRED, MemberEvent.Kind.TRANSFER_ACCEPTED,
         MemberEvent.Kind.REINSTATED)  # fmt: skip


def members_at(unit: Unit, on: datetime.date, moves: dict[int, str] | None = None):
    """Members of the unit's subtree who were members on `on`, where they were that day."""
    closed_before = Q(status__in=CLOSED, status_since__lte=on)
    placed = path_q("unit_path", [unit.path])
    moves = _moves_since(unit, on) if moves is None else moves
    if moves:
        inside = [pk for pk, path in moves.items() if path.startswith(unit.path)]
        placed = (placed & ~Q(pk__in=list(moves))) | Q(pk__in=inside)
    return Member.objects.filter(placed, joined_on__lte=on).exclude(closed_before)


def _moves_since(unit: Unit, on: datetime.date) -> dict[int, str]:
    """Members who moved after `on` and were, or are now, in the subtree: member id → the
    path of the unit she was in on `on` (where her first move after it took her from)."""
    if on >= timezone.localdate():
        return {}
    events = (
        MemberEvent.objects.filter(kind__in=MOVES, on__gt=on, from_unit__isnull=False)
        .exclude(from_unit=F("to_unit"))
        .filter(path_q("from_unit__path", [unit.path]) | path_q("member__unit_path", [unit.path]))
        .order_by("on", "id")
        .values_list("member_id", "from_unit__path")
    )
    first: dict[int, str] = {}
    for member_id, path in events:
        first.setdefault(member_id, path)
    return first


@dataclass
class UnitStats:
    unit: Unit
    on: datetime.date
    total: int = 0
    honorary: int = 0
    core: int = 0
    party: int = 0
    vneid_2: int = 0
    digital: dict[str, int] = field(default_factory=dict)
    age_bands: list[tuple[str, int]] = field(default_factory=list)
    education: list[tuple[str, int]] = field(default_factory=list)
    ethnicity: list[tuple[str, int]] | None = None
    religion: list[tuple[str, int]] | None = None
    joined: int = 0
    left: int = 0
    women_18_plus: int | None = None
    population_year: int | None = None
    children: list[dict] = field(default_factory=list)

    def percent(self, count: int) -> float:
        return round(100 * count / self.total, 1) if self.total else 0.0

    @property
    def participation(self) -> float | None:
        if not self.women_18_plus:
            return None
        return round(100 * self.total / self.women_18_plus, 2)


def _band_label(low: int, high: int) -> str:
    return f"{low}–{high}" if high < 120 else f"{low}+"


def unit_stats(
    *, unit: Unit, on: datetime.date, period_start: datetime.date, sensitive: bool
) -> UnitStats:
    stats = None
    if on == timezone.localdate() and period_start.day == 1:
        stats = _from_tally(unit, on, period_start, sensitive)
    tallied = stats is not None
    moves = None if tallied else _moves_since(unit, on)
    if stats is None:
        stats = _live(unit, on, period_start, sensitive, moves=moves)
    _population(stats, unit, on)
    stats.children = _children(unit, on, stats.population_year, moves)
    return stats


def _live(unit: Unit, on: datetime.date, period_start: datetime.date, sensitive: bool, *,
          moves: dict[int, str] | None = None) -> UnitStats:  # fmt: skip
    rows = members_at(unit, on, moves)
    stats = UnitStats(unit=unit, on=on)
    age_terms = {}
    for low, high in AGE_BANDS:
        born = Q(date_of_birth__year__gte=on.year - high, date_of_birth__year__lte=on.year - low)
        age_terms[f"age_{low}"] = Count("pk", filter=born)
    totals = rows.aggregate(
        total=Count("pk"),
        honorary=Count("pk", filter=Q(member_type=Member.MemberType.HONORARY)),
        core=Count("pk", filter=Q(is_core=True)),
        party=Count("pk", filter=Q(party_member=True)),
        vneid_2=Count("pk", filter=Q(vneid_level=2)),
        joined=Count("pk", filter=Q(joined_on__gte=period_start)),
        **{name: Count("pk", filter=Q(**{name: True})) for name in DIGITAL},
        **age_terms,
    )
    stats.total, stats.honorary, stats.core = totals["total"], totals["honorary"], totals["core"]
    stats.party, stats.vneid_2, stats.joined = totals["party"], totals["vneid_2"], totals["joined"]
    stats.digital = {name: totals[name] for name in DIGITAL}
    stats.age_bands = [(_band_label(low, high), totals[f"age_{low}"]) for low, high in AGE_BANDS]
    _labelled(stats, sensitive, lambda name: _grouped(rows, name))
    stats.left = (
        MemberEvent.objects.filter(
            path_q("member__unit_path", [unit.path]), on__gte=period_start, on__lte=on
        )
        .filter(kind__in=tally.LEFT_KINDS)
        .count()
    )
    return stats


def _labelled(stats: UnitStats, sensitive: bool, grouped) -> None:
    """Education (and, for roles allowed, ethnicity and religion) with their labels, largest
    first; `grouped(field)` gives (value, count) pairs in that order."""
    labels = dict(Member.Education.choices)
    stats.education = [(str(labels.get(v, v) or labels[""]), n) for v, n in grouped("education")]
    if sensitive:
        ethnic, religious = dict(ETHNICITY_CHOICES), dict(RELIGION_CHOICES)
        unknown = labels[""]  # "Not recorded"
        stats.ethnicity = [(str(ethnic.get(v) or unknown), n) for v, n in grouped("ethnicity")]
        stats.religion = [(str(religious.get(v) or unknown), n) for v, n in grouped("religion")]


def _grouped(rows, name: str) -> list[tuple[str, int]]:
    return [
        (row[name], row["n"])
        for row in rows.values(name).annotate(n=Count("pk")).order_by("-n", name)
    ]


TALLY_PREFIXES = {"education": "edu", "ethnicity": "eth", "religion": "rel"}


def _from_tally(
    unit: Unit, on: datetime.date, period_start: datetime.date, sensitive: bool
) -> UnitStats | None:
    """Today's figures from the summary table, or None when the unit has no counts there."""
    counts = tally.counts(unit)
    if counts is None:
        return None
    stats = UnitStats(unit=unit, on=on)
    stats.total, stats.core, stats.party = counts["total"], counts["core"], counts["party"]
    stats.honorary = counts[f"type:{Member.MemberType.HONORARY}"]
    stats.vneid_2 = counts["vneid:2"]
    stats.digital = {name: counts[f"digital:{name}"] for name in DIGITAL}
    first, last = f"{period_start:%Y-%m}", f"{on:%Y-%m}"
    born: dict[int, int] = {}
    for key, n in counts.items():
        family, _sep, value = key.partition(":")
        if family == "born" and value:
            born[int(value)] = born.get(int(value), 0) + n
        elif family == "joined" and first <= value <= last:
            stats.joined += n
        elif family == "left" and first <= value <= last:
            stats.left += n
    stats.age_bands = [
        (_band_label(low, high), sum(n for y, n in born.items() if low <= on.year - y <= high))
        for low, high in AGE_BANDS
    ]

    def grouped(name: str) -> list[tuple[str, int]]:
        prefix = TALLY_PREFIXES[name] + ":"
        pairs = [(k[len(prefix) :], n) for k, n in counts.items() if k.startswith(prefix)]
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))

    _labelled(stats, sensitive, grouped)
    return stats


def _population(stats: UnitStats, unit: Unit, on: datetime.date) -> None:
    """Women 18+ of the subtree's areas for the latest year with figures, up to `on`'s year."""
    figures = Population.objects.filter(path_q("unit_path", [unit.path]), year__lte=on.year)
    year = figures.order_by("-year").values_list("year", flat=True).first()
    if year is not None:
        stats.population_year = year
        stats.women_18_plus = figures.filter(year=year).aggregate(s=Sum("women_18_plus"))["s"]


def _children(
    unit: Unit, on: datetime.date, year: int | None, moves: dict[int, str] | None
) -> list[dict]:
    """Members per unit directly below: from the summary table when the figures above came
    from it (`moves` None) and the children are tallied too, else one GROUP BY over the
    path's child segment, members moved since `on` counted where they were."""
    children = list(Unit.objects.filter(parent=unit).active().vn_ordered())
    if not children:
        return []
    width = len(unit.path) + len(path_segment(0))
    if moves is None and all(child.kind in tally.TALLIED_KINDS for child in children):
        totals = tally.totals(children)
        counts = {child.path: totals.get(child.pk, 0) for child in children}
    else:
        moves = _moves_since(unit, on) if moves is None else moves
        rows = members_at(unit, on, moves)
        counts = dict(
            rows.exclude(pk__in=list(moves))
            .annotate(child=Substr(F("unit_path"), 1, width))
            .values("child")
            .annotate(n=Count("pk"))
            .values_list("child", "n")
        )
        for pk in rows.filter(pk__in=list(moves)).values_list("pk", flat=True):
            child = moves[pk][:width]  # counted under the child she was in that day
            counts[child] = counts.get(child, 0) + 1
    population = (
        dict(
            Population.objects.filter(path_q("unit_path", [unit.path]), year=year)
            .annotate(child=Substr(F("unit_path"), 1, width))
            .values("child")
            .annotate(s=Sum("women_18_plus"))
            .values_list("child", "s")
        )
        if year
        else {}
    )
    rows = []
    for child in children:
        n = counts.get(child.path, 0)
        women = population.get(child.path)
        rows.append(
            {"unit": child, "members": n, "rate": round(100 * n / women, 2) if women else None}
        )
    return rows
