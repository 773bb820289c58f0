"""Rolling figures up: pure functions over the figures of the units below (or of shorter
periods), no database.

A ratio rolls up as the sum of the numerators over the sum of the denominators, weighted by
construction: two communes at 50% of 100 and 100% of 900 make 95% of 1,000, not the 75% an
average of the percentages would claim.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hoiso.core.indicators import Ratio
from hoiso.reporting.models import Rollup

Number = int | Decimal


@dataclass(frozen=True)
class Figure:
    """One unit's figure: `value`, and for a ratio its `numerator` and `denominator`;
    `as_of` dates it (for LATEST)."""

    value: Number | None = None
    numerator: Number | None = None
    denominator: Number | None = None
    as_of: datetime.date | None = None

    @classmethod
    def of(cls, value, *, scale: int = 100, places: int = 2, as_of=None) -> Figure:
        """A figure from what a computed function returned (a number, a Ratio or None)."""
        if isinstance(value, Ratio):
            return cls(ratio_value(value.numerator, value.denominator, scale, places),
                       value.numerator, value.denominator, as_of)  # fmt: skip
        return cls(value, as_of=as_of)


def ratio_value(numerator, denominator, scale: int = 100, places: int = 2) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    value = Decimal(numerator) * scale / Decimal(denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def roll_up(rule: str, figures: Iterable[Figure], *, scale: int = 100, places: int = 2) -> Figure:
    """The figure of the whole from the figures of its parts; parts without a value count
    for nothing (None when no part has one)."""
    figures = list(figures)
    if rule == Rollup.SUM:
        values = [f.value for f in figures if f.value is not None]
        return Figure(sum(values) if values else None)
    if rule == Rollup.RATIO:
        parts = [f for f in figures if f.numerator is not None and f.denominator is not None]
        if not parts:
            return Figure()
        numerator = sum(f.numerator for f in parts)
        denominator = sum(f.denominator for f in parts)
        return Figure(ratio_value(numerator, denominator, scale, places), numerator, denominator)
    if rule == Rollup.MAX:
        values = [f.value for f in figures if f.value is not None]
        return Figure(max(values) if values else None)
    if rule == Rollup.LATEST:
        latest = None
        for f in figures:
            if f.value is None:
                continue
            if latest is None or (f.as_of or datetime.date.min) >= (
                latest.as_of or datetime.date.min
            ):
                latest = f
        return latest or Figure()
    raise ValueError(f"unknown roll-up {rule!r}")
