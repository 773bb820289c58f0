"""Allocation of a payment: the product's order, oldest instalment first, principal of later
instalments next, the rest an overpayment; the parts always sum to the payment."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoiso.credit.allocation import Due, allocate, outstanding, owed, parse_order

pytestmark = pytest.mark.portable
D = datetime.date
DUES = [Due(1, D(2025, 2, 10), 500_000, 50_000, penalty=7_000), Due(2, D(2025, 3, 10), 500_000, 45_000),
        Due(3, D(2025, 4, 10), 500_000, 40_000)]  # fmt: skip


def test_default_order_penalty_interest_principal_oldest_first():
    split = allocate(560_000, DUES, on=D(2025, 3, 10))
    # 7,000 penalty + 50,000 interest + 500,000 principal of #1, then 3,000 of #2's interest.
    assert [(p.number, p.penalty, p.interest, p.principal) for p in split.parts] == [
        (1, 7_000, 50_000, 500_000),
        (2, 0, 3_000, 0),
    ]
    assert split.overpayment == 0 and split.total == 560_000


def test_principal_first_order():
    split = allocate(
        510_000, DUES, on=D(2025, 2, 10), order=parse_order("principal,interest,penalty")
    )
    assert [(p.number, p.principal, p.interest, p.penalty) for p in split.parts] == [
        (1, 500_000, 10_000, 0)
    ]


def test_beyond_what_is_due_repays_later_principal_then_overpays():
    on = D(2025, 2, 10)
    assert owed(DUES, on=on) == 557_000 + 500_000 + 500_000
    split = allocate(1_700_000, DUES, on=on)
    assert (split.penalty, split.interest, split.principal) == (7_000, 50_000, 1_500_000)
    assert split.overpayment == 143_000  # future interest is not collected in advance


def test_outstanding_applies_payments_oldest_first():
    rows = [Due(n, D(2025, n + 1, 10), 1_000, 100) for n in (1, 2, 3)]
    left = outstanding(rows, principal_paid=1_500, interest_paid=100, penalty=9)
    assert left == [Due(2, D(2025, 3, 10), 500, 100, 9), Due(3, D(2025, 4, 10), 1_000, 100)]


def test_bad_order_and_amount():
    with pytest.raises(ValueError):
        parse_order("interest,principal")
    with pytest.raises(ValueError):
        allocate(-1, DUES, on=D(2025, 3, 10))


dues_st = st.lists(st.tuples(st.integers(0, 2_000_000), st.integers(0, 200_000), st.integers(0, 20_000)),
                   min_size=0, max_size=12)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(0, 30_000_000), raw=dues_st, today=st.integers(0, 13),
       order=st.permutations(["penalty", "interest", "principal"]))  # fmt: skip
def test_parts_always_sum_to_the_payment(amount, raw, today, order):
    dues = [Due(n, D(2025, 1, 1) + datetime.timedelta(days=30 * n), p, i, pen)
            for n, (p, i, pen) in enumerate(raw, start=1)]  # fmt: skip
    on = D(2025, 1, 1) + datetime.timedelta(days=30 * today)
    split = allocate(amount, dues, on=on, order=order)
    assert split.total == amount
    assert split.overpayment == max(amount - owed(dues, on=on), 0)
    by_number = {d.number: d for d in dues}
    for part in split.parts:
        due = by_number[part.number]
        assert 0 <= part.principal <= due.principal and 0 <= part.interest <= due.interest
        assert 0 <= part.penalty <= due.penalty
        if due.due_date > on:
            assert part.interest == part.penalty == 0
