"""The jury's rules as pure functions: who may judge what, the balanced assignment, a
judge's weighted total, and the aggregation of an entry's totals (mean, spread, flag, rank).

Conflicts (docs/decisions.md). Entries come from units below the organiser; what an entry
"belongs to" is its locality: the unit directly below the organiser that it lies in (a
commune for a province's contest, a branch for a commune's). A judge's localities are those
of the units she belongs to (her Judge.unit and every unit where she holds a role). A judge
is never given an entry of one of her localities — so neither her own unit's, nor one of a
unit below it, nor one of the commune above her branch. A judge at the organiser's unit or
above it, or outside its subtree, belongs to no locality and may judge any entry.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from hoiso.org.models import ancestor_paths

CENT = Decimal("0.01")


def locality(path: str, organiser_path: str) -> str | None:
    """The path of the unit directly below the organiser that `path` lies in (or is);
    None when `path` is the organiser's unit, above it or outside its subtree."""
    if not path.startswith(organiser_path) or path == organiser_path:
        return None
    depth = len(ancestor_paths(organiser_path))
    return ancestor_paths(path)[depth]


def localities(paths: Iterable[str], organiser_path: str) -> frozenset[str]:
    found = (locality(p, organiser_path) for p in paths)
    return frozenset(p for p in found if p)


class NotEnoughJudges(ValueError):
    """Some entries have fewer eligible judges than the contest asks for."""

    def __init__(self, short: dict[int, int]):
        super().__init__(short)
        self.short = short  # entry id → eligible judges available


def plan_assignments(*, entries: Sequence[tuple[int, str]], judges: Mapping[int, Iterable[str]],
                     organiser_path: str, per_entry: int,
                     existing: Mapping[int, set[int]] | None = None) -> list[tuple[int, int]]:  # fmt: skip
    """New (entry id, judge id) pairs so that every entry has `per_entry` judges, none of
    them of its locality, the load spread evenly (the least loaded eligible judge first,
    the most constrained entries first). `entries` are (id, unit path); `judges` map a
    judge id to the paths of the units she belongs to; `existing` the judges each entry
    already has. All or nothing: NotEnoughJudges names the entries that cannot be served."""
    existing = {e: set(js) for e, js in (existing or {}).items()}
    home = {j: localities(paths, organiser_path) for j, paths in judges.items()}
    load = {j: 0 for j in judges}
    for assigned in existing.values():
        for j in assigned:
            if j in load:
                load[j] += 1
    eligible = {}
    short = {}
    for entry_id, path in entries:
        place = locality(path, organiser_path)
        have = existing.get(entry_id, set())
        eligible[entry_id] = [j for j in sorted(judges) if j not in have and place not in home[j]]
        if len(have) + len(eligible[entry_id]) < per_entry:
            short[entry_id] = len(have) + len(eligible[entry_id])
    if short:
        raise NotEnoughJudges(short)
    pairs = []
    for entry_id, _path in sorted(entries, key=lambda e: (len(eligible[e[0]]), e[0])):
        need = per_entry - len(existing.get(entry_id, set()))
        for j in sorted(eligible[entry_id], key=lambda j: (load[j], j))[: max(need, 0)]:
            pairs.append((entry_id, j))
            load[j] += 1
    return pairs


# ------------------------------------------------------------------------------ scores


def judge_total(scores: Mapping[int, Decimal], criteria: Sequence[tuple[int, int, int]]) -> Decimal:
    """A judge's total on 100: Σ weight × score / max over Σ weight, × 100, to the cent.
    `criteria` are (id, weight, max score); `scores` map a criterion id to its score."""
    weights = sum(w for _c, w, _m in criteria)
    if not weights:
        return Decimal(0)
    raw = sum(Decimal(w) * Decimal(scores[c]) / Decimal(m) for c, w, m in criteria)
    return (raw * 100 / weights).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Standing:
    """An entry's place in the aggregation. `totals` are its judges' totals (scored
    assignments only); `complete` when every assignment is scored."""

    entry_id: int
    totals: list[Decimal]
    assigned: int
    mean: Decimal | None = None
    stdev: Decimal | None = None
    range: Decimal | None = None
    flagged: bool = False
    rank: int | None = None
    prize: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and len(self.totals) == self.assigned


def aggregate(rows: Iterable[tuple[int, list[Decimal], int]], *, threshold: int,
              prizes: tuple[int, int, int, int] = (0, 0, 0, 0)) -> list[Standing]:  # fmt: skip
    """Standings from (entry id, judges' totals, assignments), best first.

    Mean of the totals and their population standard deviation and range, to the cent; a
    flag where the range exceeds `threshold` points. Complete entries are ranked by mean
    (equal means share a rank: 1, 2, 2, 4) and take the prizes by rank, as the quiz does;
    the others follow unranked."""
    standings = []
    for entry_id, totals, assigned in rows:
        s = Standing(entry_id, sorted(totals, reverse=True), assigned)
        if totals:
            s.mean = (sum(totals) / len(totals)).quantize(CENT, ROUND_HALF_UP)
            s.stdev = Decimal(str(statistics.pstdev([float(t) for t in totals]))).quantize(
                CENT, ROUND_HALF_UP
            )
            s.range = max(totals) - min(totals)
            s.flagged = s.range > threshold
        standings.append(s)
    ranked = sorted((s for s in standings if s.complete), key=lambda s: (-s.mean, s.entry_id))
    others = sorted((s for s in standings if not s.complete),
                    key=lambda s: (s.mean is None, -(s.mean or 0), s.entry_id))  # fmt: skip
    previous, rank = None, 0
    for position, s in enumerate(ranked, start=1):
        if s.mean != previous:
            rank, previous = position, s.mean
        s.rank = rank
        s.prize = prize_for(rank, prizes)
    return ranked + others


def prize_for(rank: int, prizes: tuple[int, int, int, int]) -> str:
    """The prize of a rank: the first `prizes[0]` places first prize, and so on."""
    bound = 0
    for name, count in zip(("first", "second", "third", "consolation"), prizes, strict=True):
        bound += count
        if rank <= bound:
            return name
    return ""
