"""Allocating a payment to what a loan owes: pure functions, whole VND.

A loan's dues are its instalments, oldest first, each with the penalty, interest and
principal it still owes. `outstanding(...)` derives them from the schedule and what has been
paid so far (payments go oldest first, so cumulative sums say what is left of each).
`allocate(...)` spreads a payment, as Apache Fineract's horizontal strategy does:

1. instalments already due (due date on or before the payment's day), oldest first, each
   component in the product's order (by default penalty, then interest, then principal);
2. what is left repays principal of later instalments, oldest first (interest not yet due is
   not collected in advance);
3. what is left after everything is owed is an overpayment, which the caller holds as a
   credit or refuses, by the product's rule.

The parts always sum to the payment.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

PENALTY, INTEREST, PRINCIPAL = "penalty", "interest", "principal"
DEFAULT_ORDER = (PENALTY, INTEREST, PRINCIPAL)


@dataclass(frozen=True)
class Due:
    """What one instalment still owes."""

    number: int
    due_date: datetime.date
    principal: int
    interest: int
    penalty: int = 0

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.penalty


@dataclass(frozen=True)
class Part:
    """What a payment pays of one instalment."""

    number: int
    penalty: int = 0
    interest: int = 0
    principal: int = 0


@dataclass(frozen=True)
class Allocation:
    parts: tuple[Part, ...]
    overpayment: int

    @property
    def penalty(self) -> int:
        return sum(p.penalty for p in self.parts)

    @property
    def interest(self) -> int:
        return sum(p.interest for p in self.parts)

    @property
    def principal(self) -> int:
        return sum(p.principal for p in self.parts)

    @property
    def total(self) -> int:
        return self.penalty + self.interest + self.principal + self.overpayment


def parse_order(text: str) -> tuple[str, ...]:
    """ "penalty,interest,principal" → a tuple; must name each component exactly once."""
    order = tuple(part.strip() for part in text.split(",") if part.strip())
    if sorted(order) != sorted(DEFAULT_ORDER):
        raise ValueError(f"allocation order must name {DEFAULT_ORDER} once each: {text!r}")
    return order


def outstanding(rows: Sequence, *, principal_paid: int, interest_paid: int,
                penalty: int = 0) -> list[Due]:  # fmt: skip
    """The dues of a schedule (`rows` with number, due_date, principal, interest, oldest
    first) after `principal_paid` and `interest_paid` went to the oldest first. A penalty
    owed is the loan's, put on its oldest instalment still owing."""
    dues: list[Due] = []
    left_p, left_i = principal_paid, interest_paid
    for row in rows:
        pay_p, pay_i = min(row.principal, max(left_p, 0)), min(row.interest, max(left_i, 0))
        left_p, left_i = left_p - pay_p, left_i - pay_i
        if row.principal - pay_p or row.interest - pay_i:
            dues.append(Due(row.number, row.due_date, row.principal - pay_p, row.interest - pay_i))
    if penalty:
        if dues:
            first = dues[0]
            dues[0] = Due(first.number, first.due_date, first.principal, first.interest, penalty)
        else:
            dues.append(Due(0, datetime.date.min, 0, 0, penalty))
    return dues


def allocate(amount: int, dues: Sequence[Due], *, on: datetime.date,
             order: Sequence[str] = DEFAULT_ORDER) -> Allocation:  # fmt: skip
    """Spread `amount` over `dues` (oldest first) as the module doc says."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise ValueError("amount must be a whole, non-negative number of VND")
    left = amount
    paid: dict[int, dict[str, int]] = {}
    for due in dues:
        if due.due_date > on:
            continue
        for component in order:
            take = min(left, getattr(due, component))
            if take:
                paid.setdefault(due.number, {})[component] = take
                left -= take
    for due in dues:
        if due.due_date <= on or not left:
            continue
        take = min(left, due.principal)
        if take:
            paid.setdefault(due.number, {})[PRINCIPAL] = take
            left -= take
    parts = tuple(Part(number, **components) for number, components in sorted(paid.items()))
    return Allocation(parts, left)


def owed(dues: Sequence[Due], *, on: datetime.date) -> int:
    """Everything a payment on `on` may pay before it becomes an overpayment: whatever is due
    and the principal of later instalments."""
    return sum(d.total if d.due_date <= on else d.principal for d in dues)
