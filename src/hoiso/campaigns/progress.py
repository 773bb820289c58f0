"""Progress against targets: pure functions over figures already read (no database).

A unit is behind ("overdue") when what it has reached is below the expected pace: its target
× the share of the campaign's days that have passed (the last day counts as passed). The
ranking orders units by the share of their target reached, highest first; units at the same
share share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def elapsed_share(start: datetime.date, end: datetime.date, on: datetime.date) -> Fraction:
    """The share of the days from `start` to `end` (both included) that have passed on `on`
    (`on` itself counted): 0 before the first day, 1 from the last day on."""
    if on < start:
        return Fraction(0)
    days = (end - start).days + 1
    return Fraction(min((on - start).days + 1, days), days)


def percent(reached: int | None, target: int | None) -> Decimal | None:
    if reached is None or not target:
        return None
    value = Decimal(reached) * 100 / Decimal(target)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """One unit on one indicator."""

    unit_id: int
    name: str
    target: int | None
    reached: int | None
    expected: Decimal | None = None
    pct: Decimal | None = None
    rank: int | None = None
    overdue: bool = False


def assess(rows: list[Row], share: Fraction) -> list[Row]:
    """Fill percent, expected pace, overdue and rank of `rows`; return them ranked (units
    without a target or a figure last, by name)."""
    for row in rows:
        row.pct = percent(row.reached or 0, row.target)  # nothing reached yet: 0%
        if row.target is not None:
            expected = Fraction(row.target) * share
            row.expected = Decimal(expected.numerator) / Decimal(expected.denominator)
            row.expected = row.expected.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            row.overdue = share > 0 and (row.reached or 0) < expected
    ranked = sorted((r for r in rows if r.pct is not None), key=lambda r: (-r.pct, r.name))
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row.pct != previous:
            rank, previous = position, row.pct
        row.rank = rank
    unranked = sorted((r for r in rows if r.pct is None), key=lambda r: r.name)
    return ranked + unranked
