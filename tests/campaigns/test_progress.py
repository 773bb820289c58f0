"""Ranking and the overdue rule, as pure functions."""

import datetime
from decimal import Decimal
from fractions import Fraction

from hoiso.campaigns.progress import Row, assess, elapsed_share

D = datetime.date


def test_elapsed_share():
    start, end = D(2026, 1, 1), D(2026, 1, 10)
    assert elapsed_share(start, end, D(2025, 12, 31)) == 0
    assert elapsed_share(start, end, D(2026, 1, 1)) == Fraction(1, 10)
    assert elapsed_share(start, end, D(2026, 1, 5)) == Fraction(1, 2)
    assert elapsed_share(start, end, D(2026, 2, 1)) == 1


def test_ranking_ties_and_overdue():
    rows = [Row(1, "Tổ 1", 100, 60), Row(2, "Tổ 2", 50, 30), Row(3, "Tổ 3", 10, 1),
            Row(4, "Tổ 4", None, 5), Row(5, "Tổ 5", 20, 20)]  # fmt: skip
    ranked = assess(rows, Fraction(1, 2))
    assert [(r.unit_id, r.rank) for r in ranked] == [(5, 1), (1, 2), (2, 2), (3, 4), (4, None)]
    by_id = {r.unit_id: r for r in ranked}
    assert by_id[1].pct == Decimal("60.0") and by_id[1].expected == Decimal("50.0")
    assert not by_id[1].overdue  # 60 ≥ 100 × ½
    assert by_id[3].overdue  # 1 < 10 × ½
    assert not by_id[4].overdue  # no target: never behind


def test_nothing_is_overdue_before_the_first_day():
    (row,) = assess([Row(1, "A", 100, 0)], Fraction(0))
    assert not row.overdue and row.rank == 1
