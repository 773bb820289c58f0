"""Spreading a total over units: the parts always add up exactly (largest remainder)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoiso.campaigns.spreading import spread, spread_equally


def test_proportional_with_largest_remainder():
    # exact shares 33.33…, 33.33…, 33.33… → the earliest ties win the extra unit
    assert spread(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    # exact 57.14, 28.57, 14.28 → 57, 28, 14 = 99 → the largest fraction (.57 of b) gets 1
    assert spread(100, {"a": 4, "b": 2, "c": 1}) == {"a": 57, "b": 29, "c": 14}
    assert spread(10, {"a": 300, "b": 100}) == {"a": 8, "b": 2}  # 7.5 / 2.5: tie → larger


def test_zero_weights():
    assert spread(10, {"a": 0, "b": 5}) == {"a": 0, "b": 10}
    with pytest.raises(ValueError):
        spread(10, {"a": 0, "b": 0})
    with pytest.raises(ValueError):
        spread(-1, {"a": 1})


def test_equally():
    assert spread_equally(7, [1, 2, 3]) == {1: 3, 2: 2, 3: 2}
    assert spread_equally(5, []) == {}


@given(st.integers(0, 10**9),
       st.dictionaries(st.integers(), st.integers(0, 10**6), min_size=1, max_size=60))  # fmt: skip
def test_sum_is_exact_and_each_part_within_one_of_its_share(total, weights):
    if not sum(weights.values()):
        return
    parts = spread(total, weights)
    assert sum(parts.values()) == total
    whole = sum(weights.values())
    for key, w in weights.items():
        assert abs(parts[key] - total * w / whole) < 1 + 1e-6
