"""Spreading a total target over units: pure functions, no database.

Largest remainder (Hamilton): each unit gets the whole part of its exact share, and the units
with the largest fractions left over get one more each until the parts add up to the total
exactly. Ties go to the larger weight, then to the order the units were given in, so the
same input always gives the same targets.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from fractions import Fraction


def spread(total: int, weights: Mapping[Hashable, int]) -> dict[Hashable, int]:
    """`total` split in proportion to `weights` (whole, not negative), summing to `total`.
    Raises ValueError when the total is negative or every weight is zero."""
    if total < 0:
        raise ValueError("total must not be negative")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    whole = sum(weights.values())
    if not whole:
        raise ValueError("every weight is zero")
    exact = {key: Fraction(total * w, whole) for key, w in weights.items()}
    parts = {key: int(share) for key, share in exact.items()}
    left = total - sum(parts.values())
    order = list(weights)
    ranked = sorted(order, key=lambda k: (-(exact[k] - parts[k]), -weights[k], order.index(k)))
    for key in ranked[:left]:
        parts[key] += 1
    return parts


def spread_equally(total: int, keys: list[Hashable]) -> dict[Hashable, int]:
    """`total` split as evenly as whole numbers allow (the first units get the extra ones)."""
    return spread(total, {key: 1 for key in keys}) if keys else {}
